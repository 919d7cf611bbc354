"""Admin for the audit trail, the base that makes admin saves go through services, and the mixin
that masks, searches and audits personal data (``PersonalDataAdminMixin``).

``ServiceBackedAdmin``: the change form is validated by running the service in a savepoint that
is then rolled back, so a ``ValidationError`` from the service becomes a form error (never a
500); the save then calls the service for real. The model form still checks fields and
uniqueness as usual before that.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, ClassVar, cast

from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangqun.core import workcal
from dangqun.core.encrypted_fields import matching
from dangqun.core.errors import DomainError
from dangqun.core.masking import mask_id_number, mask_phone
from dangqun.core.models import AuditEvent, WorkCalendarDay
from dangqun.core.pii_audit import record_pii_view


class _DryRunError(Exception):
    """Rolls back the trial run of a service during form validation."""


class ServiceModelForm(forms.ModelForm):
    """A model form whose validation includes a trial run of the admin's service."""

    service_admin: ClassVar[ServiceBackedAdmin]
    actor: ClassVar[Any] = None

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        if self.errors:
            return
        change = self.instance.pk is not None
        try:
            with transaction.atomic():
                if change:
                    current = type(self.instance)._default_manager.get(pk=self.instance.pk)
                    self.service_admin.service_update(actor=self.actor, obj=current, data=self.cleaned_data)
                else:
                    self.service_admin.service_create(actor=self.actor, data=self.cleaned_data)
                raise _DryRunError
        except _DryRunError:
            pass
        except ValidationError as exc:
            self.add_service_error(exc)
        except DomainError as exc:
            self.add_error(None, exc.message)

    def add_service_error(self, exc: ValidationError) -> None:
        field_map = self.service_admin.service_field_map
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for name, errors in exc.error_dict.items():
            target = field_map.get(name, name)
            if target in self.fields and target != NON_FIELD_ERRORS:
                self.add_error(target, errors)
                continue
            label = self._label(name)
            messages = [m for error in errors for m in error.messages]
            self.add_error(None, [f"{label}:{m}" if label else m for m in messages])

    def _label(self, name: str) -> str:
        if name == NON_FIELD_ERRORS:
            return ""
        try:
            return str(self._meta.model._meta.get_field(name).verbose_name)
        except Exception:
            return name


class ServiceBackedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose adds and changes go through ``service_create``/``service_update``.

    Subclasses define both methods; ``data`` is the form's ``cleaned_data``. Deleting through
    the admin is off (deactivate instead) unless the subclass defines ``service_delete``: then
    the delete view and the "delete selected" action call it for each object.
    """

    form = ServiceModelForm
    # Service error keys that differ from the form's field names (e.g. boundary → new_boundary).
    service_field_map: ClassVar[dict[str, str]] = {}

    def service_create(self, *, actor: Any, data: dict[str, Any]) -> models.Model:
        raise ImproperlyConfigured(f"{type(self).__name__} must define service_create")

    def service_update(self, *, actor: Any, obj: Any, data: dict[str, Any]) -> models.Model:
        raise ImproperlyConfigured(f"{type(self).__name__} must define service_update")

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = cast(type[ServiceModelForm], super().get_form(request, obj, change=change, **kwargs))
        # modelform_factory made a new class for this request: binding to it is safe.
        form_class.service_admin = self
        form_class.actor = request.user
        return form_class

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            current = self.model._default_manager.get(pk=obj.pk)
            saved = self.service_update(actor=request.user, obj=current, data=form.cleaned_data)
        else:
            saved = self.service_create(actor=request.user, data=form.cleaned_data)
        for field in self.model._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False
        obj._state.db = saved._state.db

    def service_delete(self, *, actor: Any, obj: Any) -> None:
        raise ImproperlyConfigured(f"{type(self).__name__} deletes nothing")

    def deletes_through_service(self) -> bool:
        return type(self).service_delete is not ServiceBackedAdmin.service_delete

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.deletes_through_service() and super().has_delete_permission(request, obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.service_delete(actor=request.user, obj=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.service_delete(actor=request.user, obj=obj)


def pretty_json(value: Any, limit: int = 4000) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=2)
    if len(text) > limit:
        text = text[:limit] + _("\n…(已截断)")
    return format_html('<pre style="white-space: pre-wrap; max-height: 24em; overflow: auto">{}</pre>', text)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail: readable by those with the view permission, writable by nobody."""

    list_display = ("created_at", "event_type", "actor_label", "target_type", "target_id")
    list_filter = ("event_type", ("created_at", admin.DateFieldListFilter), "target_type")
    search_fields = ("=target_id", "actor_label")
    search_help_text = gettext_lazy("按对象编号(精确)或操作人搜索")
    list_select_related = False
    show_full_result_count = False
    fields = ("created_at", "event_type", "actor", "actor_label", "target_type", "target_id", "data_json")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("数据"))
    def data_json(self, obj: AuditEvent) -> str:
        return pretty_json(obj.data)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


