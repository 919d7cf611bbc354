"""Admin for party members, with spreadsheet import/export like the registries.

``PartyMemberResource`` lives here (the party app sits above the registry, so the registry's
import service cannot import it) and is registered with ``register_import_resource`` so that
``registry.services.import_registry_file(model_name="partymember", ...)`` handles it too. Admin
modules are imported at start-up by ``django.contrib.admin``, so the registration is always made.

Every add, change and delete of a member, in the admin and in the import, goes through
``party.services.members`` with the actor and an audit event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.contrib import admin
from django.utils.translation import gettext_lazy

from dangqun.core.masking import mask_id_number, mask_phone
from dangqun.orgs.models import PartyOrg
from dangqun.party.models import PartyMember
from dangqun.party.services import members
from dangqun.registry.admin import RegistryImportExportAdmin
from dangqun.registry.resources import (
    PARTY_ORG_COLUMN,
    CodeLookupWidget,
    IdNumberWidget,
    PhoneWidget,
    RegistryResource,
    clean_person_row,
    column,
    register_import_resource,
    special,
)


@register_import_resource
class PartyMemberResource(RegistryResource):
    name = column(PartyMember, "name")
    gender = column(PartyMember, "gender")
    id_number = special("id_number", gettext_lazy("身份证号"), IdNumberWidget())
    birth_date = column(PartyMember, "birth_date")
    phone = special("phone", gettext_lazy("联系电话"), PhoneWidget())
    party_org = special(
        "party_org", PARTY_ORG_COLUMN, CodeLookupWidget(PartyOrg, label=gettext_lazy("党组织编码"))
    )
    education = column(PartyMember, "education")
    joined_on = column(PartyMember, "joined_on")
    is_probationary = column(PartyMember, "is_probationary")
    status = column(PartyMember, "status")
    work_unit = column(PartyMember, "work_unit")

    natural_key = "id_number"
    required_columns = ("name", "party_org")
    pii_fields: ClassVar[dict[str, Callable[[str | None], str]]] = {
        "id_number": mask_id_number,
        "phone": mask_phone,
    }
    export_select_related = ("party_org",)

    class Meta:
        model = PartyMember
        fields = (
            "name", "gender", "id_number", "birth_date", "phone", "party_org", "education",
            "joined_on", "is_probationary", "status", "work_unit",
        )  # fmt: skip
        clean_model_instances = True
        skip_diff = True
        use_transactions = True

    def clean_row(self, instance: Any, row: Any, errors: dict[str, Any]) -> None:
        clean_person_row(instance, errors)

    def create_record(self, values: dict[str, Any]) -> PartyMember:
        return members.party_member_create(actor=self.user, **values)

    def update_record(self, obj: Any, values: dict[str, Any]) -> PartyMember:
        return members.party_member_update(actor=self.user, member=obj, **values)


@admin.register(PartyMember)
class PartyMemberAdmin(RegistryImportExportAdmin):
    resource_classes = (PartyMemberResource,)
    list_display = (
        "name",
        "gender",
        "party_org",
        "masked_id_number",
        "masked_phone",
        "joined_on",
        "is_probationary",
        "status",
    )
    list_select_related = ("party_org",)
    list_filter = ("status", "is_probationary", "gender")
    search_fields = ("name", "party_org__name")
    hashed_search_fields = ("id_number", "phone")
    search_help_text = gettext_lazy("按姓名、完整身份证号、完整电话或党组织名称搜索")
    autocomplete_fields = ("party_org", "resident")
    pii_fields: ClassVar[dict[str, Callable[[str | None], str]]] = {
        "id_number": mask_id_number,
        "phone": mask_phone,
    }

    record_fields = members.PARTY_MEMBER_FIELDS

    def service_create(self, *, actor: Any, data: dict[str, Any]) -> PartyMember:
        return members.party_member_create(actor=actor, **self.record_values(data))

    def service_update(self, *, actor: Any, obj: PartyMember, data: dict[str, Any]) -> PartyMember:
        return members.party_member_update(actor=actor, member=obj, **self.record_values(data))

    def service_delete(self, *, actor: Any, obj: PartyMember) -> None:
        members.party_member_delete(actor=actor, member=obj)
