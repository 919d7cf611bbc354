"""Admin for party organisations and departments; saves go through ``orgs.services``.

A party organisation's code, kind and parent (hence its path) and a department's code and region
are fixed once created; the services change the rest.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from dangqun.core.admin import ServiceBackedAdmin, ServiceModelForm
from dangqun.orgs import services
from dangqun.orgs.models import Department, PartyOrg

_PARTY_ORG_EDITABLE = services.PARTY_ORG_EDITABLE_FIELDS
_DEPARTMENT_EDITABLE = services.DEPARTMENT_EDITABLE_FIELDS


class PartyOrgAdminForm(ServiceModelForm):
    class Meta:
        model = PartyOrg
        fields = ("code", "kind", "parent", "region", *_PARTY_ORG_EDITABLE)


@admin.register(PartyOrg)
class PartyOrgAdmin(ServiceBackedAdmin):
    form = PartyOrgAdminForm
    list_display = ("code", "name", "kind", "parent", "region", "secretary_name", "is_active")
    list_select_related = ("parent", "region")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "short_name")
    search_help_text = gettext_lazy("按组织编码、名称或简称搜索")
    ordering = ("path",)
    autocomplete_fields = ("parent", "region")

    def get_fields(self, request: HttpRequest, obj: PartyOrg | None = None) -> list[Any]:
        fields = ["code", "kind", "parent", "region", *_PARTY_ORG_EDITABLE]
        return fields if obj is None else [*fields, "path", "created_at", "updated_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: PartyOrg | None = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        return ("code", "kind", "parent", "path", "created_at", "updated_at")

    def service_create(self, *, actor: Any, data: dict[str, Any]) -> PartyOrg:
        return services.party_org_create(
            actor=actor,
            code=data["code"],
            name=data["name"],
            kind=data["kind"],
            parent=data.get("parent"),
            region=data.get("region"),
            **{name: data[name] for name in _PARTY_ORG_EDITABLE if name != "name" and name in data},
        )

    def service_update(self, *, actor: Any, obj: PartyOrg, data: dict[str, Any]) -> PartyOrg:
        return services.party_org_update(
            actor=actor,
            org=obj,
            region=data.get("region"),
            **{name: data[name] for name in _PARTY_ORG_EDITABLE if name in data},
        )


class DepartmentAdminForm(ServiceModelForm):
    class Meta:
        model = Department
        fields = ("code", "region", *_DEPARTMENT_EDITABLE)


@admin.register(Department)
class DepartmentAdmin(ServiceBackedAdmin):
    form = DepartmentAdminForm
    list_display = ("code", "name", "kind", "region", "party_org", "contact_phone", "is_active", "sort_order")
    list_select_related = ("region", "party_org")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "short_name")
    search_help_text = gettext_lazy("按部门编码、名称或简称搜索")
    autocomplete_fields = ("region", "party_org")

    def get_fields(self, request: HttpRequest, obj: Department | None = None) -> list[Any]:
        fields = ["code", "region", *_DEPARTMENT_EDITABLE]
        return fields if obj is None else [*fields, "created_at", "updated_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Department | None = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        return ("code", "region", "created_at", "updated_at")

    def service_create(self, *, actor: Any, data: dict[str, Any]) -> Department:
        return services.department_create(
            actor=actor,
            code=data["code"],
            name=data["name"],
            region=data["region"],
            **{name: data[name] for name in _DEPARTMENT_EDITABLE if name != "name" and name in data},
        )

    def service_update(self, *, actor: Any, obj: Department, data: dict[str, Any]) -> Department:
        return services.department_update(
            actor=actor,
            department=obj,
            **{name: data[name] for name in _DEPARTMENT_EDITABLE if name in data},
        )
