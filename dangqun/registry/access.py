"""The only way to load a registry object for a user: ``access_<noun>_by_id(user, id)``.

Out of scope and nonexistent look the same (``NotFoundError`` → HTTP 404), so guessing ids of
another community's residents learns nothing.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

from dangqun.accounts.scope import REGISTRY_READ_ROLES, get_scope
from dangqun.core.errors import NotFoundError
from dangqun.registry.models import Building, Business, Facility, Household, Institution, Resident

M = TypeVar("M", bound=Model)


def registry_queryset(user: object, queryset: QuerySet[M]) -> QuerySet[M]:
    """Rows of a grid-located registry model that ``user`` may read."""
    scope = get_scope(user)
    if not scope.has_role(*REGISTRY_READ_ROLES):
        return queryset.none()
    return queryset.filter(scope.region_q("grid__path", roles=REGISTRY_READ_ROLES))


def registry_covers(user: object, path: str) -> bool:
    """Whether ``user`` reads every registry row under ``path`` (then ``registry_queryset`` filters
    nothing there, and what it counts is the same for every such reader)."""
    scope = get_scope(user)
    return scope.has_role(*REGISTRY_READ_ROLES) and scope.covers_path(path, roles=REGISTRY_READ_ROLES)


def _access(user: object, queryset: QuerySet[M], object_id: int) -> M:
    obj = registry_queryset(user, queryset).filter(pk=object_id).first()
    if obj is None:
        raise NotFoundError()
    return obj


def access_resident_by_id(user: object, resident_id: int) -> Resident:
    qs = Resident.objects.select_related("grid", "household__building").prefetch_related("tags")
    return _access(user, qs, resident_id)


def access_household_by_id(user: object, household_id: int) -> Household:
    return _access(user, Household.objects.select_related("grid", "building"), household_id)


def access_building_by_id(user: object, building_id: int) -> Building:
    return _access(user, Building.objects.select_related("grid"), building_id)


def access_business_by_id(user: object, business_id: int) -> Business:
    return _access(user, Business.objects.select_related("grid", "party_org"), business_id)


def access_institution_by_id(user: object, institution_id: int) -> Institution:
    return _access(user, Institution.objects.select_related("grid", "party_org"), institution_id)


def access_facility_by_id(user: object, facility_id: int) -> Facility:
    return _access(user, Facility.objects.select_related("grid", "owner_department"), facility_id)
