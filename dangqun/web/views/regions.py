"""Region pages (/regions/<code>/) and building pages (/buildings/<id>/), and the context the
role homes share with them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from dangqun.accounts.scope import get_scope
from dangqun.accounts.selectors import responsibility_chain
from dangqun.analytics import dashcache, region_data
from dangqun.regions import selectors as region_selectors
from dangqun.regions.models import Region, RegionLevel
from dangqun.registry.access import access_building_by_id, registry_covers
from dangqun.registry.selectors import registry_counts
from dangqun.web.access import access_region_by_code, not_found_as_404
from dangqun.web.svgmap import MapFeature, build_map


@dataclass(frozen=True)
class Crumb:
    name: str
    href: str


def breadcrumbs(user: object, region: Region) -> list[Crumb]:
    """The region's ancestors, root first; those outside the user's scope are not links."""
    scope = get_scope(user)
    return [
        Crumb(name=a.name, href=reverse("web:region", args=[a.code]) if scope.covers_path(a.path) else "")
        for a in region_selectors.ancestors(region, include_self=False)
    ]


def _feature(user: object, region: Region, *, highlight: bool = False) -> MapFeature:
    covered = get_scope(user).covers_path(region.path)
    return MapFeature(
        code=region.code,
        name=region.name,
        boundary=region.boundary,
        label_lng=region.centroid_lng,
        label_lat=region.centroid_lat,
        href=reverse("web:region", args=[region.code]) if covered else "",
        highlight=highlight,
    )


def grid_context(request: HttpRequest, grid: Region) -> dict[str, Any]:
    """Everything the grid page shows: card, chain, counts, buildings, care list, map of siblings."""
    user = request.user
    ancestors = {a.level: a for a in region_selectors.ancestors(grid)}
    siblings = list(
        Region.objects.filter(parent_id=grid.parent_id, level=RegionLevel.GRID, is_active=True).order_by(
            "path"
        )
    )
    care, care_total = region_data.care_residents(user, grid)
    return {
        "region": grid,
        "compound": ancestors.get(RegionLevel.COMPOUND),
        "community": ancestors.get(RegionLevel.COMMUNITY),
        "street": ancestors.get(RegionLevel.STREET),
        "chain": responsibility_chain(grid),
        "counts": registry_counts(user, grid.path),
        "buildings": list(region_data.buildings_with_counts(user, grid)),
        "care_residents": care,
        "care_total": care_total,
        "care_limit": region_data.CARE_LIST_LIMIT,
        "tags": region_data.tag_summary(user, grid),
        "map": build_map(_feature(user, g, highlight=g.pk == grid.pk) for g in siblings),
    }


def community_context(request: HttpRequest, community: Region) -> dict[str, Any]:
    """A community: its grids with counts, tagged residents, party organisations, map of grids."""
    user = request.user
    rows = region_data.grid_rows(user, community)
    return {
        "region": community,
        "grid_rows": rows,
        "totals": region_data.totals(rows),
        "tags": region_data.tag_summary(user, community),
        "party_orgs": region_data.region_party_orgs(community),
        "map": build_map(_feature(user, row.grid) for row in rows),
    }


def area_context(request: HttpRequest, region: Region) -> dict[str, Any]:
    """A district, street or compound: its children with rolled-up counts and a map of them."""
    user = request.user
    # Counts over every registry row of the subtree: kept a minute per reader (analytics.dashcache).
    # every reader who sees the whole subtree's registries shares one entry
    reader = dashcache.SHARED if registry_covers(user, region.path) else dashcache.scope_key(user)
    rows = dashcache.cached(
        "regions.rows", (region.pk,), reader, lambda: region_data.child_rows(user, region)
    )
    context: dict[str, Any] = {
        "region": region,
        "child_rows": rows,
        "totals": region_data.totals(rows),
        "map": build_map(_feature(user, row.region) for row in rows),
        "child_level": rows[0].region.level if rows else None,
        "child_level_label": region_data.LEVEL_LABELS.get(RegionLevel(rows[0].region.level), "")
        if rows
        else "",
    }
    if region.level == RegionLevel.DISTRICT:
        context["departments"] = list(region_data.departments_in(region))
    return context


def region_page(request: HttpRequest, region: Region) -> tuple[str, dict[str, Any]]:
    """The template and context that show ``region`` (already access-checked)."""
    if region.level == RegionLevel.GRID:
        template, context = "web/region_grid.html", grid_context(request, region)
    elif region.level == RegionLevel.COMMUNITY:
        template, context = "web/region_community.html", community_context(request, region)
    else:
        template, context = "web/region_area.html", area_context(request, region)
    context["breadcrumbs"] = breadcrumbs(request.user, region)
    context["level_label"] = region_data.LEVEL_LABELS.get(RegionLevel(region.level), "")
    return template, context


@login_required
@not_found_as_404
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = access_region_by_code(request.user, code)
    template, context = region_page(request, region)
    return render(request, template, context)


@login_required
@not_found_as_404
def building_detail(request: HttpRequest, building_id: int) -> HttpResponse:
    building = access_building_by_id(request.user, building_id)
    grid = building.grid
    crumbs = [
        *breadcrumbs(request.user, grid),
        Crumb(name=grid.name, href=reverse("web:region", args=[grid.code])),
    ]
    households = region_data.building_households(request.user, building)
    return render(
        request,
        "web/building.html",
        {
            "building": building,
            "grid": grid,
            "breadcrumbs": crumbs,
            "households": households,
            "residents_total": sum(len(h.residents) for h in households),
        },
    )
