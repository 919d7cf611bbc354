"""Grid workers' work (网格员履职): per worker of the reader's grids, for one period — patrols made,
visits done and how many on time, diaries written, cases reported from the grid and resolved on the
spot — and the overdue visits of their grid now. One grouped query per measure, whatever the number
of workers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangqun.accounts.models import Membership, Role
from dangqun.accounts.scope import get_scope
from dangqun.cases.enums import CaseChannel, CaseEventType
from dangqun.cases.models import CaseEvent
from dangqun.core import clock
from dangqun.gridwork.access import VISIT_READ_ROLES
from dangqun.gridwork.models import DiaryEntry, Patrol, PatrolStatus, Visit, VisitStatus

MEASURES = ("patrols", "visits", "visits_on_time", "diaries", "reported", "on_spot", "overdue")


@dataclass
class WorkerRow:
    user_id: int
    name: str
    grid_code: str
    grid_name: str
    grid_path: str
    figures: dict[str, int] = field(default_factory=dict)

    @property
    def on_time_pct(self) -> int | None:
        done = self.figures.get("visits", 0)
        return round(100 * self.figures.get("visits_on_time", 0) / done) if done else None


def month_bounds(raw: str) -> tuple[dt.date, dt.date]:
    """The first and last day of month ``YYYY-MM`` (this month when empty; up to today)."""
    today = clock.local_today()
    if not raw:
        return today.replace(day=1), today
    try:
        first = dt.date.fromisoformat(raw + "-01")
    except ValueError:
        raise ValidationError({"month": _("月份格式应为 YYYY-MM")}) from None
    if first > today:
        raise ValidationError({"month": _("月份不能晚于本月")})
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return first, min(last, today)


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def scoped_workers(user: object) -> dict[int, WorkerRow]:
    """The grid workers of the reader's grids (by user id, in grid order), without figures."""
    scope = get_scope(user)
    if not (scope.is_sysadmin or scope.roles & VISIT_READ_ROLES):
        return {}
    memberships = (
        Membership.objects.filter(role=Role.GRID_WORKER, is_active=True, region__isnull=False)
        .filter(scope.region_q("region__path", roles=VISIT_READ_ROLES))
        .order_by("region__path", "id")
        .values_list("user_id", "user__display_name", "user__username", "region__code", "region__name",
                     "region__path")
    )  # fmt: skip
    rows: dict[int, WorkerRow] = {}
    for user_id, display, username, code, name, path in memberships:
        rows.setdefault(user_id, WorkerRow(user_id, display or username, code, name, path))
    return rows


def worker_rows(user: object, start: dt.date, end: dt.date) -> list[WorkerRow]:
    """The grid workers of the reader's grids with their figures from ``start`` to ``end`` (inclusive)."""
    rows = scoped_workers(user)
    if not rows:
        return []
    ids = list(rows)
    since, until = _bounds(start, end)

    def put(measure: str, pairs: object) -> None:
        for uid, n in pairs:  # type: ignore[attr-defined]
            if uid in rows:
                rows[uid].figures[measure] = n

    put(
        "patrols",
        Patrol.objects.filter(worker_id__in=ids, day__range=(start, end), status=PatrolStatus.ENDED)
        .values_list("worker_id")
        .annotate(n=Count("id")),
    )
    done = Visit.objects.filter(
        done_by_id__in=ids, status=VisitStatus.DONE, done_at__gte=since, done_at__lt=until
    )
    put("visits", done.values_list("done_by_id").annotate(n=Count("id")))
    put(
        "visits_on_time",
        done.filter(done_at__date__lte=F("due_date")).values_list("done_by_id").annotate(n=Count("id")),
    )
    put(
        "diaries",
        DiaryEntry.objects.filter(author_id__in=ids, day__range=(start, end))
        .values_list("author_id")
        .annotate(n=Count("id")),
    )
    events = CaseEvent.objects.filter(actor_id__in=ids, created_at__gte=since, created_at__lt=until)
    put(
        "reported",
        events.filter(event_type=CaseEventType.CREATED, case__channel=CaseChannel.GRID_WORKER)
        .values_list("actor_id")
        .annotate(n=Count("id")),
    )
    put(
        "on_spot",
        events.filter(event_type=CaseEventType.RESOLVED_ON_SPOT)
        .values_list("actor_id")
        .annotate(n=Count("id")),
    )
    today = clock.local_today()
    overdue = dict(
        Visit.objects.filter(
            Q(grid_path__in={r.grid_path for r in rows.values()}), status=VisitStatus.DUE, due_date__lt=today
        )
        .values_list("grid_path")
        .annotate(n=Count("id"))
    )
    for row in rows.values():
        row.figures["overdue"] = overdue.get(row.grid_path, 0)
        for measure in MEASURES:
            row.figures.setdefault(measure, 0)
    return list(rows.values())
