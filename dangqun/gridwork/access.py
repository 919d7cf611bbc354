"""Who sees which visits: the grid's workers and leader, and the community, street and district
above it. A visit outside the reader's scope is a 404 (``access_visit_by_id``)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from dangqun.accounts.models import Role
from dangqun.accounts.scope import get_scope
from dangqun.core.errors import NotFoundError
from dangqun.gridwork.models import Visit
from dangqun.regions.models import Region, RegionLevel

VISIT_READ_ROLES = frozenset(
    {
        Role.GRID_WORKER,
        Role.GRID_LEADER,
        Role.COMMUNITY_STAFF,
        Role.STREET_STAFF,
        Role.DISPATCHER,
        Role.LEADER,
    }
)
# Who records a visit: the grid's own people.
VISIT_RECORD_ROLES = frozenset({Role.GRID_WORKER, Role.GRID_LEADER})
# Who watches the overdue visits of the grids below them and may cancel one.
VISIT_SUPERVISE_ROLES = frozenset({Role.GRID_LEADER, Role.COMMUNITY_STAFF, Role.STREET_STAFF})


def visits_visible_q(user: object) -> Q:
    scope = get_scope(user)
    if scope.is_sysadmin:
        return Q()
    if not scope.roles & VISIT_READ_ROLES:
        return Q(pk__in=[])
    return scope.region_q("grid_path", roles=VISIT_READ_ROLES)


def visits_for(user: object) -> QuerySet[Visit]:
    return Visit.objects.filter(visits_visible_q(user))


def access_visit_by_id(user: object, visit_id: int) -> Visit:
    visit = (
        visits_for(user)
        .select_related("rule", "grid", "resident", "household", "case", "done_by")
        .filter(pk=visit_id)
        .first()
    )
    if visit is None:
        raise NotFoundError()
    return visit


def access_grid_for_visits(user: object, code: str) -> Region:
    """A grid whose visits the user sees (404 for any other code)."""
    grid = Region.objects.filter(code=code, level=RegionLevel.GRID).first()
    if grid is None or not get_scope(user).covers_path(grid.path, roles=VISIT_READ_ROLES):
        raise NotFoundError()
    return grid


def own_grid(user: object) -> Region | None:
    """The grid a grid worker or grid leader works in (their first grid), or None."""
    scope = get_scope(user)
    paths = scope.region_paths(VISIT_RECORD_ROLES)
    if not paths:
        return None
    return Region.objects.filter(path__in=paths, level=RegionLevel.GRID).order_by("path").first()
