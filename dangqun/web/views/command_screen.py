"""大屏: the command centre's wall (1920×1080 without scrolling, fits 1366×768 and 4K): the map of the
reader's subtree (grids coloured by open cases, live case points, hotspots), the clock, the day's and
the year's KPIs, rankings, party-building and grid figures and a rotating panel. The panel refreshes
itself by htmx polling; the map re-reads its data after each refresh (``command-screen.js``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from dangqun.analytics import command_data as data
from dangqun.analytics import screen_data
from dangqun.cases.enums import OPEN_STATUSES
from dangqun.cases.models import Case
from dangqun.cases.permissions import visible_cases_q
from dangqun.triage.hotspots_services import visible_hotspots
from dangqun.triage.models import HotspotCase
from dangqun.web import mapcrs
from dangqun.web.command_levels import level_name
from dangqun.web.views.command import command_required

REFRESH_SECONDS = 60
RANKING_ROWS = 6
LIST_ROWS = 6
HOTSPOTS = 5
SCREEN_PERIOD = "365"


def _hotspots(user: Any) -> list[dict[str, Any]]:
    """The latest hotspots the reader may see, each placed at the mean position of its located cases."""
    hotspots = list(visible_hotspots(user)[:HOTSPOTS])
    scope_q = visible_cases_q(user)
    case_q = Q() if scope_q == Q() else Q(case__in=Case.objects.filter(scope_q).values("pk"))
    places = {
        row["hotspot_id"]: row
        for row in HotspotCase.objects.filter(
            case_q, hotspot__in=hotspots, case__lng__isnull=False, case__lat__isnull=False
        )
        .values("hotspot_id")
        .annotate(lng=Avg("case__lng"), lat=Avg("case__lat"), n=Count("case_id"))
    }
    out = []
    for spot in hotspots:
        place = places.get(spot.pk)
        out.append(
            {
                "rank": spot.rank,
                "title": spot.title,
                "place": spot.place,
                "cases": spot.n_cases,
                "lng": place["lng"] if place else None,
                "lat": place["lat"] if place else None,
            }
        )
    return out


def _map_points(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The hotspots' positions in the tiles' coordinate system (as the map's other data)."""
    located = [p for p in points if p["lng"] is not None]
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [p["lng"], p["lat"]]},
                "properties": p,
            }
            for p in located
        ],
    }
    return mapcrs.geojson_to_map(collection, mapcrs.tile_crs())["features"]


def _latest(user: Any) -> list[Case]:
    return list(
        Case.objects.filter(visible_cases_q(user))
        .select_related("region")
        .defer("reporter_phone")
        .order_by("-submitted_at", "-id")[:LIST_ROWS]
    )


def _context(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    name = level_name(request)  # a street's or community's wall ranks its communities
    board = data.dashboard(user, SCREEN_PERIOD)
    hotspots = _hotspots(user)
    chart_data = board.chart_data()
    return {
        "level_name": name,
        "screen": screen_data.screen_figures(user),
        "lights": data.light_counts(user),
        "chart_data": {"time": chart_data["time"], "category": chart_data["category"]},
        "department_ranking": board.department_ranking()[:RANKING_ROWS],
        "area_ranking": (
            screen_data.community_ranking(user, SCREEN_PERIOD) if name else board.street_ranking()
        )[:RANKING_ROWS],
        "area_ranking_title": (gettext("社区按时办结率排名") if name else gettext("街道按时办结率排名")),
        "overdue": data.overdue_cases(user, limit=LIST_ROWS),
        "latest": _latest(user),
        "hotspots": hotspots,
        "map_data": {
            "open": screen_data.open_cases_by_area(user),
            "hotspots": _map_points(hotspots),
        },
        "refresh_seconds": REFRESH_SECONDS,
        "open_statuses": sorted(OPEN_STATUSES),
        "tiles": mapcrs.map_settings(),
    }


@command_required
def big_screen(request: HttpRequest) -> HttpResponse:
    context = _context(request)
    template = (
        "web/command/_screen_panel.html" if request.headers.get("HX-Request") else "web/command/screen.html"
    )
    return render(request, template, context)
