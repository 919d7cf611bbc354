"""Case KPIs (诉求办理指标) as selectors: what district offices report, computed in the database.

Every figure is over one *cohort*: the cases registered (``submitted_at``) in the period
``[start, end)``, inside the filters (the caller's scope, a region subtree, a lead department, a
category subtree). Counting by cohort keeps each rate between 0 and 1 and makes a month's figures
final once its cases are closed.

Definitions (the shape of "受理 8,879, 办结 8,128, 满意率 95%"):

- 登记 ``submitted``: every case registered in the period, whatever became of it.
- 受理 ``accepted``: registered cases that were taken on (``accepted_at`` set; 现场办结 sets it too) and
  were neither refused (不予受理) nor merged into another case (并单: the main case counts instead).
- 办结 ``resolved``: accepted cases whose handling is finished (``resolved_at`` set: status 已办结,
  已审核 or 已归档). A reopened case (重办) is not resolved until it is resolved again.
- 办结率 ``resolution_rate`` = resolved / accepted.
- 按时办结 ``resolved_on_time``: resolved cases resolved by their resolve-by deadline (the lead task's
  deadline after any approved extension; 现场办结 is on time). 按时办结率 ``on_time_rate`` =
  resolved_on_time / resolved.
- 满意率 ``satisfaction_rate`` = (满意 + 基本满意) / (满意 + 基本满意 + 不满意), over accepted cases
  with the citizen's latest rating. Cases closed without a rating (未评价, after the timeout) are
  counted in ``unrated`` and are in neither the numerator nor the denominator.
- 平均签收时长 ``mean_sign_hours``: mean of ``signed_at − dispatched_at`` in hours over accepted cases
  whose lead unit signed the latest dispatch (a case returned and dispatched again counts from the
  new dispatch; one whose new lead has not signed yet is left out). Calendar hours, not working hours.
- 平均办结时长 ``mean_resolve_hours``: mean of ``resolved_at − submitted_at`` in hours over resolved
  cases. Calendar hours.

Rates and means are ``None`` when their denominator is zero, and are rounded (rates to 4 decimals,
hours to 2) only in the report's properties; the counts and hour totals are exact.

Queries: one aggregate query for the figures, grouped or not (conditional ``COUNT``/``SUM`` with a
``FILTER`` clause on PostgreSQL, ``CASE`` on SQLite). A grouped report's total is the sum of its
groups (every case falls in exactly one group; cases without a street, department or category form
their own group), so grouping costs no second aggregate; groups by street, community, department or
category add one small query for the groups' names. Durations are computed by the database
(``date_part('epoch', …)``, a double, on PostgreSQL; ``julianday`` on SQLite). Streets and
communities are read from the denormalised ``Case.region_path`` (the path segment at level 2 or 3),
so no join is needed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import CharField, Expression, F, Func, Q
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangqun.analytics.kpi_figures import KpiFigures, KpiGroupBy, kpi_aggregates
from dangqun.analytics.kpi_read import covered_days, live_ranges, read_rollup, rollup_plan
from dangqun.cases.models import Case, Category
from dangqun.core.i18n import join_list
from dangqun.orgs.models import Department
from dangqun.regions.models import Region, RegionLevel

__all__ = ["KpiFigures", "KpiGroup", "KpiGroupBy", "KpiReport", "PathSegment", "case_kpis"]

# Labels for the group of cases that have no street, community, department or category.
NO_GROUP_LABELS: dict[KpiGroupBy, str | Promise] = {
    KpiGroupBy.STREET: gettext_lazy("区级(未定位到街道)"),
    KpiGroupBy.COMMUNITY: gettext_lazy("未定位到社区"),
    KpiGroupBy.DEPARTMENT: gettext_lazy("无主办部门"),
    KpiGroupBy.CATEGORY: gettext_lazy("未分类"),
}


# --- database-side expressions ----------------------------------------------------------------------


class PathSegment(Func):
    """The code at ``level`` (1 = the root) of a materialised path such as ``/210603/210603001/``;
    ``''`` when the path is shallower. Works on any path length (codes need not have a fixed width)."""

    arity = 1
    output_field = CharField()

    def __init__(self, expression: Any, level: int, **extra: Any) -> None:
        if level < 1:
            raise ValueError("level starts at 1")
        self.level = level
        super().__init__(expression, **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        # The path starts with "/", so part 1 is empty and part level+1 is the code at ``level``.
        return f"split_part({sql}, '/', {self.level + 1})", params

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> Any:
        # Portable SQL (SQLite): drop one leading "/code" per level, then take up to the next "/".
        sql, params = compiler.compile(self.source_expressions[0])
        rest, rest_params = sql, list(params)
        for _level in range(self.level - 1):
            rest, rest_params = (
                f"substr({rest}, instr(substr({rest}, 2), '/') + 1)",
                [*rest_params, *rest_params],
            )
        return (
            f"substr({rest}, 2, max(instr(substr({rest}, 2), '/') - 1, 0))",
            [*rest_params, *rest_params],
        )


# --- the report ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiGroup:
    key: str  # a region, department or category code, or an ISO date ("2026-11" for a month); "" = none
    label: str
    figures: KpiFigures


@dataclass(frozen=True)
class KpiReport:
    figures: KpiFigures
    start: dt.datetime | None
    end: dt.datetime | None
    group_by: KpiGroupBy | None = None
    groups: list[KpiGroup] = field(default_factory=list)


def _category_group_level(category: Category | None) -> int:
    """Group by the level below the filter category (the first level without a filter), at most 3."""
    return min((category.level + 1) if category is not None else 1, 3)


def _group_expression(group_by: KpiGroupBy, category: Category | None) -> Expression | F:
    tz = timezone.get_current_timezone()
    if group_by == KpiGroupBy.STREET:
        return PathSegment("region_path", RegionLevel.STREET)
    if group_by == KpiGroupBy.COMMUNITY:
        return PathSegment("region_path", RegionLevel.COMMUNITY)
    if group_by == KpiGroupBy.DEPARTMENT:
        return F("lead_department_id")
    if group_by == KpiGroupBy.CATEGORY:
        return PathSegment("category__path", _category_group_level(category))
    if group_by == KpiGroupBy.MONTH:
        return TruncMonth("submitted_at", tzinfo=tz)
    return TruncDate("submitted_at", tzinfo=tz)


def _group_key(group_by: KpiGroupBy, value: Any) -> str:
    if value is None:
        return ""
    if group_by == KpiGroupBy.MONTH:
        return f"{timezone.localtime(value):%Y-%m}" if isinstance(value, dt.datetime) else str(value)[:7]
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _labelled(group_by: KpiGroupBy, rows: list[tuple[str, KpiFigures]]) -> list[KpiGroup]:
    keys = [k for k, _ in rows if k]
    labels: dict[str, str] = {}
    order: dict[str, Any] = {}
    if group_by in (KpiGroupBy.STREET, KpiGroupBy.COMMUNITY) and keys:
        for code, name, path in Region.objects.filter(code__in=keys).values_list("code", "name", "path"):
            labels[code], order[code] = name, path
    elif group_by == KpiGroupBy.CATEGORY and keys:
        for code, name, path in Category.objects.filter(code__in=keys).values_list("code", "name", "path"):
            labels[code], order[code] = name, path
    elif group_by == KpiGroupBy.DEPARTMENT and keys:
        departments = Department.objects.filter(pk__in=[int(k) for k in keys])
        by_id = {str(d.pk): d for d in departments}
        rows = [(by_id[k].code if k in by_id else k, f) for k, f in rows]
        for d in departments:
            labels[d.code], order[d.code] = d.name, (d.sort_order, d.code)
    groups = []
    for key, figures in rows:
        if not key:
            label = str(NO_GROUP_LABELS.get(group_by, ""))
        elif group_by in (KpiGroupBy.MONTH, KpiGroupBy.DAY):
            label = key
        else:
            label = labels.get(key, key)
        groups.append(KpiGroup(key=key, label=label, figures=figures))
    if group_by in (KpiGroupBy.MONTH, KpiGroupBy.DAY):
        return sorted(groups, key=lambda g: g.key)
    # Named groups in tree/sort order, the group without a key last.
    return sorted(groups, key=lambda g: (not g.key, str(order.get(g.key, g.key))))


def case_kpis(
    *,
    scope_q: Q | None = None,
    region: Region | None = None,
    department: Department | None = None,
    category: Category | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    group_by: str | None = None,
    use_rollup: bool = True,
) -> KpiReport:
    """The KPIs of the cases registered in ``[start, end)`` inside the filters, optionally grouped.

    ``scope_q`` is the caller's visibility (``cases.permissions.visible_cases_q``); ``None`` means no
    restriction (jobs, exports run by the system). ``department`` filters on the lead unit (主办).
    Whole closed days come from the rollup when the filters allow it (``analytics.kpi_read``); the rest
    is aggregated from the cases. ``use_rollup=False`` reads only the cases (tests compare the two).
    """
    grouping: KpiGroupBy | None = None
    if group_by:
        try:
            grouping = KpiGroupBy(group_by)
        except ValueError:
            names = join_list(g.value for g in KpiGroupBy)
            raise ValidationError(
                {
                    "group_by": _("未知分组方式: %(group_by)s(可选:%(names)s)")
                    % {"group_by": group_by, "names": names}
                }
            ) from None
    for name, value in (("start", start), ("end", end)):
        if value is not None and timezone.is_naive(value):
            raise ValidationError({name: _("时间须带时区")})
    if start is not None and end is not None and start >= end:
        raise ValidationError({"end": _("统计结束时间须晚于开始时间")})

    qs = Case.objects.all()
    if scope_q is not None:
        qs = qs.filter(scope_q)
    if region is not None:
        qs = qs.filter(region_path__subtree=region.path)
    if department is not None:
        qs = qs.filter(lead_department=department)
    if category is not None:
        qs = qs.filter(category__in=Category.objects.filter(path__subtree=category.path).values("pk"))

    plan = None
    if use_rollup and scope_q is None:
        plan = rollup_plan(region=region, department=department, category=category, group_by=grouping)
    merged: dict[str, KpiFigures] = {}
    ranges: list[tuple[dt.datetime | None, dt.datetime | None]] = [(start, end)]
    if plan is not None:
        covered = covered_days(start, end)
        if covered:
            merged = read_rollup(plan, covered)
            ranges = live_ranges(covered, start, end)
    # One query per live range (each a plain range on ``submitted_at`` that an index serves).
    for lo, hi in ranges:
        part = qs.order_by()
        if lo is not None:
            part = part.filter(submitted_at__gte=lo)
        if hi is not None:
            part = part.filter(submitted_at__lt=hi)
        if grouping is None:
            merged[""] = merged.get("", KpiFigures()) + KpiFigures.from_row(
                part.aggregate(**kpi_aggregates())
            )
            continue
        rows = (
            part.annotate(kpi_group=_group_expression(grouping, category))
            .values("kpi_group")
            .annotate(**kpi_aggregates())
        )
        for row in rows:
            key = _group_key(grouping, row["kpi_group"])
            merged[key] = merged.get(key, KpiFigures()) + KpiFigures.from_row(row)
    if grouping is None:
        return KpiReport(figures=merged.get("", KpiFigures()), start=start, end=end)
    total = sum(merged.values(), KpiFigures())
    groups = _labelled(grouping, list(merged.items()))
    return KpiReport(figures=total, start=start, end=end, group_by=grouping, groups=groups)
