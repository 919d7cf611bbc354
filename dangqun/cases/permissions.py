"""How an actor stands to a case (the ``Relation`` set the workflow table checks), and who may see it."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from dangqun.accounts.models import Role
from dangqun.accounts.scope import DataScope, get_scope
from dangqun.cases.enums import ACTIVE_TASK_STATUSES, TaskRole
from dangqun.cases.models import Case, CaseTask
from dangqun.cases.workflow import Relation
from dangqun.regions.models import Region

DISPATCH_ROLES = frozenset({Role.DISPATCHER, Role.STREET_STAFF, Role.COMMUNITY_STAFF})
UNIT_REGION_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.GRID_LEADER, Role.GRID_WORKER})
GRID_ROLES = frozenset({Role.GRID_WORKER, Role.GRID_LEADER})
ESCALATE_ROLES = frozenset(
    {Role.GRID_WORKER, Role.GRID_LEADER, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISPATCHER}
)
SUPERVISE_ROLES = frozenset({Role.LEADER, Role.DISPATCHER})
# Roles that see every case in their region subtree.
REGION_VIEW_ROLES = frozenset(
    {
        Role.GRID_WORKER,
        Role.GRID_LEADER,
        Role.COMMUNITY_STAFF,
        Role.STREET_STAFF,
        Role.DISPATCHER,
        Role.LEADER,
    }
)


# Relations of staff working on or overseeing a case (what a case page shows them beyond the public).
STAFF_RELATIONS = frozenset(
    {
        Relation.DISPATCHER,
        Relation.LEAD_UNIT,
        Relation.CO_UNIT,
        Relation.GRID,
        Relation.ESCALATOR,
        Relation.SUPERVISOR,
    }
)


def task_is_mine(scope: DataScope, task: CaseTask) -> bool:
    if task.department_id is not None:
        return task.department_id in scope.department_ids or scope.is_sysadmin
    return task.region is not None and scope.covers_path(task.region.path, roles=UNIT_REGION_ROLES)


def my_active_tasks(scope: DataScope, tasks: Iterable[CaseTask]) -> list[CaseTask]:
    return [t for t in tasks if t.status in ACTIVE_TASK_STATUSES and task_is_mine(scope, t)]


def relations(actor: object | None, case: Case, tasks: list[CaseTask] | None = None) -> frozenset[Relation]:
    """All relations of ``actor`` to ``case``. ``None`` is the system (the background worker)."""
    if actor is None:
        return frozenset({Relation.SYSTEM})
    scope = get_scope(actor)
    if scope.user_id is None:
        return frozenset()
    found: set[Relation] = set()
    handling_path = case.handling_region.path
    if scope.covers_path(handling_path, roles=DISPATCH_ROLES):
        found.add(Relation.DISPATCHER)
    if case.handling_region.level > 1 and scope.covers_path(handling_path, roles=ESCALATE_ROLES):
        found.add(Relation.ESCALATOR)
    if case.grid is not None and scope.covers_path(case.grid.path, roles=GRID_ROLES):
        found.add(Relation.GRID)
    if scope.covers_path(case.region_path, roles=SUPERVISE_ROLES):
        found.add(Relation.SUPERVISOR)
    if case.reporter_id is not None and case.reporter_id == scope.user_id:
        found.add(Relation.REPORTER)
    if tasks is None:
        tasks = list(case.tasks.select_related("region").all())
    for task in my_active_tasks(scope, tasks):
        found.add(Relation.LEAD_UNIT if task.role == TaskRole.LEAD else Relation.CO_UNIT)
    return frozenset(found)


def visible_cases_q(actor: object) -> Q:
    """Cases ``actor`` may read: their region subtree, their units' tasks, their own reports."""
    scope = get_scope(actor)
    if scope.user_id is None:
        return Q(pk__in=[])
    if scope.is_sysadmin or scope.covers_every_region(REGION_VIEW_ROLES):
        # every case lies in some top-level region: no filter (an OR of the reporter and the subtree
        # made SQLite read and sort every case for a page of 20)
        return Q()
    q = Q(reporter_id=scope.user_id)
    if scope.region_paths(REGION_VIEW_ROLES):
        q |= scope.region_q("region_path", roles=REGION_VIEW_ROLES)
    if scope.department_ids:
        q |= Q(pk__in=CaseTask.objects.filter(department_id__in=scope.department_ids).values("case_id"))
    unit_paths = scope.region_paths(UNIT_REGION_ROLES)
    if unit_paths:
        unit_q = Q()
        for path in unit_paths:
            unit_q |= Q(region__path__subtree=path)
        q |= Q(pk__in=CaseTask.objects.filter(unit_q).values("case_id"))
    return q


def kpi_scope_q(actor: object, region: object | None = None) -> Q | None:
    """The scope filter of a KPI report over ``region``'s subtree (every region when ``None``), or
    ``None`` when the actor sees every case there, so the report may read the daily rollup.
    ``visible_cases_q`` contains the subtrees held with a region-viewing role, so a region inside
    one of them is wholly visible."""
    scope = get_scope(actor)
    if scope.is_sysadmin:
        return None
    path = getattr(region, "path", None)
    if path is None and scope.covers_every_region(REGION_VIEW_ROLES):
        return None
    if path is not None:
        paths = [path]
    else:
        paths = list(Region.objects.filter(parent__isnull=True).values_list("path", flat=True))
    if (
        scope.user_id is not None
        and paths
        and all(scope.covers_path(p, roles=REGION_VIEW_ROLES) for p in paths)
    ):
        return None
    return visible_cases_q(actor)
