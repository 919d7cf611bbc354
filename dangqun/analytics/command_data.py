"""What the command centre (指挥中心) reads: the triage queue, the lights, the KPI report and charts.

Every read goes through the case selectors (``cases_for``: the user's visible cases) and
``analytics.kpis.case_kpis`` with the user's scope, so a street dispatcher sees their street only. Each
function runs a fixed number of queries whatever the number of cases (the query-count tests hold it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dangqun.accounts.models import Role
from dangqun.accounts.scope import get_scope
from dangqun.analytics import dashcache
from dangqun.analytics.kpis import KpiFigures, KpiGroup, KpiGroupBy, case_kpis
from dangqun.cases import selectors
from dangqun.cases.enums import ACTIVE_TASK_STATUSES, CaseStatus, ExtensionStatus
from dangqun.cases.models import Case, CaseTask, Category
from dangqun.cases.permissions import DISPATCH_ROLES, SUPERVISE_ROLES, kpi_scope_q, visible_cases_q
from dangqun.core import clock
from dangqun.orgs.models import Department
from dangqun.regions.models import Region, RegionLevel
from dangqun.registry.models import Building

COMMAND_ROLES = frozenset({Role.DISPATCHER, Role.LEADER})
QUEUE_LIMIT = 30
OVERDUE_LIMIT = 50
TRIAGE_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.ACCEPTED)
PERIODS: dict[str, Any] = {
    "7": _("近7天"),
    "30": _("近30天"),
    "90": _("近90天"),
    "365": _("近一年"),
    "all": _("全部"),
}
DEFAULT_PERIOD = "all"


def may_command(user: Any) -> bool:
    scope = get_scope(user)
    return scope.is_sysadmin or bool(scope.roles & COMMAND_ROLES)


def may_dispatch(user: Any) -> bool:
    scope = get_scope(user)
    return scope.is_sysadmin or bool(scope.region_paths(DISPATCH_ROLES))


# --- the triage queue ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    value: str  # "d:<department code>" or "r:<region code>"
    name: str


@dataclass(frozen=True)
class QueueRow:
    case: Case
    triage: dict[str, Any]
    rule_name: str
    lead_value: str
    lead_name: str
    co_values: tuple[str, ...]
    co_names: tuple[str, ...]
    confidence_pct: int | None

    @property
    def co_units(self) -> list[tuple[str, str]]:
        return list(zip(self.co_values, self.co_names, strict=True))


def unit_options() -> list[Unit]:
    """Lead/co-unit choices: active departments, then streets (one query each)."""
    departments = Department.objects.filter(is_active=True).order_by("sort_order", "code")
    streets = Region.objects.filter(level=RegionLevel.STREET, is_active=True).order_by("sort_order", "path")
    return [Unit(f"d:{d.code}", d.name) for d in departments] + [Unit(f"r:{r.code}", r.name) for r in streets]


def triage_queue(user: Any, limit: int = QUEUE_LIMIT) -> tuple[list[QueueRow], int]:
    """Cases waiting for acceptance or dispatch, newest first (a case submitted a minute ago is on
    top): at the levels a dispatcher dispatches for; a leader (who does not dispatch) sees every
    waiting case in their scope. The rest are on the case list (诉求查询)."""
    scope = get_scope(user)
    qs = selectors.cases_for(user, selectors.CaseFilters(status=tuple(TRIAGE_STATUSES)))
    if scope.region_paths(DISPATCH_ROLES) and not scope.covers_every_region(DISPATCH_ROLES):
        qs = qs.filter(scope.region_q("handling_region__path", roles=DISPATCH_ROLES))
    total = qs.count()
    cases = list(
        qs.defer("reporter_phone").order_by("-submitted_at", "-id")[:limit]
    )  # shown nowhere: not decrypted
    dept_codes: set[str] = set()
    region_codes: set[str] = set()
    for case in cases:
        route = case.suggested_route or {}
        if route.get("lead_department"):
            dept_codes.add(str(route["lead_department"]))
        if route.get("lead_region"):
            region_codes.add(str(route["lead_region"]))
        dept_codes.update(str(c) for c in route.get("co_departments") or [])
    dept_names = dict(Department.objects.filter(code__in=dept_codes).values_list("code", "name"))
    region_names = dict(Region.objects.filter(code__in=region_codes).values_list("code", "name"))
    rows = []
    for case in cases:
        route = case.suggested_route or {}
        lead_value = lead_name = ""
        if route.get("lead_department") in dept_names:
            lead_value, lead_name = f"d:{route['lead_department']}", dept_names[route["lead_department"]]
        elif route.get("lead_region") in region_names:
            lead_value, lead_name = f"r:{route['lead_region']}", region_names[route["lead_region"]]
        co = [c for c in route.get("co_departments") or [] if c in dept_names]
        triage = route.get("triage") if isinstance(route.get("triage"), dict) else {}
        confidence = triage.get("confidence") if triage else None
        rows.append(
            QueueRow(
                case=case,
                triage=triage or {},
                rule_name=str(route.get("rule_name") or ""),
                lead_value=lead_value,
                lead_name=lead_name,
                co_values=tuple(f"d:{c}" for c in co),
                co_names=tuple(dept_names[c] for c in co),
                confidence_pct=round(float(confidence) * 100)
                if isinstance(confidence, int | float)
                else None,
            )
        )
    return rows, total


# --- supervision ------------------------------------------------------------------------------------------


def light_counts(user: Any) -> dict[str, int]:
    """Open cases on the clock by light (green/yellow/red); kept a minute per reader (``analytics.dashcache``)
    like the KPI reports beside them (three counts over every case on the clock)."""

    def count() -> dict[str, int]:
        return {
            light: selectors.cases_for(user, selectors.CaseFilters(light=light)).count()
            for light in selectors.LIGHTS
        }

    # a reader who sees every case counts what every such reader counts: one shared entry
    reader = dashcache.SHARED if visible_cases_q(user) == Q() else dashcache.scope_key(user)
    return dashcache.cached("command.lights", (), reader, count)


def overdue_cases(user: Any, limit: int = OVERDUE_LIMIT) -> list[Case]:
    qs = selectors.cases_for(user, selectors.CaseFilters(overdue=True))
    return list(qs.order_by("resolve_due_at", "id")[:limit])


def supervised_cases(user: Any, limit: int = OVERDUE_LIMIT) -> list[Case]:
    qs = selectors.cases_for(user, selectors.CaseFilters(supervised=True))
    return list(qs.exclude(status__in=[CaseStatus.CLOSED, CaseStatus.REJECTED, CaseStatus.MERGED])[:limit])


def extension_requests(user: Any, limit: int = OVERDUE_LIMIT) -> list[CaseTask]:
    """Active tasks asking for more time, in cases the user may see."""
    return list(
        CaseTask.objects.filter(
            extension_status=ExtensionStatus.REQUESTED,
            status__in=ACTIVE_TASK_STATUSES,
            case__in=Case.objects.filter(visible_cases_q(user)).values("pk"),
        )
        .select_related("case", "department", "region")
        .order_by("resolve_due_at", "id")[:limit]
    )


def may_supervise(user: Any) -> bool:
    scope = get_scope(user)
    return scope.is_sysadmin or bool(scope.region_paths(SUPERVISE_ROLES))


# --- KPIs and charts ----------------------------------------------------------------------------------------


def period_start(period: str) -> dt.datetime | None:
    if period not in PERIODS:
        raise ValidationError({"period": gettext("未知统计区间: %(period)s") % {"period": period}})
    if period == "all":
        return None
    today = clock.local_today()
    start = today - dt.timedelta(days=int(period) - 1)
    return timezone.make_aware(dt.datetime.combine(start, dt.time.min))


def _pct(value: float | None) -> float | None:
    return round(value * 100, 1) if value is not None else None


def figures_row(figures: KpiFigures) -> dict[str, Any]:
    return {
        "accepted": figures.accepted,
        "resolved": figures.resolved,
        "resolution_rate": _pct(figures.resolution_rate),
        "on_time_rate": _pct(figures.on_time_rate),
        "satisfaction_rate": _pct(figures.satisfaction_rate),
    }


@dataclass(frozen=True)
class Dashboard:
    figures: KpiFigures
    streets: list[KpiGroup]
    departments: list[KpiGroup]
    categories: list[KpiGroup]
    timeline: list[KpiGroup]
    timeline_unit: str

    def chart_data(self) -> dict[str, Any]:
        """The series the ECharts script draws (also the tables that stand in for the charts)."""

        def series(groups: list[KpiGroup]) -> dict[str, Any]:
            return {
                "labels": [g.label for g in groups],
                "accepted": [g.figures.accepted for g in groups],
                "resolved": [g.figures.resolved for g in groups],
                "on_time_rate": [_pct(g.figures.on_time_rate) for g in groups],
                "satisfaction_rate": [_pct(g.figures.satisfaction_rate) for g in groups],
            }

        return {
            "street": series(self.streets),
            "department": series(self.departments),
            "category": series(self.categories),
            "time": series(self.timeline),
        }

    def department_ranking(self) -> list[KpiGroup]:
        return ranking(self.departments)

    def street_ranking(self) -> list[KpiGroup]:
        return ranking(self.streets)


def ranking(groups: list[KpiGroup]) -> list[KpiGroup]:
    """Units with accepted cases, best first: 按时办结率, then 办结率, then 满意率, then volume."""
    named = [g for g in groups if g.key and g.figures.accepted]
    return sorted(
        named,
        key=lambda g: (
            -(g.figures.on_time_rate or 0),
            -(g.figures.resolution_rate or 0),
            -(g.figures.satisfaction_rate or 0),
            -g.figures.accepted,
            g.label,
        ),
    )


def dashboard(user: Any, period: str = DEFAULT_PERIOD) -> Dashboard:
    """Four grouped reports (street, department, category, time); the total is their sum.

    Kept a minute per reader scope (``analytics.dashcache``): every district-wide reader shares one entry."""
    start = period_start(period)
    # None when the user sees the whole district: the reports may then read the daily KPI rollup.
    scope_q = kpi_scope_q(user)
    reader = dashcache.SHARED if scope_q is None else dashcache.scope_key(user)
    return dashcache.cached(
        "command.dashboard",
        (period, clock.local_today().isoformat()),
        reader,
        lambda: _dashboard(scope_q, start, period),
    )


def _dashboard(scope_q: Q | None, start: dt.datetime | None, period: str) -> Dashboard:

    def report(group_by: KpiGroupBy) -> list[KpiGroup]:
        return case_kpis(scope_q=scope_q, start=start, group_by=group_by).groups

    streets_report = case_kpis(scope_q=scope_q, start=start, group_by=KpiGroupBy.STREET)
    unit = KpiGroupBy.DAY if period in ("7", "30") else KpiGroupBy.MONTH
    return Dashboard(
        figures=streets_report.figures,
        streets=streets_report.groups,
        departments=report(KpiGroupBy.DEPARTMENT),
        categories=report(KpiGroupBy.CATEGORY),
        timeline=report(unit),
        timeline_unit=unit.value,
    )


# --- the map ----------------------------------------------------------------------------------------------

MAP_LIMIT = 5000


def map_filters(params: QueryDict) -> selectors.CaseFilters:
    """Status, category, street and time from the query string (unknown codes: 422 by the selector)."""

    def day(name: str) -> dt.date | None:
        raw = params.get(name, "").strip()
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise ValidationError({name: gettext("日期格式应为 YYYY-MM-DD")}) from None

    status = tuple(s for s in params.getlist("status") if s)
    return selectors.CaseFilters(
        status=status,
        category=params.get("category", "").strip(),
        region=params.get("street", "").strip(),
        submitted_from=day("from"),
        submitted_to=day("to"),
        light=params.get("light", "").strip(),
    )


def map_cases(user: Any, filters: selectors.CaseFilters) -> QuerySet[Case]:
    return selectors.cases_for(user, filters).filter(lng__isnull=False, lat__isnull=False)


def case_features(user: Any, filters: selectors.CaseFilters) -> dict[str, Any]:
    """The located cases as GeoJSON points (newest ``MAP_LIMIT``), with the light each is in.

    Read as plain rows (no model instances: the map may hold thousands of cases)."""
    at = clock.now()
    labels = {value: str(label) for value, label in CaseStatus.choices}  # each lazy label once
    cases: Any = map_cases(user, filters)  # annotated with lead_allowed_seconds (unknown to the stubs)
    rows = cases.values_list(
        "code", "title", "status", "lng", "lat", "category__name", "resolve_due_at", "lead_allowed_seconds"
    )
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lng, lat]},
            "properties": {
                "code": code,
                "title": title,
                "status": status,
                "status_label": labels.get(status, status),
                "category": category or "",
                "light": selectors.deadline_light(
                    status=status, due_at=due_at, allowed_seconds=allowed, at=at
                )
                or "",
            },
        }
        for code, title, status, lng, lat, category, due_at, allowed in rows[:MAP_LIMIT]
    ]
    return {"type": "FeatureCollection", "features": features, "truncated": len(features) >= MAP_LIMIT}


GRID_MAP_LIMIT = 2000  # grid polygons sent at once; a wider scope gets its streets, then grids by view
MAP_DIGITS = 6  # about 0.1 m: enough for a grid's edge, and half the bytes of a float's full repr
Bbox = tuple[float, float, float, float]  # west, south, east, north (WGS-84)


def _rounded(node: Any) -> Any:
    if isinstance(node, float):
        return round(node, MAP_DIGITS)
    if isinstance(node, list):
        return [_rounded(n) for n in node]
    return node


def _polygons(qs: QuerySet[Region], limit: int) -> tuple[list[dict[str, Any]], bool]:
    rows = list(qs.order_by("path").values_list("code", "name", "boundary")[: limit + 1])
    features = [
        {
            "type": "Feature",
            "geometry": {"type": boundary.get("type"), "coordinates": _rounded(boundary.get("coordinates"))},
            "properties": {"code": code, "name": name},
        }
        for code, name, boundary in rows[:limit]
        if isinstance(boundary, dict)
    ]
    return features, len(rows) > limit


def parse_bbox(raw: str) -> Bbox | None:
    """``west,south,east,north`` in degrees, or None when absent; anything else is a 422."""
    if not raw.strip():
        return None
    try:
        west, south, east, north = (float(part) for part in raw.split(","))
    except ValueError:
        raise ValidationError({"bbox": gettext("bbox 应为 west,south,east,north 四个数")}) from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise ValidationError({"bbox": gettext("bbox 超出经纬度范围或西大于东、南大于北")})
    return west, south, east, north


def grid_features(user: Any, bbox: Bbox | None = None) -> dict[str, Any]:
    """The grid polygons inside the user's region scope, for the case map.

    Up to ``GRID_MAP_LIMIT`` grids come at once. A wider scope (a district of many thousands of grids)
    gets its streets instead, with ``"overview": true``, and the map asks for the grids of the view
    (``bbox``: grids whose centroid lies in it, at most the limit, ``"truncated"`` beyond) once the
    dispatcher zooms in. Coordinates are rounded to ``MAP_DIGITS`` decimals."""
    scope = get_scope(user)
    qs = Region.objects.filter(level=RegionLevel.GRID, is_active=True, boundary__isnull=False)
    if not scope.is_sysadmin:
        qs = qs.filter(scope.region_q("path"))
    if bbox is not None:
        west, south, east, north = bbox
        qs = qs.filter(
            centroid_lng__gte=west, centroid_lng__lte=east, centroid_lat__gte=south, centroid_lat__lte=north
        )
        features, truncated = _polygons(qs, GRID_MAP_LIMIT)
        return {"type": "FeatureCollection", "features": features, "truncated": truncated}
    total = qs.count()
    if total <= GRID_MAP_LIMIT:
        features, _ = _polygons(qs, GRID_MAP_LIMIT)
        return {"type": "FeatureCollection", "features": features, "grids": total}
    streets = Region.objects.filter(level=RegionLevel.STREET, is_active=True, boundary__isnull=False)
    if not scope.is_sysadmin:
        streets = streets.filter(scope.region_q("path"))
    features, _ = _polygons(streets, GRID_MAP_LIMIT)
    return {"type": "FeatureCollection", "features": features, "grids": total, "overview": True}


OUTLINE_LEVELS = {"street": RegionLevel.STREET, "community": RegionLevel.COMMUNITY}


BUILDING_MAP_LIMIT = 2000


def building_points(user: Any, bbox: Bbox | None) -> dict[str, Any]:
    """The registry's buildings in the view (``bbox`` required), inside the user's scope, as points with
    their names: the offline base map's detail once the map is zoomed in to a compound."""
    if bbox is None:
        raise ValidationError({"bbox": gettext("bbox 为必填项:楼栋按视野读取")})
    west, south, east, north = bbox
    scope = get_scope(user)
    qs = Building.objects.filter(lng__gte=west, lng__lte=east, lat__gte=south, lat__lte=north)
    if not scope.is_sysadmin:
        qs = qs.filter(scope.region_q("grid__path"))
    rows = list(qs.order_by("code").values_list("code", "name", "lng", "lat")[: BUILDING_MAP_LIMIT + 1])
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(lng, MAP_DIGITS), round(lat, MAP_DIGITS)]},
            "properties": {"code": code, "name": name},
        }
        for code, name, lng, lat in rows[:BUILDING_MAP_LIMIT]
        if lng is not None and lat is not None  # always, by the bbox filter (for the type checker)
    ]
    return {"type": "FeatureCollection", "features": features, "truncated": len(rows) > BUILDING_MAP_LIMIT}


def region_outlines(user: Any, level: str) -> dict[str, Any]:
    """The streets' or communities' polygons inside the user's scope, with their names: the base map
    drawn from our own geometry when no tile server is configured (offline districts)."""
    if level not in OUTLINE_LEVELS:
        names = ", ".join(["grid", *OUTLINE_LEVELS, "building"])
        message = gettext("level 应为 %(names)s 之一,收到 %(level)s") % {"level": level, "names": names}
        raise ValidationError({"level": message})
    scope = get_scope(user)
    qs = Region.objects.filter(level=OUTLINE_LEVELS[level], is_active=True, boundary__isnull=False)
    if not scope.is_sysadmin:
        qs = qs.filter(scope.region_q("path"))
    features, truncated = _polygons(qs, GRID_MAP_LIMIT)
    return {"type": "FeatureCollection", "features": features, "truncated": truncated, "level": level}


def filter_choices() -> dict[str, Any]:
    return {
        "statuses": CaseStatus.choices,
        "categories": list(Category.objects.filter(level=1, is_active=True).order_by("sort_order", "path")),
        "streets": list(
            Region.objects.filter(level=RegionLevel.STREET, is_active=True).order_by("sort_order", "path")
        ),
    }
