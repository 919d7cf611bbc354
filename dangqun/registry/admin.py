"""Admin for the registries: buildings, households, residents, businesses, institutions,
facilities and resident tags, with spreadsheet import/export.

Every add, change and delete of a record goes through its service (``ServiceBackedAdmin``:
``registry.services.residents`` and the like), with the actor and an audit event, like the import
and the API.

Import goes through ``registry.services.import_registry_file`` (all rows or none; errors listed
with spreadsheet row, column and reason); export through ``registry.services.export_registry``
(ID numbers and phones masked unless the user holds ``registry.view_resident_pii``). List pages
always show ID numbers and phones masked; the change form hides them from users without that
permission once a record exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import SelectableFieldsExportForm

from dangqun.core.admin import PersonalDataAdminMixin, ServiceBackedAdmin, ServiceModelForm
from dangqun.core.masking import mask_id_number, mask_phone
from dangqun.registry.models import (
    Building,
    Business,
    Facility,
    Household,
    Institution,
    Resident,
    ResidentTag,
)
from dangqun.registry.resources import (
    PII_PERMISSION,
    BuildingResource,
    BusinessResource,
    FacilityResource,
    HouseholdResource,
    InstitutionResource,
    ResidentResource,
    column_label,
)
from dangqun.registry.services import (
    buildings,
    export_registry,
    facilities,
    households,
    import_registry_file,
    residents,
    units,
)

MAX_ERRORS_SHOWN = 100


# --- forms --------------------------------------------------------------------------------------


class RegistryImportForm(forms.Form):
    import_file = forms.FileField(
        label=gettext_lazy("导入文件"),
        help_text=gettext_lazy(
            "支持 .xlsx 与 .csv(UTF-8 或 GBK 编码);第1行为表头,列名见上方(中文或英文均可)。"
            "任何一行有错误时整个文件都不会写入。"
        ),
    )
    dry_run = forms.BooleanField(label=gettext_lazy("仅校验,不写入"), required=False)


class RegistryExportForm(SelectableFieldsExportForm):
    """The library's export form, with each column labelled by its header only, in the reader's language."""

    def _get_field_label(self, resource: Any, field_name: str) -> str:
        field = resource.fields.get(field_name)
        return column_label(str(field.column_name)) if field is not None else field_name


class RegistryAdminForm(ServiceModelForm):
    """A registry record's form: its checks (grid level, ID number, phones) are the service's,
    run on a trial save (``ServiceModelForm``), and reported on their fields."""


# --- the import/export admin base ---------------------------------------------------------------


class RegistryImportExportAdmin(PersonalDataAdminMixin, ImportExportModelAdmin, ServiceBackedAdmin):
    """ModelAdmin with xlsx/csv import and export through the registry services, whose adds,
    changes and deletes go through the record's services (``record_fields`` names what the form
    may pass them)."""

    record_fields: ClassVar[tuple[str, ...]] = ()

    def record_values(self, data: dict[str, Any]) -> dict[str, Any]:
        return {name: value for name, value in data.items() if name in self.record_fields}

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The many-to-many fields (a resident's tags) went to the service with the others.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    form = RegistryAdminForm
    import_formats = (XLSX, CSV)
    export_formats = (XLSX, CSV)
    export_form_class = RegistryExportForm
    to_encoding = "utf-8-sig"  # a BOM, so that Excel opens exported CSV as UTF-8
    show_full_result_count = False
    pii_permission = PII_PERMISSION

    # -- import

    def import_action(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = RegistryImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["import_file"]
            dry_run = bool(form.cleaned_data["dry_run"])
            try:
                report = import_registry_file(
                    actor=request.user,
                    model_name=self.model._meta.label_lower,
                    file_bytes=upload.read(),
                    file_name=upload.name,
                    dry_run=dry_run,
                )
            except ValidationError as exc:
                form.add_error("import_file", exc)
            else:
                summary = _("新增%(created)s条,更新%(updated)s条") % {
                    "created": report.created,
                    "updated": report.updated,
                }
                if report.committed:
                    messages.success(
                        request,
                        _("导入完成:共%(total_rows)s行,%(summary)s。")
                        % {"total_rows": report.total_rows, "summary": summary},
                    )
                    return HttpResponseRedirect(
                        reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
                    )
                if report.ok:
                    messages.info(
                        request,
                        _("校验通过(未写入):共%(total_rows)s行,将%(summary)s。")
                        % {"total_rows": report.total_rows, "summary": summary},
                    )
                else:
                    shown = report.errors[:MAX_ERRORS_SHOWN]
                    form.add_error(
                        None,
                        _("发现%(error_count)s处错误,未导入任何数据:") % {"error_count": report.error_count},
                    )
                    for error in shown:
                        where = (
                            _("第%(row_number)s行") % {"row_number": error.row_number}
                            if error.row_number
                            else _("文件")
                        )
                        column = f" [{error.field}]" if error.field else ""
                        form.add_error(None, f"{where}{column}:{error.message}")
                    if report.error_count > len(shown):
                        form.add_error(
                            None,
                            _("……另有%(value)s处错误未列出") % {"value": report.error_count - len(shown)},
                        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("导入%(verbose_name)s") % {"verbose_name": self.opts.verbose_name},
            "form": form,
            "opts": self.opts,
            "media": self.media + form.media,
            "fields_list": [
                (
                    res.get_display_name(),
                    [column_label(f.column_name) for f in res().get_user_visible_fields()],
                )
                for res in self.get_import_resource_classes(request)
            ],
            "import_error_display": self.import_error_display,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def process_import(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        # The library's two-step confirm is not used: imports are one transactional step.
        return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import"))

    # -- export

    def get_data_for_export(self, request: HttpRequest, queryset: Any, **kwargs: Any) -> Any:
        export_form = kwargs.get("export_form")
        return export_registry(
            actor=request.user,
            model_name=self.model._meta.label_lower,
            queryset=queryset,
            export_fields=self.get_export_resource_fields_from_form(export_form),
        )

    def get_export_resource_kwargs(self, request: HttpRequest, **kwargs: Any) -> dict[str, Any]:
        return {"user": request.user}

    @admin.display(description=gettext_lazy("楼栋长电话"))
    def masked_manager_phone(self, obj: Any) -> str:
        return mask_phone(obj.manager_phone)


# --- the registries -----------------------------------------------------------------------------


@admin.register(Building)
class BuildingAdmin(RegistryImportExportAdmin):
    resource_classes = (BuildingResource,)
    list_display = ("code", "name", "kind", "grid", "floors", "units", "manager_name", "masked_manager_phone")
    list_select_related = ("grid",)
    list_filter = ("kind",)
    search_fields = ("code", "name", "address", "manager_name")
    hashed_search_fields = ("manager_phone",)
    search_help_text = gettext_lazy("按楼栋编码、名称、地址、楼栋长或其完整电话搜索")
    autocomplete_fields = ("grid",)
    pii_fields: ClassVar[dict[str, Callable[[str | None], str]]] = {"manager_phone": mask_phone}

    record_fields = buildings.BUILDING_FIELDS

    def service_create(self, *, actor: Any, data: dict[str, Any]) -> Building:
        return buildings.building_create(actor=actor, **self.record_values(data))

    def service_update(self, *, actor: Any, obj: Building, data: dict[str, Any]) -> Building:
        return buildings.building_update(actor=actor, building=obj, **self.record_values(data))

    def service_delete(self, *, actor: Any, obj: Building) -> None:
        buildings.building_delete(actor=actor, building=obj)


@admin.register(Household)
class HouseholdAdmin(RegistryImportExportAdmin):
    resource_classes = (HouseholdResource,)
    list_display = ("code", "building", "room", "grid", "housing", "head_name", "members_count")
    list_select_related = ("building", "grid")
    list_filter = ("housing",)
    search_fields = ("code", "room", "head_name", "building__code", "building__name")
    search_help_text = gettext_lazy("按户编码、房号、户主或楼栋搜索")
    autocomplete_fields = ("building", "grid")

    record_fields = households.HOUSEHOLD_FIELDS

    def service_create(self, *, actor: Any, data: dict[str, Any]) -> Household:
        return households.household_create(actor=actor, **self.record_values(data))

    def service_update(self, *, actor: Any, obj: Household, data: dict[str, Any]) -> Household:
        return households.household_update(actor=actor, household=obj, **self.record_values(data))

    def service_delete(self, *, actor: Any, obj: Household) -> None:
        households.household_delete(actor=actor, household=obj)


@admin.register(ResidentTag)
class ResidentTagAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "needs_visits", "description")
    list_filter = ("needs_visits",)
    search_fields = ("code", "name")


@admin.register(Resident)
class ResidentAdmin(RegistryImportExportAdmin):
    resource_classes = (ResidentResource,)
    list_display = (
        "name",
        "gender",
        "masked_id_number",
        "masked_phone",
        "grid",
        "household",
        "is_floating",
        "is_party_member",
    )
    list_select_related = ("grid", "household__building")
    list_filter = ("is_floating", "tags", "gender", "is_party_member")
    search_fields = ("name",)
    hashed_search_fields = ("id_number", "phone")
    search_help_text = gettext_lazy("按姓名、完整身份证号或完整电话搜索")
    autocomplete_fields = ("grid", "household")
    filter_horizontal = ("tags",)
    pii_fields: ClassVar[dict[str, Callable[[str | None], str]]] = {
        "id_number": mask_id_number,
        "phone": mask_phone,
    }

    record_fields = residents.RESIDENT_FIELDS

    def service_create(self, *, actor: Any, data: dict[str, Any]) -> Resident:
        return residents.resident_create(actor=actor, **self.record_values(data))

    def service_update(self, *, actor: Any, obj: Resident, data: dict[str, Any]) -> Resident:
        return residents.resident_update(actor=actor, resident=obj, **self.record_values(data))

    def service_delete(self, *, actor: Any, obj: Resident) -> None:
        residents.resident_delete(actor=actor, resident=obj)


@admin.register(Business)
class BusinessAdmin(RegistryImportExportAdmin):
    resource_classes = (BusinessResource,)
    list_display = (
        "name",
        "kind",
        "credit_code",
        "grid",
        "industry",
        "legal_person",
        "masked_phone",
        "employees",
        "is_resident_unit",
    )
    list_select_related = ("grid",)
    list_filter = ("kind", "is_resident_unit")
    search_fields = ("name", "credit_code", "legal_person")
    search_help_text = gettext_lazy("按名称、统一社会信用代码或负责人搜索")
    autocomplete_fields = ("grid", "party_org")
    pii_fields: ClassVar[dict[str, Callable[[str | None], str]]] = {"phone": mask_phone}

    record_fields = units.BUSINESS_FIELDS

    def service_create(self, *, actor: Any, data: dict[str, Any]) -> Business:
        return units.business_create(actor=actor, **self.record_values(data))

    def service_update(self, *, actor: Any, obj: Business, data: dict[str, Any]) -> Business:
        return units.business_update(actor=actor, business=obj, **self.record_values(data))

    def service_delete(self, *, actor: Any, obj: Business) -> None:
        units.business_delete(actor=actor, business=obj)


@admin.register(Institution)
class InstitutionAdmin(RegistryImportExportAdmin):
    resource_classes = (InstitutionResource,)
    list_display = ("name", "kind", "grid", "contact_name", "masked_phone", "staff_count", "is_resident_unit")
    list_select_related = ("grid",)
    list_filter = ("kind", "is_resident_unit")
    search_fields = ("name", "credit_code", "contact_name")
    search_help_text = gettext_lazy("按名称、统一社会信用代码或联系人搜索")
    autocomplete_fields = ("grid", "party_org")
    pii_fields: ClassVar[dict[str, Callable[[str | None], str]]] = {"phone": mask_phone}

    record_fields = units.INSTITUTION_FIELDS

    def service_create(self, *, actor: Any, data: dict[str, Any]) -> Institution:
        return units.institution_create(actor=actor, **self.record_values(data))

    def service_update(self, *, actor: Any, obj: Institution, data: dict[str, Any]) -> Institution:
        return units.institution_update(actor=actor, institution=obj, **self.record_values(data))

    def service_delete(self, *, actor: Any, obj: Institution) -> None:
        units.institution_delete(actor=actor, institution=obj)


@admin.register(Facility)
class FacilityAdmin(RegistryImportExportAdmin):
    resource_classes = (FacilityResource,)
    list_display = ("code", "name", "kind", "status", "grid", "owner_department")
    list_select_related = ("grid", "owner_department")
    list_filter = ("kind", "status")
    search_fields = ("code", "name", "address")
    search_help_text = gettext_lazy("按设施编码、名称或地址搜索")
    autocomplete_fields = ("grid", "owner_department")

    record_fields = facilities.FACILITY_FIELDS

    def service_create(self, *, actor: Any, data: dict[str, Any]) -> Facility:
        return facilities.facility_create(actor=actor, **self.record_values(data))

    def service_update(self, *, actor: Any, obj: Facility, data: dict[str, Any]) -> Facility:
        return facilities.facility_update(actor=actor, facility=obj, **self.record_values(data))

    def service_delete(self, *, actor: Any, obj: Facility) -> None:
        facilities.facility_delete(actor=actor, facility=obj)


__all__ = ["PII_PERMISSION", "RegistryAdminForm", "RegistryImportExportAdmin"]
