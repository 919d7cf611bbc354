"""Admin for the region tree. Saves go through ``regions.services`` (create, rename/readdress,
set boundary); code, kind and parent are fixed once a region exists, and the path is derived."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from dangqun.core.admin import ServiceBackedAdmin, ServiceModelForm, pretty_json
from dangqun.regions.models import Region, RegionLevel


class RegionAdminForm(ServiceModelForm):
    new_boundary = forms.JSONField(
        label=gettext_lazy("设置边界(GeoJSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text=gettext_lazy(
            "WGS-84 经纬度的 Polygon 或 MultiPolygon 几何,"
            '例如 {"type": "Polygon", "coordinates": [...]}。留空则不改动边界。'
        ),
    )

    class Meta:
        model = Region
        fields = ("code", "name", "kind", "parent", "address")


@admin.register(Region)
class RegionAdmin(ServiceBackedAdmin):
    form = RegionAdminForm
    list_display = ("code", "name", "kind", "level", "parent")
    list_select_related = ("parent",)
    list_filter = ("level", "kind", "is_active")
    search_fields = ("code", "name")
    search_help_text = gettext_lazy("按区划代码或名称搜索")
    ordering = ("path",)
    autocomplete_fields = ("parent",)
    service_field_map = {"boundary": "new_boundary"}
    readonly_fields = (
        "path",
        "level",
        "boundary_json",
        "area_km2",
        "centroid",
        "sort_order",
        "is_active",
        "created_at",
        "updated_at",
    )

    def get_fields(self, request: HttpRequest, obj: Region | None = None) -> list[Any]:
        editable = ["name", "address", "new_boundary"]
        if obj is None:
            return ["code", "name", "kind", "parent", "address", "new_boundary"]
        return ["code", "kind", "parent", *editable, *self.readonly_fields]

    def get_readonly_fields(self, request: HttpRequest, obj: Region | None = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        return ("code", "kind", "parent", *self.readonly_fields)

    @admin.display(description=gettext_lazy("边界(GeoJSON)"))
    def boundary_json(self, obj: Region) -> str:
        if not obj.boundary:
            return "—"
        return pretty_json(obj.boundary)

    @admin.display(description=gettext_lazy("中心点(经度, 纬度)"))
    def centroid(self, obj: Region) -> str:
        if obj.centroid_lng is None or obj.centroid_lat is None:
            return "—"
        return f"{obj.centroid_lng:.6f}, {obj.centroid_lat:.6f}"

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Region], search_term: str
    ) -> tuple[QuerySet[Region], bool]:
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Autocomplete for a registry's "grid" offers grids only (level 5).
        if request.GET.get("field_name") == "grid":
            queryset = queryset.filter(level=RegionLevel.GRID)
        return queryset, may_have_duplicates

    # -- writes through regions.services

    def service_create(self, *, actor: Any, data: dict[str, Any]) -> Region:
        from dangqun.regions import services

        return services.region_create(
            actor=actor,
            code=data["code"],
            name=data["name"],
            kind=data["kind"],
            parent=data.get("parent"),
            boundary=data.get("new_boundary") or None,
            address=data.get("address") or "",
        )

    def service_update(self, *, actor: Any, obj: Region, data: dict[str, Any]) -> Region:
        from dangqun.regions import services

        region = obj
        name, address = data["name"], data.get("address") or ""
        if (name, address) != (region.name, region.address):
            updated = services.region_update(actor=actor, region=region, name=name, address=address)
            region = updated if isinstance(updated, Region) else region
        boundary = data.get("new_boundary")
        if boundary:
            updated = services.region_set_boundary(actor=actor, region=region, boundary=boundary)
            region = updated if isinstance(updated, Region) else region
        return region
