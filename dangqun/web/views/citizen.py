"""找网格员: anyone finds the grid for a place, and whom to call there.

Two plain GET forms (no JavaScript): pick street → community → grid, or give a coordinate with
its coordinate system. Either ends on the grid's five-level responsibility chain.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dangqun.accounts.selectors import responsibility_chain
from dangqun.core.errors import DomainError
from dangqun.regions import selectors as region_selectors
from dangqun.regions.coords import CoordSystem
from dangqun.regions.models import Region, RegionLevel

CRS_CHOICES = [
    (CoordSystem.WGS84.value, _("WGS-84(GPS 原始坐标)")),
    (CoordSystem.GCJ02.value, _("GCJ-02(高德、腾讯地图)")),
    (CoordSystem.BD09.value, _("BD-09(百度地图)")),
]


class CoordinateForm(forms.Form):
    lng = forms.FloatField(
        label=_("经度"),
        min_value=-180,
        max_value=180,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": "123.456789"}
        ),
        error_messages={"required": _("请填写经度"), "invalid": _("经度应为数字,例如 123.456789")},
    )
    lat = forms.FloatField(
        label=_("纬度"),
        min_value=-90,
        max_value=90,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": "41.123456"}
        ),
        error_messages={"required": _("请填写纬度"), "invalid": _("纬度应为数字,例如 41.123456")},
    )
    crs = forms.ChoiceField(label=_("坐标系"), choices=CRS_CHOICES, initial=CoordSystem.WGS84.value)


def _active(level: int, **filters: Any) -> list[Region]:
    return list(Region.objects.filter(level=level, is_active=True, **filters).order_by("sort_order", "path"))


def _pick(options: list[Region], code: str) -> Region | None:
    return next((r for r in options if r.code == code), None)


@login_required
def find_grid(request: HttpRequest) -> HttpResponse:
    params = request.GET
    errors: list[str] = []
    streets = _active(RegionLevel.STREET)
    street = community = grid = None
    communities: list[Region] = []
    grids: list[Region] = []
    if code := params.get("street", ""):
        street = _pick(streets, code)
        if street is None:
            errors.append(gettext("未找到所选街道,请重新选择"))
    if street is not None:
        communities = _active(RegionLevel.COMMUNITY, parent=street)
        if code := params.get("community", ""):
            community = _pick(communities, code)
            if community is None:
                errors.append(gettext("所选社区不属于该街道,请重新选择"))
    if community is not None:
        grids = _active(RegionLevel.GRID, path__subtree=community.path)
        if code := params.get("grid", ""):
            grid = _pick(grids, code)
            if grid is None:
                errors.append(gettext("所选网格不属于该社区,请重新选择"))

    coordinate_form = CoordinateForm(params if "lng" in params or "lat" in params else None)
    located = False
    if coordinate_form.is_bound and coordinate_form.is_valid():
        data = coordinate_form.cleaned_data
        try:
            grid = region_selectors.locate_grid(data["lng"], data["lat"], crs=CoordSystem(data["crs"]))
            located = True
        except (DomainError, ValidationError, ValueError):
            coordinate_form.add_error(None, gettext("该坐标不在本区任何网格内,请核对经纬度和坐标系"))

    context: dict[str, Any] = {
        "streets": streets,
        "street": street,
        "communities": communities,
        "community": community,
        "grids": grids,
        "grid": grid,
        "located": located,
        "errors": errors,
        "coordinate_form": coordinate_form,
    }
    if grid is not None:
        context["chain"] = responsibility_chain(grid)
        context["grid_ancestors"] = region_selectors.ancestors(grid, include_self=False)
    return render(request, "web/find_grid.html", context)
