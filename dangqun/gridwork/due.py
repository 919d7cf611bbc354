"""The rules that make visits due, run as one idempotent refresh (``visits_refresh``).

- Tag rules (独居老人 weekly, 残疾人 monthly …): every resident holding the tag has one open due visit
  per rule, dated ``interval_days`` after their last visit (recorded or cancelled), or today when
  never visited.
- Event rules (五访: a new household registered, a new resident, a case closed in the grid → 回访):
  the registry's audit events and the cases' events are read from a cursor (``EventCursor``); each
  event makes one visit due ``due_days`` later.

A visit's ``(rule, source_key)`` is unique, so running the refresh twice (or twice at once) adds
nothing the second time. The district-wide run is a job (``gridwork_refresh_visits``); the grid app
runs it for its own grid when the worker opens the due list, so an event shows at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from dangqun.cases.enums import CaseStatus
from dangqun.cases.models import Case, CaseEvent
from dangqun.core import clock
from dangqun.core.models import AuditEvent
from dangqun.gridwork.models import EventCursor, Visit, VisitRule, VisitStatus, VisitTrigger
from dangqun.registry.events import RegistryEvent
from dangqun.registry.models import Household, Resident, ResidentTag

BATCH = 2000
# A cursor read for the first time starts this many days back (older events made no visit due).
FIRST_READ_DAYS = 14
EVENT_BATCH = 5000


@dataclass
class RefreshResult:
    tag_visits: int = 0
    event_visits: int = 0

    @property
    def created(self) -> int:
        return self.tag_visits + self.event_visits


def visits_refresh(*, grid_paths: Iterable[str] | None = None, today: dt.date | None = None) -> RefreshResult:
    """Make due every visit the active rules call for (in the grids under ``grid_paths``, or all)."""
    today = today or clock.local_today()
    paths = tuple(grid_paths) if grid_paths is not None else None
    result = RefreshResult()
    rules = list(VisitRule.objects.filter(is_active=True))
    result.event_visits = _event_visits(rules, today)
    for rule in rules:
        if rule.trigger == VisitTrigger.TAG:
            result.tag_visits += _tag_visits(rule, paths, today)
    return result


def _paths_q(paths: tuple[str, ...] | None, lookup: str) -> Q:
    if paths is None:
        return Q()
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{lookup}__subtree": path})
    return q


def _tag_visits(rule: VisitRule, paths: tuple[str, ...] | None, today: dt.date) -> int:
    tag = ResidentTag.objects.filter(code=rule.tag_code).first()
    if tag is None or rule.interval_days <= 0:
        return 0
    open_ids = Visit.objects.filter(rule=rule, status=VisitStatus.DUE, resident__isnull=False).values(
        "resident_id"
    )
    residents = list(
        Resident.objects.filter(_paths_q(paths, "grid__path"), tags=tag)
        .exclude(pk__in=open_ids)
        .values_list("pk", "grid_id", "grid__path", "name")
    )
    if not residents:
        return 0
    last: dict[int, dt.datetime] = {}
    ids = [r[0] for r in residents]
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        rows = (
            Visit.objects.filter(rule=rule, resident_id__in=chunk)
            .exclude(status=VisitStatus.DUE)
            .values("resident_id")
            .annotate(last=Max(Coalesce("done_at", "cancelled_at")))
        )
        last.update({r["resident_id"]: r["last"] for r in rows if r["last"] is not None})
    interval = dt.timedelta(days=rule.interval_days)
    visits = []
    for pk, grid_id, grid_path, name in residents:
        seen = last.get(pk)
        due = timezone.localdate(seen) + interval if seen is not None else today
        visits.append(
            Visit(
                rule=rule,
                source_key=f"r{pk}:{due.isoformat()}",
                grid_id=grid_id,
                grid_path=grid_path,
                resident_id=pk,
                subject=name,
                due_date=due,
            )
        )
    Visit.objects.bulk_create(visits, batch_size=BATCH, ignore_conflicts=True)
    return len(visits)


def _cursor(name: str) -> EventCursor:
    cursor = EventCursor.objects.select_for_update().filter(name=name).first()
    if cursor is not None:
        return cursor
    since = clock.now() - dt.timedelta(days=FIRST_READ_DAYS)
    model = AuditEvent if name == "audit" else CaseEvent
    before = model.objects.filter(created_at__lt=since).aggregate(m=Max("id"))["m"] or 0
    cursor, _created = EventCursor.objects.get_or_create(name=name, defaults={"last_id": before})
    return cursor


@transaction.atomic
def _event_visits(rules: list[VisitRule], today: dt.date) -> int:
    by_trigger = {r.trigger: r for r in rules if r.trigger != VisitTrigger.TAG}
    created = 0
    cursor = _cursor("audit")
    events = list(
        AuditEvent.objects.filter(
            id__gt=cursor.last_id,
            event_type__in=[RegistryEvent.HOUSEHOLD_CREATED.value, RegistryEvent.RESIDENT_CREATED.value],
        )
        .order_by("id")
        .values_list("id", "event_type", "target_id", "created_at")[:EVENT_BATCH]
    )
    if events:
        created += _registry_visits(events, by_trigger)
        cursor.last_id = events[-1][0]
        cursor.save(update_fields=["last_id"])
    cursor = _cursor("cases")
    closed = list(
        CaseEvent.objects.filter(id__gt=cursor.last_id, to_status=CaseStatus.CLOSED)
        .order_by("id")
        .values_list("id", "case_id", "created_at")[:EVENT_BATCH]
    )
    if closed:
        rule = by_trigger.get(VisitTrigger.CASE_CLOSED)
        if rule is not None:
            created += _case_visits(closed, rule)
        cursor.last_id = closed[-1][0]
        cursor.save(update_fields=["last_id"])
    return created


def _due(rule: VisitRule, at: dt.datetime) -> dt.date:
    return timezone.localdate(at) + dt.timedelta(days=rule.due_days)


def _registry_visits(events: list[tuple[int, str, str, dt.datetime]], rules: dict[str, VisitRule]) -> int:
    visits: list[Visit] = []
    household_rule = rules.get(VisitTrigger.NEW_HOUSEHOLD)
    resident_rule = rules.get(VisitTrigger.NEW_RESIDENT)
    households = [
        (int(t), at) for _id, kind, t, at in events if kind == RegistryEvent.HOUSEHOLD_CREATED.value
    ]
    residents = [(int(t), at) for _id, kind, t, at in events if kind == RegistryEvent.RESIDENT_CREATED.value]
    if household_rule is not None and households:
        found = Household.objects.select_related("grid", "building").in_bulk([h for h, _at in households])
        for pk, at in households:
            h = found.get(pk)
            if h is not None:
                visits.append(
                    Visit(
                        rule=household_rule,
                        source_key=f"h{pk}",
                        grid=h.grid,
                        grid_path=h.grid.path,
                        household=h,
                        subject=f"{h.building.name} {h.room} {h.head_name}".strip()[:120],
                        due_date=_due(household_rule, at),
                    )
                )
    if resident_rule is not None and residents:
        found_r = Resident.objects.select_related("grid").in_bulk([r for r, _at in residents])
        for pk, at in residents:
            r = found_r.get(pk)
            if r is not None:
                visits.append(
                    Visit(
                        rule=resident_rule,
                        source_key=f"p{pk}",
                        grid=r.grid,
                        grid_path=r.grid.path,
                        resident=r,
                        household_id=r.household_id,
                        subject=r.name,
                        due_date=_due(resident_rule, at),
                    )
                )
    Visit.objects.bulk_create(visits, batch_size=BATCH, ignore_conflicts=True)
    return len(visits)


def _case_visits(closed: list[tuple[int, int, dt.datetime]], rule: VisitRule) -> int:
    cases = (
        Case.objects.select_related("grid")
        .filter(grid__isnull=False, is_anonymous=False)
        .in_bulk([c for _id, c, _at in closed])
    )
    visits = []
    for _id, pk, at in closed:
        case = cases.get(pk)
        if case is None or case.grid is None:
            continue
        visits.append(
            Visit(
                rule=rule,
                source_key=f"c{pk}",
                grid=case.grid,
                grid_path=case.grid.path,
                case=case,
                subject=f"{case.code} {case.title}"[:120],
                due_date=_due(rule, at),
            )
        )
    Visit.objects.bulk_create(visits, batch_size=BATCH, ignore_conflicts=True)
    return len(visits)
