"""网格工作 pages: the grid app's 巡查 (start and end a patrol; the phone posts its track in batches
through ``gridwork-patrol.js``; a finding becomes a case) and the missed patrols by grid and day for
the grid leader, the community and the street."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from dangqun.accounts.scope import get_scope
from dangqun.core import clock
from dangqun.gridwork.access import VISIT_SUPERVISE_ROLES
from dangqun.gridwork.models import Patrol, PatrolStatus
from dangqun.gridwork.patrols import missed_patrols
from dangqun.web.views.gridapp import _my_grid

RECENT_PATROLS = 10


@login_required
def gridwork_patrol(request: HttpRequest) -> HttpResponse:
    """My patrol now (or the button to start one) and my last patrols."""
    grid = _my_grid(request)
    mine = Patrol.objects.filter(worker_id=request.user.pk).order_by("-started_at")
    return render(
        request,
        "web/gridwork/patrol.html",
        {
            "grid": grid,
            "active": mine.filter(status=PatrolStatus.ACTIVE).first(),
            "recent": list(mine[:RECENT_PATROLS]),
            "tab": "patrol",
        },
    )


@login_required
def gridwork_missed(request: HttpRequest) -> HttpResponse:
    """The patrols nobody made, by grid, for a day (yesterday by default: both slots are over)."""
    scope = get_scope(request.user)
    if not (scope.is_sysadmin or scope.roles & VISIT_SUPERVISE_ROLES):
        raise PermissionDenied(gettext("只有网格长、社区和街道可以查看漏巡"))
    today = clock.local_today()
    try:
        day = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = today - dt.timedelta(days=1)
    rows = missed_patrols(request.user, day=day)
    return render(
        request,
        "web/gridwork/missed.html",
        {
            "day": day,
            "rows": rows,
            "previous": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1) if day < today else None,
        },
    )
