"""The KPI rollup: ``KpiDaily`` rows per closed day, so dashboards need not scan a year of cases.

Exactness: a day's rows are used only while they equal a fresh computation. The periodic job
``kpi_rollup_run`` (scheduled every minute) computes each *closed* day — a day that ended at least
``CLOSE_MARGIN`` ago, so no intake transaction of that day is still open — and records it in
``KpiRolledDay``.

``cases`` tells analytics what changed through its events, never by calling it: every change to a
case appends a ``CaseEvent`` in the same transaction. ``KpiEventMark.before`` says how far the job
has read them. Each run turns the events created before ``at - CLOSE_MARGIN`` (committed by then,
as for closed days) into ``KpiDirtyDay`` rows — the registration days of their cases — and moves the
mark there, in one transaction. Readers (``rollup_days``) count as dirty both the ``KpiDirtyDay``
rows and the days of the cases of every event from the mark on, so a change is read live from the
moment it commits. The job recomputes a dirty day and deletes exactly the dirty rows it saw before
recomputing, so a change committed meanwhile keeps the day dirty. Reads therefore use the rollup
only for rolled, clean, whole days; today, dirty days and partial days at the period's edges are
aggregated live.

Writers that bypass the services and write no events (bulk loads, seeds) call ``kpi_rollup_reset``
afterwards (every day becomes live until the next run) or mark the days they touched with
``mark_days_dirty``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Min, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from dangqun.analytics.kpi_figures import kpi_aggregates
from dangqun.analytics.models import KpiEventMark
from dangqun.cases.models import Case, CaseEvent, KpiDaily, KpiDirtyDay, KpiRolledDay
from dangqun.core import clock

CLOSE_MARGIN = dt.timedelta(minutes=10)
FIGURES = (
    "submitted",
    "accepted",
    "resolved",
    "resolved_on_time",
    "satisfied",
    "basically_satisfied",
    "unsatisfied",
    "unrated",
    "signed",
    "sign_hours_total",
    "resolve_hours_total",
)
DIM_ALL, DIM_REGION, DIM_DEPARTMENT, DIM_CATEGORY = "all", "region", "department", "category"


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def day_start(day: dt.date) -> dt.datetime:
    """Local midnight at the start of ``day``, aware."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def path_prefixes(path: str) -> list[tuple[int, str]]:
    """``/a/b/`` → ``[(1, "/a/"), (2, "/a/b/")]``."""
    codes = [c for c in path.split("/") if c]
    return [(i, "/" + "/".join(codes[:i]) + "/") for i in range(1, len(codes) + 1)]


def mark_days_dirty(days: Iterable[dt.date]) -> None:
    KpiDirtyDay.objects.bulk_create(KpiDirtyDay(day=d) for d in sorted(set(days)))


def _event_mark() -> dt.datetime | None:
    return KpiEventMark.objects.filter(pk=1).values_list("before", flat=True).first()


def _event_days(
    events: QuerySet[CaseEvent], first: dt.date | None = None, last: dt.date | None = None
) -> set[dt.date]:
    """The registration days (local) of the cases of ``events``, within ``[first, last]`` if given."""
    if first is not None:
        events = events.filter(case__submitted_at__gte=day_start(first))
    if last is not None:
        events = events.filter(case__submitted_at__lt=day_start(last + dt.timedelta(days=1)))
    tz = timezone.get_current_timezone()
    return set(
        events.order_by()
        .annotate(kpi_day=TruncDate("case__submitted_at", tzinfo=tz))
        .values_list("kpi_day", flat=True)
        .distinct()
    )


def pending_days(first: dt.date, last: dt.date, mark: dt.datetime | None) -> set[dt.date]:
    """The days in ``[first, last]`` of the cases changed by events the job has not read yet (every
    event when there is no mark: after ``kpi_rollup_reset``)."""
    events = CaseEvent.objects.all() if mark is None else CaseEvent.objects.filter(created_at__gte=mark)
    return _event_days(events, first, last)