_WEEKDAYS = (
    gettext_lazy("星期一"),
    gettext_lazy("星期二"),
    gettext_lazy("星期三"),
    gettext_lazy("星期四"),
    gettext_lazy("星期五"),
    gettext_lazy("星期六"),
    gettext_lazy("星期日"),
)


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(ServiceBackedAdmin):
    """Overrides of the working calendar; saves go through ``workcal.workcal_day_set``."""

    list_display = ("date", "weekday", "is_workday", "name", "default_label", "note", "updated_at")
    list_filter = ("is_workday",)
    date_hierarchy = "date"
    search_fields = ("name", "note")
    search_help_text = gettext_lazy("按名称或备注搜索")
    ordering = ("-date",)

    def get_fields(self, request: HttpRequest, obj: WorkCalendarDay | None = None) -> list[Any]:
        fields = ["date", "is_workday", "name", "note"]
        return fields if obj is None else [*fields, "created_at", "updated_at"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: WorkCalendarDay | None = None
    ) -> tuple[str, ...]:
        return () if obj is None else ("date", "created_at", "updated_at")

    @admin.display(description=gettext_lazy("星期"))
    def weekday(self, obj: WorkCalendarDay) -> str:
        return str(_WEEKDAYS[obj.date.weekday()])

    @admin.display(description=gettext_lazy("日历默认"))
    def default_label(self, obj: WorkCalendarDay) -> str:
        return _("上班") if workcal.default_is_workday(obj.date) else _("放假")

    def service_create(self, *, actor: Any, data: dict[str, Any]) -> WorkCalendarDay:
        return workcal.workcal_day_set(
            actor=actor,
            date=data["date"],
            is_workday=data["is_workday"],
            name=data["name"],
            note=data.get("note", ""),
        )

    def service_update(self, *, actor: Any, obj: WorkCalendarDay, data: dict[str, Any]) -> WorkCalendarDay:
        return workcal.workcal_day_set(
            actor=actor,
            date=obj.date,
            is_workday=data["is_workday"],
            name=data["name"],
            note=data.get("note", ""),
        )


class PersonalDataAdminMixin:
    """For a ``ModelAdmin`` of records that hold ID numbers or phones.

    - ``pii_fields`` (field name → masking function): without ``pii_permission`` the change form
      of an existing record shows them masked and read-only (``masked_<name>``) instead of the
      field; with it, every time the form shows them an access-audit row is written
      (``core.pii_viewed``, via ``admin``).
    - ``hashed_search_fields``: encrypted fields that the search box matches whole, through their
      keyed hash (normalised: spaces, ``+86``, a lower-case ``x`` do not matter).
    """

    pii_permission: ClassVar[str] = "registry.view_resident_pii"
    pii_fields: ClassVar[dict[str, Callable[[str | None], str]]] = {}
    hashed_search_fields: ClassVar[tuple[str, ...]] = ()
    model: type[models.Model]

    def may_see_pii(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm(self.pii_permission))

    def _hides_pii(self, request: HttpRequest, obj: Any) -> bool:
        return bool(self.pii_fields) and obj is not None and not self.may_see_pii(request)

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        exclude = list(super().get_exclude(request, obj) or ())  # type: ignore[misc]
        if self._hides_pii(request, obj):
            exclude += list(self.pii_fields)
        return exclude

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        if self._hides_pii(request, obj):
            readonly += [f"masked_{name}" for name in self.pii_fields]
        return readonly

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)  # type: ignore[misc]
        if not self._hides_pii(request, obj):
            return fieldsets
        swap = {name: f"masked_{name}" for name in self.pii_fields}
        out = []
        for title, options in fieldsets:
            names = [swap.get(n, n) if isinstance(n, str) else n for n in options.get("fields", ())]
            out.append((title, {**options, "fields": tuple(dict.fromkeys(names))}))
        return out

    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> Any:
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)  # type: ignore[misc]
        term = search_term.strip()
        if term and self.hashed_search_fields:
            by_hash = Q()
            for name in self.hashed_search_fields:
                by_hash |= matching(self.model, name, term)
            found = found | queryset.filter(by_hash)
        return found, may_have_duplicates

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        response: HttpResponse = super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        context = getattr(response, "context_data", None) or {}
        obj = context.get("original")
        if response.status_code == 200 and obj is not None and self.pii_fields and self.may_see_pii(request):
            shown = [name for name in self.pii_fields if getattr(obj, name, "")]
            if shown:
                record_pii_view(actor=request.user, target=obj, fields=shown, via="admin", where=request.path)
        return response

    @admin.display(description=gettext_lazy("身份证号"))
    def masked_id_number(self, obj: Any) -> str:
        return mask_id_number(obj.id_number)

    @admin.display(description=gettext_lazy("联系电话"))
    def masked_phone(self, obj: Any) -> str:
        return mask_phone(obj.phone)
