"""The only way to load a registry object for a user: ``access_<noun>_by_id(user, id)``.

Out of scope and nonexistent look the same (``NotFoundError`` → HTTP 404), so guessing ids of
another community's residents learns nothing.

Editing is for the roles that keep the registries current in their area (``REGISTRY_EDIT_ROLES``:
grid workers and leaders, community and street staff; and the system administrator). The role is
checked before any lookup (``ForbiddenError``, the same 403 for every id), then the scope (404).
The objects an edit points to (a grid, a household, tags) are looked up by code inside the same
scope; a code that is unknown or out of scope is a ``ValidationError`` naming the field.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from dangqun.accounts.models import Role
from dangqun.accounts.scope import REGISTRY_READ_ROLES, get_scope
from dangqun.core.errors import ForbiddenError, NotFoundError
from dangqun.core.i18n import join_list
from dangqun.regions.models import Region, RegionLevel
from dangqun.registry.models import (
    Building,
    Business,
    Facility,
    Household,
    Institution,
    Resident,
    ResidentTag,
)

# Roles that keep the registries current in their regions (the readers above, less the district's
# dispatchers and leaders, who read them).
REGISTRY_EDIT_ROLES = frozenset({Role.GRID_WORKER, Role.GRID_LEADER, Role.COMMUNITY_STAFF, Role.STREET_STAFF})

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


# --- editing ----------------------------------------------------------------------------------------


def _editable(user: object, queryset: QuerySet[M], path_lookup: str = "grid__path") -> QuerySet[M]:
    scope = get_scope(user)
    if not scope.has_role(*REGISTRY_EDIT_ROLES):
        raise ForbiddenError(_("无权修改实有人口、房屋和单位信息"))
    return queryset.filter(scope.region_q(path_lookup, roles=REGISTRY_EDIT_ROLES))


def access_resident_for_edit(user: object, resident_id: int) -> Resident:
    """The resident ``user`` may edit: 403 without an editing role (for every id), 404 out of scope."""
    resident = _editable(user, Resident.objects.all()).filter(pk=resident_id).first()
    if resident is None:
        raise NotFoundError()
    return resident


def access_building_for_edit(user: object, building_id: int) -> Building:
    """The building ``user`` may edit: 403 without an editing role (for every id), 404 out of scope."""
    building = _editable(user, Building.objects.all()).filter(pk=building_id).first()
    if building is None:
        raise NotFoundError()
    return building


def _code(field: str, code: str) -> str:
    if "\x00" in code:  # PostgreSQL text cannot hold one: refused before any query
        raise ValidationError({field: _("不能含有空字符(NUL)")})
    return code


def editable_grid_by_code(user: object, code: str) -> Region:
    """A grid (level 5) inside ``user``'s editing scope; otherwise ``ValidationError`` on ``grid``."""
    grid = _editable(user, Region.objects.filter(code=_code("grid", code), is_active=True), "path").first()
    if grid is None or grid.level != RegionLevel.GRID:
        raise ValidationError(
            {"grid": _("网格代码“%(code)s”不存在、不是网格或不在您的管辖范围内") % {"code": code}}
        )
    return grid


def editable_household_by_code(user: object, code: str) -> Household:
    """A household inside ``user``'s editing scope; otherwise ``ValidationError`` on ``household``."""
    household = _editable(user, Household.objects.filter(code=_code("household", code))).first()
    if household is None:
        raise ValidationError({"household": _("户编码“%(code)s”不存在或不在您的管辖范围内") % {"code": code}})
    return household


def resident_tags_by_code(codes: Iterable[str]) -> list[ResidentTag]:
    """The tags of ``codes`` (each once); an unknown code is a ``ValidationError`` on ``tags``."""
    wanted = [_code("tags", code) for code in dict.fromkeys(codes)]
    found = {tag.code: tag for tag in ResidentTag.objects.filter(code__in=wanted)}
    unknown = [code for code in wanted if code not in found]
    if unknown:
        raise ValidationError({"tags": _("标签“%(join)s”不存在") % {"join": join_list(unknown)}})
    return [found[code] for code in wanted]