def consume_case_events(at: dt.datetime) -> int:
    """Turn the case events created before ``at - CLOSE_MARGIN`` and after the mark into
    ``KpiDirtyDay`` rows and move the mark there, in one transaction; the number of days marked."""
    cutoff = at - CLOSE_MARGIN
    with transaction.atomic():
        mark = KpiEventMark.objects.select_for_update().filter(pk=1).first()
        if mark is not None and mark.before >= cutoff:
            return 0
        events = CaseEvent.objects.filter(created_at__lt=cutoff)
        if mark is not None:
            events = events.filter(created_at__gte=mark.before)
        days = _event_days(events)
        mark_days_dirty(days)
        KpiEventMark.objects.update_or_create(pk=1, defaults={"before": cutoff})
    return len(days)


def dirty_days(first: dt.date, last: dt.date) -> set[dt.date]:
    """The days in ``[first, last]`` that must be read live: marked dirty, or changed by events the
    job has not read yet. The mark is read first: a job that moves it meanwhile has committed the
    dirty rows of the events it read."""
    mark = _event_mark()
    pending = pending_days(first, last, mark)
    marked = set(
        KpiDirtyDay.objects.filter(day__gte=first, day__lte=last).values_list("day", flat=True).distinct()
    )
    return pending | marked


def last_closed_day(at: dt.datetime) -> dt.date:
    """The latest day that ended at least ``CLOSE_MARGIN`` before ``at``."""
    return local_day(at - CLOSE_MARGIN) - dt.timedelta(days=1)


def rollup_days(first: dt.date, last: dt.date) -> set[dt.date]:
    """The days in ``[first, last]`` whose rollup rows may be read now (rolled and clean)."""
    if first > last:
        return set()
    rolled = set(KpiRolledDay.objects.filter(day__gte=first, day__lte=last).values_list("day", flat=True))
    if not rolled:
        return rolled
    return rolled - dirty_days(first, last)


def _prefix_expansion(source: str, path: str, index: str) -> str:
    """A recursive CTE body: every ``(path, depth, prefix)`` of the distinct non-empty ``path`` values
    of ``source`` — ``/a/b/`` → ``(/a/b/, 1, /a/)``, ``(/a/b/, 2, /a/b/)``, as ``path_prefixes``."""
    return (
        f"SELECT DISTINCT {path} AS path, 1 AS depth, "  # noqa: S608 - column names of ours, no input
        f"substr({path}, 1, {index}(substr({path}, 2), '/') + 1) AS prefix "
        f"FROM {source} WHERE {path} IS NOT NULL AND {path} <> '' "
        f"UNION ALL SELECT path, depth + 1, "
        f"substr(path, 1, length(prefix) + {index}(substr(path, length(prefix) + 1), '/')) "
        f"FROM {{name}} WHERE length(prefix) < length(path)"
    )


def _rollup_sql(first: dt.date, last: dt.date) -> tuple[str, list[Any]]:
    """One ``INSERT … SELECT`` that writes the ``KpiDaily`` rows of the days ``[first, last]``.

    ``base`` groups the days' cases by (day, region path, lead department, category path) with the
    same aggregates as the live report (``kpi_figures.kpi_aggregates``, compiled by Django for the
    database in use); ``region_prefixes``/``category_prefixes`` expand the distinct paths into their
    prefixes; the final ``SELECT`` sums ``base`` once per dimension and depth. Nothing leaves the
    database but the row count.
    """
    tz = timezone.get_current_timezone()
    base: Any = (
        Case.objects.filter(
            submitted_at__gte=day_start(first), submitted_at__lt=day_start(last + dt.timedelta(days=1))
        )
        .order_by()
        .annotate(
            kpi_day=TruncDate("submitted_at", tzinfo=tz),
            kpi_region=F("region_path"),
            kpi_department=F("lead_department_id"),
            kpi_category=F("category__path"),
        )
        .values("kpi_day", "kpi_region", "kpi_department", "kpi_category")
        .annotate(**kpi_aggregates())
    )
    base_sql, params = base.query.sql_with_params()
    index = "strpos" if connection.vendor == "postgresql" else "instr"
    region = _prefix_expansion("base", "kpi_region", index).format(name="region_prefixes")
    category = _prefix_expansion("base", "kpi_category", index).format(name="category_prefixes")
    sums = ", ".join(f"COALESCE(SUM(b.{name}), 0)" for name in FIGURES)
    columns = ", ".join(FIGURES)
    table = KpiDaily._meta.db_table
    sql = (
        f'INSERT INTO {table} ("day", "dim", "depth", "key", {columns}) '  # noqa: S608 - values are params
        f"WITH RECURSIVE base AS ({base_sql}), "
        f"region_prefixes(path, depth, prefix) AS ({region}), "
        f"category_prefixes(path, depth, prefix) AS ({category}) "
        f"SELECT b.kpi_day, '{DIM_ALL}', 0, '', {sums} FROM base b GROUP BY b.kpi_day "
        f"UNION ALL SELECT b.kpi_day, '{DIM_REGION}', p.depth, p.prefix, {sums} "
        "FROM base b JOIN region_prefixes p ON p.path = b.kpi_region GROUP BY b.kpi_day, p.depth, p.prefix "
        f"UNION ALL SELECT b.kpi_day, '{DIM_DEPARTMENT}', 0, "
        "COALESCE(CAST(b.kpi_department AS TEXT), ''), "
        f"{sums} FROM base b GROUP BY b.kpi_day, COALESCE(CAST(b.kpi_department AS TEXT), '') "
        f"UNION ALL SELECT b.kpi_day, '{DIM_CATEGORY}', p.depth, p.prefix, {sums} "
        "FROM base b JOIN category_prefixes p ON p.path = b.kpi_category "
        "GROUP BY b.kpi_day, p.depth, p.prefix"
    )
    return sql, list(params)


