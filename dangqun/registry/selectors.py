"""Scoped reads of the registries for lists and dashboards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Count, Q, QuerySet

from dangqun.registry.access import registry_queryset
from dangqun.registry.models import Building, Business, Facility, Household, Institution, Located, Resident

L = TypeVar("L", bound=Located)


@dataclass(frozen=True)
class ResidentFilter:
    grid_path: str | None = None  # a region subtree inside the user's scope
    q: str = ""  # name contains
    tag: str = ""
    is_floating: bool | None = None


def residents_for(user: object, filters: ResidentFilter | None = None) -> QuerySet[Resident]:
    filters = filters or ResidentFilter()
    qs = registry_queryset(user, Resident.objects.select_related("grid", "household__building"))
    if filters.grid_path:
        qs = qs.filter(grid__path__subtree=filters.grid_path)
    if filters.q:
        qs = qs.filter(name__contains=filters.q)
    if filters.tag:
        qs = qs.filter(tags__code=filters.tag)
    if filters.is_floating is not None:
        qs = qs.filter(is_floating=filters.is_floating)
    return qs.prefetch_related("tags").order_by("id")


def buildings_for(user: object, grid_path: str | None = None) -> QuerySet[Building]:
    qs = registry_queryset(user, Building.objects.select_related("grid"))
    if grid_path:
        qs = qs.filter(grid__path__subtree=grid_path)
    return qs.order_by("code")


def households_for(user: object, building_id: int | None = None) -> QuerySet[Household]:
    qs = registry_queryset(user, Household.objects.select_related("grid", "building"))
    if building_id is not None:
        qs = qs.filter(building_id=building_id)
    return qs.order_by("code")


def _located_in(user: object, queryset: QuerySet[L], grid_path: str | None) -> QuerySet[L]:
    qs = registry_queryset(user, queryset.select_related("grid"))
    return qs.filter(grid__path__subtree=grid_path) if grid_path else qs


def businesses_for(user: object, grid_path: str | None = None) -> QuerySet[Business]:
    return _located_in(user, Business.objects.all(), grid_path)


def institutions_for(user: object, grid_path: str | None = None) -> QuerySet[Institution]:
    return _located_in(user, Institution.objects.all(), grid_path)


def facilities_for(user: object, grid_path: str | None = None) -> QuerySet[Facility]:
    return _located_in(user, Facility.objects.all(), grid_path)


def registry_counts(user: object, grid_path: str | None = None) -> dict[str, int]:
    """Counts for a home page or a grid card, one query per registry."""
    residents = residents_for(user, ResidentFilter(grid_path=grid_path)).order_by()
    agg = residents.aggregate(
        total=Count("id"),
        floating=Count("id", filter=Q(is_floating=True)),
        party=Count("id", filter=Q(is_party_member=True)),
    )
    return {
        "residents": agg["total"],
        "floating": agg["floating"],
        "party_members": agg["party"],
        "buildings": buildings_for(user, grid_path).order_by().count(),
        "households": registry_queryset(user, Household.objects.all())
        .filter(**({"grid__path__subtree": grid_path} if grid_path else {}))
        .count(),
        "businesses": businesses_for(user, grid_path).order_by().count(),
    }
