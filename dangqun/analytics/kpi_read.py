"""Reading the KPI rollup (``KpiDaily``) for ``analytics.kpis.case_kpis``.

A report can use the rollup when its filters are one of the rollup's keys: no scope restriction and
at most one of region subtree, lead department or category subtree; and its grouping is one the rows
hold (streets or communities below the region filter, departments, categories below the category
filter, months, days). Then the whole, rolled, clean days of the period (``kpi_rollup.rollup_days``)
are summed from the rollup — a few rows a day — and only the remaining moments (today, dirty days,
partial days at the edges) are aggregated from the cases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, Sum

from dangqun.analytics.kpi_figures import KpiFigures, KpiGroupBy
from dangqun.analytics.kpi_rollup import (
    DIM_ALL,
    DIM_CATEGORY,
    DIM_DEPARTMENT,
    DIM_REGION,
    FIGURES,
    day_start,
    local_day,
    rollup_days,
)
from dangqun.cases.models import Category, KpiDaily
from dangqun.core import clock
from dangqun.orgs.models import Department
from dangqun.regions.models import Region

_REGION_GROUP_DEPTH = {KpiGroupBy.STREET: 2, KpiGroupBy.COMMUNITY: 3}
_FAR_PAST = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class RollupPlan:
    """Which rollup rows answer a report: the filter's rows (``dim``/``depth``/``key``) and, for a
    grouping by region, department or category, the group rows (``group_dim``/``group_depth`` with
    keys under ``group_prefix``)."""

    dim: str
    depth: int
    key: str
    group_by: KpiGroupBy | None = None
    group_dim: str = ""
    group_depth: int = 0
    group_prefix: str = ""


def _depth(path: str) -> int:
    return len([c for c in path.split("/") if c])


def rollup_plan(  # noqa: PLR0911 - one answer per kind of grouping
    *,
    region: Region | None,
    department: Department | None,
    category: Category | None,
    group_by: KpiGroupBy | None,
) -> RollupPlan | None:
    """The rows that answer the report, or ``None`` when the report must read the cases."""
    if sum(x is not None for x in (region, department, category)) > 1:
        return None
    if region is not None:
        dim, depth, key = DIM_REGION, _depth(region.path), region.path
    elif department is not None:
        dim, depth, key = DIM_DEPARTMENT, 0, str(department.pk)
    elif category is not None:
        dim, depth, key = DIM_CATEGORY, _depth(category.path), category.path
    else:
        dim, depth, key = DIM_ALL, 0, ""
    base = RollupPlan(dim=dim, depth=depth, key=key, group_by=group_by)
    if group_by is None or group_by in (KpiGroupBy.MONTH, KpiGroupBy.DAY):
        return base
    if group_by in _REGION_GROUP_DEPTH:
        group_depth = _REGION_GROUP_DEPTH[group_by]
        if dim not in (DIM_ALL, DIM_REGION) or depth >= group_depth:
            return None  # a group coarser than the filter: the cases answer it (a small subtree)
        return RollupPlan(dim, depth, key, group_by, DIM_REGION, group_depth, key)
    if group_by == KpiGroupBy.DEPARTMENT:
        if dim != DIM_ALL:
            return None
        return RollupPlan(dim, depth, key, group_by, DIM_DEPARTMENT, 0, "")
    # KpiGroupBy.CATEGORY: one level below the filter category, at most level 3 (as the live report)
    if dim not in (DIM_ALL, DIM_CATEGORY):
        return None
    return RollupPlan(dim, depth, key, group_by, DIM_CATEGORY, min(depth + 1, 3), key)


def covered_days(start: dt.datetime | None, end: dt.datetime | None) -> list[dt.date]:
    """The whole days inside ``[start, end)`` that the rollup may answer, sorted."""
    if start is None:
        first = _FAR_PAST
    else:
        first = local_day(start)
        if day_start(first) < start:
            first += dt.timedelta(days=1)
    last = local_day(end if end is not None else clock.now()) - dt.timedelta(days=1)
    return sorted(rollup_days(first, last))


def _runs(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    runs: list[tuple[dt.date, dt.date]] = []
    for day in days:
        if runs and day == runs[-1][1] + dt.timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def live_ranges(
    covered: list[dt.date], start: dt.datetime | None, end: dt.datetime | None
) -> list[tuple[dt.datetime | None, dt.datetime | None]]:
    """The non-empty parts of ``[start, end)`` outside the covered days (``None``: unbounded)."""
    ranges: list[tuple[dt.datetime | None, dt.datetime | None]] = []
    lo = start
    for first, last in _runs(covered):
        hi = day_start(first)
        if lo is None or lo < hi:
            ranges.append((lo, hi))
        lo = day_start(last + dt.timedelta(days=1))
    if end is None or lo is None or lo < end:
        ranges.append((lo, end))
    return ranges


def _group_key(plan: RollupPlan, key: str) -> str:
    if plan.group_dim == DIM_DEPARTMENT:
        return key
    return key.rstrip("/").rsplit("/", 1)[-1]  # the code of the region or category


def read_rollup(plan: RollupPlan, covered: list[dt.date]) -> dict[str, KpiFigures]:
    """The figures of the covered days by group key (``""`` alone when ungrouped)."""
    days = Q()
    for first, last in _runs(covered):
        days |= Q(day__gte=first, day__lte=last)
    rows = KpiDaily.objects.filter(days).order_by()
    base = rows.filter(dim=plan.dim, depth=plan.depth, key=plan.key)
    sums = {name: Sum(name) for name in FIGURES}
    if plan.group_by is None:
        return {"": KpiFigures.from_row(base.aggregate(**sums))}
    if plan.group_by in (KpiGroupBy.MONTH, KpiGroupBy.DAY):
        out: dict[str, KpiFigures] = {}
        for row in base.values("day").annotate(**sums):
            day = row["day"]
            key = f"{day:%Y-%m}" if plan.group_by == KpiGroupBy.MONTH else day.isoformat()
            out[key] = out.get(key, KpiFigures()) + KpiFigures.from_row(row)
        return out
    groups = rows.filter(dim=plan.group_dim, depth=plan.group_depth)
    if plan.group_prefix:
        groups = groups.filter(key__startswith=plan.group_prefix)
    out = {
        _group_key(plan, row["key"]): KpiFigures.from_row(row)
        for row in groups.values("key").annotate(**sums)
    }
    if plan.group_dim != DIM_DEPARTMENT:
        # Cases above the group level (no street, no category below the filter) form the "" group.
        rest = KpiFigures.from_row(base.aggregate(**sums)) - sum(out.values(), KpiFigures())
        if rest.submitted:
            out[""] = rest
    return out