def _roll(first: dt.date, last: dt.date, at: dt.datetime) -> int:
    """Recompute ``[first, last]`` in one transaction; return the number of rows written."""
    with transaction.atomic():
        seen = list(KpiDirtyDay.objects.filter(day__gte=first, day__lte=last).values_list("pk", flat=True))
        KpiDaily.objects.filter(day__gte=first, day__lte=last).delete()
        sql, params = _rollup_sql(first, last)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            written: int = max(cursor.rowcount, 0)
        days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
        KpiRolledDay.objects.filter(day__in=days).delete()
        KpiRolledDay.objects.bulk_create(KpiRolledDay(day=d, rolled_at=at) for d in days)
        if seen:
            KpiDirtyDay.objects.filter(pk__in=seen).delete()
    return written


def _runs(days: list[dt.date], longest: int) -> list[tuple[dt.date, dt.date]]:
    """Consecutive days as ``(first, last)`` runs of at most ``longest`` days."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in sorted(days):
        if runs and day == runs[-1][1] + dt.timedelta(days=1) and (day - runs[-1][0]).days < longest:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def kpi_rollup_run(at: dt.datetime | None = None, max_days: int = 400) -> dict[str, int]:
    """Roll every closed day that is not rolled yet or is dirty, oldest first, at most ``max_days``.

    Idempotent: a second run finds nothing to do; two runs at once compute the same rows (the
    unique key makes the later one fail and retry on its next schedule).
    """
    at = at or clock.now()
    consume_case_events(at)
    last = last_closed_day(at)
    earliest = Case.objects.aggregate(first=Min("submitted_at"))["first"]
    if earliest is None:
        return {"days": 0, "rows": 0}
    first = local_day(earliest)
    if first > last:
        return {"days": 0, "rows": 0}
    rolled = set(KpiRolledDay.objects.filter(day__gte=first, day__lte=last).values_list("day", flat=True))
    dirty = set(KpiDirtyDay.objects.filter(day__lte=last).values_list("day", flat=True).distinct())
    span = (last - first).days + 1
    todo = sorted(({first + dt.timedelta(days=i) for i in range(span)} - rolled) | dirty)[:max_days]
    written = 0
    for run_first, run_last in _runs(todo, longest=31):
        written += _roll(run_first, run_last, at)
    return {"days": len(todo), "rows": written}


def kpi_rollup_reset() -> None:
    """Forget every rolled day and the event mark: reads go live until the next run recomputes them."""
    with transaction.atomic():
        KpiRolledDay.objects.all().delete()
        KpiDaily.objects.all().delete()
        KpiDirtyDay.objects.all().delete()
        KpiEventMark.objects.all().delete()
