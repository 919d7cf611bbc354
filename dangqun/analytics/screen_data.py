"""What the big screen (指挥中心大屏) reads beyond the dashboard: the day's and the year's KPIs, the
party-building and grid figures of the reader's subtree, and the open cases per grid for the map.

A reader who sees the whole district counts the whole district; a street's or community's staff count
their subtree (the region paths of their scope). Each figure is one query whatever the number of rows,
and the set is kept a minute per reader (``analytics.dashcache``) like the dashboard beside it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from dangqun.accounts.models import Membership, Role
from dangqun.accounts.scope import get_scope
from dangqun.analytics import dashcache
from dangqun.analytics.command_data import figures_row, period_start, ranking
from dangqun.analytics.kpis import KpiGroup, KpiGroupBy, case_kpis
from dangqun.cases.enums import OPEN_STATUSES
from dangqun.cases.models import Case
from dangqun.cases.permissions import kpi_scope_q, visible_cases_q
from dangqun.core import clock
from dangqun.orgs.models import PartyOrg, PartyOrgKind
from dangqun.party.models import Meeting, MeetingKind, MemberStatus, PartyMember
from dangqun.regions.models import Region, RegionLevel
from dangqun.registry.models import Building, Resident

# 三会一课: 支部党员大会, 支委会, 党小组会 and 党课 (中国共产党支部工作条例).
THREE_MEETINGS_ONE_LESSON = (
    MeetingKind.ASSEMBLY,
    MeetingKind.COMMITTEE,
    MeetingKind.GROUP,
    MeetingKind.LECTURE,
)
GRID_ROLES = (Role.GRID_WORKER, Role.GRID_LEADER)


@dataclass(frozen=True)
class ScreenFigures:
    today: dict[str, Any]
    year: dict[str, Any]
    party_orgs: int
    party_branches: int
    party_members: int
    meetings_month: int
    grids: int
    grid_workers: int
    residents: int
    buildings: int


def _region_q(user: Any, lookup: str) -> Q:
    """Rows placed in the reader's subtree (every row for a district-wide reader)."""
    if visible_cases_q(user) == Q() or kpi_scope_q(user) is None:
        return Q()
    return get_scope(user).region_q(lookup)


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def screen_figures(user: Any) -> ScreenFigures:
    today = clock.local_today()
    reader = dashcache.SHARED if kpi_scope_q(user) is None else dashcache.scope_key(user)
    return dashcache.cached("command.screen", (today.isoformat(),), reader, lambda: _figures(user, today))


def _figures(user: Any, today: dt.date) -> ScreenFigures:
    scope_q = kpi_scope_q(user)
    day = case_kpis(scope_q=scope_q, start=_start_of(today)).figures
    year = case_kpis(scope_q=scope_q, start=_start_of(today.replace(month=1, day=1))).figures
    org_q = _region_q(user, "region__path")
    orgs = PartyOrg.objects.filter(org_q, is_active=True).aggregate(
        total=Count("pk"), branches=Count("pk", filter=Q(kind=PartyOrgKind.BRANCH))
    )
    members = PartyMember.objects.filter(
        _region_q(user, "party_org__region__path"), status=MemberStatus.ACTIVE
    ).count()
    meetings = Meeting.objects.filter(
        _region_q(user, "org__region__path"),
        kind__in=THREE_MEETINGS_ONE_LESSON,
        held_at__gte=_start_of(today.replace(day=1)),
        held_at__lt=_start_of(today + dt.timedelta(days=1)),
    ).count()
    grids = Region.objects.filter(_region_q(user, "path"), level=RegionLevel.GRID, is_active=True).count()
    workers = (
        Membership.objects.filter(_region_q(user, "region__path"), role__in=GRID_ROLES, is_active=True)
        .values("user_id")
        .distinct()
        .count()
    )
    residents = Resident.objects.filter(_region_q(user, "grid__path")).count()
    buildings = Building.objects.filter(_region_q(user, "grid__path")).count()
    return ScreenFigures(
        today=figures_row(day),
        year=figures_row(year),
        party_orgs=orgs["total"],
        party_branches=orgs["branches"],
        party_members=members,
        meetings_month=meetings,
        grids=grids,
        grid_workers=workers,
        residents=residents,
        buildings=buildings,
    )


def open_cases_by_area(user: Any) -> dict[str, dict[str, int]]:
    """Open cases the reader may see, counted by grid code and by street code (the map colours its
    grids, or its streets when a wide scope draws the streets only)."""
    by_path = dict(
        Case.objects.filter(visible_cases_q(user), status__in=OPEN_STATUSES, grid__isnull=False)
        .values_list("grid__path")
        .annotate(n=Count("pk"))
        .values_list("grid__path", "n")
    )
    areas = Region.objects.filter(
        _region_q(user, "path"), level__in=(RegionLevel.STREET, RegionLevel.GRID), is_active=True
    ).values_list("code", "path", "level")
    grids: dict[str, int] = {}
    street_paths: dict[str, str] = {}
    codes_by_path: dict[str, str] = {}
    for code, path, level in areas:
        if level == RegionLevel.GRID:
            codes_by_path[path] = code
        else:
            street_paths[code] = path
    for path, n in by_path.items():
        if path in codes_by_path:
            grids[codes_by_path[path]] = n
    streets = {
        code: sum(n for path, n in by_path.items() if path.startswith(street_path))
        for code, street_path in street_paths.items()
    }
    return {"grids": grids, "streets": streets}


def community_ranking(user: Any, period: str) -> list[KpiGroup]:
    """A street's or community's own ranking on its wall: its communities (the district ranks streets)."""
    start = period_start(period)
    scope_q = kpi_scope_q(user)
    reader = dashcache.SHARED if scope_q is None else dashcache.scope_key(user)
    return dashcache.cached(
        "command.screen.communities",
        (period, clock.local_today().isoformat()),
        reader,
        lambda: ranking(case_kpis(scope_q=scope_q, start=start, group_by=KpiGroupBy.COMMUNITY).groups),
    )
