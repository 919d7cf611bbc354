"""网格员 app (phone, PWA): home, report, map of my grid, my tasks and 现场办结 (小事不出网格).

Reports are made in the browser and sent to ``POST /api/v1/cases`` by ``grid-queue.js`` (so they can
wait offline in IndexedDB); everything else here is server-rendered. Only a grid worker or grid
leader whose primary membership is a grid opens these pages; anyone else gets 403.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from dangqun.accounts.models import Role
from dangqun.cases import selectors as case_selectors
from dangqun.cases.enums import OPEN_STATUSES, CaseChannel, CaseStatus, CaseType
from dangqun.cases.models import Case
from dangqun.cases.services.transition import case_transition
from dangqun.cases.workflow import Action
from dangqun.core.errors import ConflictError, DomainError
from dangqun.regions.models import Region, RegionLevel
from dangqun.web import mapcrs
from dangqun.web.access import not_found_as_404
from dangqun.web.roles import UserRole, user_role
from dangqun.web.views.regions import grid_context

GRID_APP_ROLES = frozenset({Role.GRID_WORKER, Role.GRID_LEADER})
TASK_LIST_LIMIT = 100
# Statuses a grid worker still has something to do about (or watches) in the grid.
TASK_STATUSES = tuple(sorted(OPEN_STATUSES - {CaseStatus.RESOLVED, CaseStatus.REVIEWED}))
ON_SPOT_STATUSES = frozenset({CaseStatus.SUBMITTED, CaseStatus.ACCEPTED})


def grid_of(role: UserRole) -> Region | None:
    """The grid the app opens on: the first grid of a grid worker's or grid leader's memberships."""
    if role.role not in GRID_APP_ROLES:
        return None
    for membership in role.memberships:
        if membership.region is not None and membership.region.level == RegionLevel.GRID:
            return membership.region
    return None


def _my_grid(request: HttpRequest) -> Region:
    grid = grid_of(user_role(request))
    if grid is None:
        raise PermissionDenied(gettext("只有网格员可以使用网格员应用"))
    return grid


def upload_limit() -> int:
    caps = getattr(settings, "DANGQUN", {}).get("UPLOAD_MAX_BYTES", {})
    return int(caps.get("image", 10 * 1024 * 1024))


def app_home(request: HttpRequest, grid: Region) -> HttpResponse:
    """The app's home (also ``/`` for a grid worker): actions, my open tasks, my grid and its registry."""
    context = grid_context(request, grid)
    open_cases = case_selectors.cases_for(
        request.user, case_selectors.CaseFilters(status=TASK_STATUSES, region=grid.code)
    )
    context.update(
        {
            "is_home": True,
            "tab": "home",
            "open_total": open_cases.count(),
            "on_spot_total": open_cases.filter(status__in=ON_SPOT_STATUSES).count(),
        }
    )
    return render(request, "web/grid/home.html", context)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return app_home(request, _my_grid(request))


@login_required
def report(request: HttpRequest) -> HttpResponse:
    grid = _my_grid(request)
    return render(
        request,
        "web/grid/report.html",
        {
            "grid": grid,
            "tab": "report",
            "case_types": CaseType.choices,
            "channel": CaseChannel.GRID_WORKER,
            "max_bytes": upload_limit(),
            "max_mb": upload_limit() // (1024 * 1024),
        },
    )


def _feature(region: Region) -> dict[str, Any]:
    return {"code": region.code, "name": region.name, "boundary": region.boundary}


@login_required
def grid_map(request: HttpRequest) -> HttpResponse:
    """My grid's polygon with my open cases as points (Leaflet; tiles only if configured)."""
    grid = _my_grid(request)
    cases = list(
        case_selectors.cases_for(
            request.user, case_selectors.CaseFilters(status=TASK_STATUSES, region=grid.code)
        ).filter(lng__isnull=False, lat__isnull=False)[:TASK_LIST_LIMIT]
    )
    # positions as GeoJSON [lng, lat], WGS-84 here, moved to the tiles' system in one go
    has_centre = grid.centroid_lng is not None and grid.centroid_lat is not None
    data = {
        **mapcrs.map_settings(),
        "grid": _feature(grid),
        "centre": {"coordinates": [grid.centroid_lng, grid.centroid_lat]} if has_centre else None,
        "cases": [
            {
                "code": c.code,
                "title": c.title,
                "status": c.get_status_display(),
                "coordinates": [c.lng, c.lat],
                "url": reverse("web:grid_case", args=[c.code]),
            }
            for c in cases
        ],
    }
    data = mapcrs.geojson_to_map(data, mapcrs.tile_crs())
    return render(
        request, "web/grid/map.html", {"grid": grid, "map_data": data, "cases": cases, "tab": "map"}
    )


@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    """My tasks: the open cases of my grid, those I can settle on the spot first."""
    grid = _my_grid(request)
    qs = case_selectors.cases_for(
        request.user, case_selectors.CaseFilters(status=TASK_STATUSES, region=grid.code)
    )
    total = qs.count()
    rows = list(qs[:TASK_LIST_LIMIT])
    rows.sort(key=lambda c: c.status not in ON_SPOT_STATUSES)  # stable: newest first within each part
    return render(
        request,
        "web/grid/tasks.html",
        {"grid": grid, "cases": rows, "total": total, "limit": TASK_LIST_LIMIT, "tab": "tasks"},
    )


def _case_page(request: HttpRequest, case: Case, **extra: Any) -> dict[str, Any]:
    tasks_ = case_selectors.case_tasks(case)
    moves = case_selectors.available_moves(case, request.user, tasks=tasks_)
    return {
        "case": case,
        "timeline": case_selectors.case_timeline(case),
        "attachments": case_selectors.case_attachments(case),
        "can_resolve_on_spot": any(t.action == Action.RESOLVE_ON_SPOT for t in moves),
        "result_text": "",
        "errors": {},
        "tab": "tasks",
        **extra,
    }


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A case of my grid; POST settles it on the spot (现场办结) with what was done."""
    _my_grid(request)
    case = case_selectors.access_case_by_code(request.user, code)
    if request.method == "GET":
        return render(request, "web/grid/case.html", _case_page(request, case))
    result = request.POST.get("result", "").strip()
    errors: dict[str, str] = {}
    status = 200
    if not result:
        errors["result"] = gettext("请填写现场处置结果")
    elif len(result) > 2000:
        errors["result"] = gettext("处置结果不能超过2000字")
    else:
        version = request.POST.get("version", "")
        try:
            case_transition(
                case=case,
                action=Action.RESOLVE_ON_SPOT,
                actor=request.user,
                reason=result,
                expected_version=int(version) if version.isdigit() else None,
            )
        except ConflictError:
            errors["form"] = gettext("该诉求已被他人处理或状态已变化,请查看最新进度。")
            status = 409
        except (DomainError, ValidationError) as exc:
            errors["result"] = str(getattr(exc, "message", "") or exc)
            status = 422
        else:
            return redirect(f"{reverse('web:grid_case', args=[case.code])}?done=1")
    case = case_selectors.access_case_by_code(request.user, code)
    context = _case_page(request, case, result_text=result, errors=errors)
    return render(request, "web/grid/case.html", context, status=status)
