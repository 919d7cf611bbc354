"""指挥中心 (command centre) pages for dispatchers and leaders: the dashboard with the triage queue,
the supervision board, the map and the big screen (大屏). Reads are in ``command_data``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.gzip import gzip_page

from dangqun.accounts.scope import get_scope
from dangqun.analytics import command_data as data
from dangqun.cases.enums import Priority
from dangqun.core import clock
from dangqun.core.errors import DomainError, validation_text
from dangqun.partywork.pairing_selectors import region_panel
from dangqun.triage.hotspots_services import visible_hotspots
from dangqun.web import mapcrs
from dangqun.web.command_levels import level_name, may_open_command
from dangqun.web.views.case_duplicates import queue_duplicates

View = Callable[..., HttpResponse]


def command_required(view: View) -> View:
    """Signed in, with a dispatcher or leader role, or a street's or community's staff (their subtree's
    command view, ``web.command_levels``), or sysadmin; others get a 403 page."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_open_command(request.user):
            return render(request, "web/command/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _period(request: HttpRequest) -> str:
    period = request.GET.get("period", data.DEFAULT_PERIOD)
    return period if period in data.PERIODS else data.DEFAULT_PERIOD


def _dashboard_context(request: HttpRequest) -> dict[str, Any]:
    period = _period(request)
    board = data.dashboard(request.user, period)
    return {
        "level_name": level_name(request),
        "period": period,
        "periods": data.PERIODS,
        "board": board,
        "figures": data.figures_row(board.figures),
        "chart_data": board.chart_data(),
        "department_ranking": board.department_ranking()[:10],
        "street_ranking": board.street_ranking()[:10],
        "lights": data.light_counts(request.user),
        "charts": [
            ("street", gettext("按街道:受理(灰)与办结(红)"), board.streets),
            ("department", gettext("按部门:受理(灰)与办结(红)"), board.departments),
            ("category", gettext("按分类:受理量"), board.categories),
            ("time", gettext("趋势:受理(蓝)、办结(红)与满意率(金色,右轴)"), board.timeline),
        ],
    }


@command_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The dispatcher's home: KPI header, triage queue with one-action dispatch, lights, charts."""
    context = _dashboard_context(request)
    rows, total = data.triage_queue(request.user)
    units = data.unit_options() if rows else []
    may_dispatch = data.may_dispatch(request.user)
    today = clock.local_today()
    context.update(
        {
            "queue_duplicates": (
                queue_duplicates(request.user, [r.case for r in rows]) if may_dispatch else {}
            ),
            "queue": rows,
            "queue_total": total,
            "units": units,
            "may_dispatch": may_dispatch,
            "priorities": Priority.choices,
            "hotspots": list(visible_hotspots(request.user)[:3]),
            "partywork": region_panel(get_scope(request.user).region_paths(), today.year, today),
        }
    )
    return render(request, "web/command/dashboard.html", context)


@command_required
def supervision(request: HttpRequest) -> HttpResponse:
    """督办: the lights, the overdue list, supervised cases and extension requests."""
    return render(
        request,
        "web/command/supervision.html",
        {
            "lights": data.light_counts(request.user),
            "overdue": data.overdue_cases(request.user),
            "supervised": data.supervised_cases(request.user),
            "extensions": data.extension_requests(request.user),
        },
    )


@command_required
def case_map(request: HttpRequest) -> HttpResponse:
    params = request.GET
    return render(
        request,
        "web/command/map.html",
        {
            **data.filter_choices(),
            "selected_status": params.getlist("status"),
            "selected_category": params.get("category", ""),
            "selected_street": params.get("street", ""),
            "date_from": params.get("from", ""),
            "date_to": params.get("to", ""),
            "tiles": mapcrs.map_settings(),
            "query": params.urlencode(),
        },
    )


def _json(payload: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})


# The map's data are large JSON with the same keys over and over (1.4 MB for 5,000 cases at scale 1):
# gzipped for slow district networks. They hold no secret to guess byte by byte (no CSRF token),
# so compressing them is safe from BREACH; HTML pages stay uncompressed.
@gzip_page
@command_required
def map_cases(request: HttpRequest) -> JsonResponse:
    try:
        filters = data.map_filters(request.GET)
        return _json(mapcrs.geojson_to_map(data.case_features(request.user, filters), mapcrs.tile_crs()))
    except ValidationError as exc:
        text = validation_text(exc)
        return _json({"detail": text}, status=422)
    except DomainError as exc:
        return _json({"detail": str(exc)}, status=exc.status_code)


@gzip_page
@command_required
def map_grids(request: HttpRequest) -> JsonResponse:
    level = request.GET.get("level", "grid")
    crs = mapcrs.tile_crs()
    try:
        if level == "building":  # the registry's buildings in the view: the offline base map's detail
            bbox = data.parse_bbox(request.GET.get("bbox", ""))
            if bbox is not None:
                bbox = mapcrs.bbox_to_wgs84(bbox, crs)
            return _json(mapcrs.geojson_to_map(data.building_points(request.user, bbox), crs))
        if level != "grid":  # the streets' or communities' outlines: the offline base map
            outlines = data.region_outlines(request.user, level)
            response = _json(mapcrs.geojson_to_map(outlines, crs))
            response["Cache-Control"] = "private, max-age=300"
            return response
        bbox = data.parse_bbox(request.GET.get("bbox", ""))
    except ValidationError as exc:
        return _json({"detail": validation_text(exc)}, status=422)
    if bbox is not None:
        bbox = mapcrs.bbox_to_wgs84(bbox, crs)
    response = _json(mapcrs.geojson_to_map(data.grid_features(request.user, bbox), crs))
    response["Cache-Control"] = "private, max-age=300"
    return response
