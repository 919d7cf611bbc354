"""网格员履职: one month's work of every grid worker of my grids, sortable by any measure."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from dangqun.accounts.scope import get_scope
from dangqun.core import clock
from dangqun.core.errors import validation_text
from dangqun.gridwork.access import VISIT_READ_ROLES
from dangqun.gridwork.workers import MEASURES, month_bounds, worker_rows


@login_required
def gridwork_workers(request: HttpRequest) -> HttpResponse:
    scope = get_scope(request.user)
    if not (scope.is_sysadmin or scope.roles & VISIT_READ_ROLES):
        raise PermissionDenied(gettext("只有网格、社区、街道和指挥中心的工作人员可以查看网格员履职"))
    month = request.GET.get("month", "")
    error = ""
    try:
        start, end = month_bounds(month)
    except ValidationError as exc:
        error = validation_text(exc)
        start, end = month_bounds("")
    rows = worker_rows(request.user, start, end)
    sort = request.GET.get("sort", "patrols")
    if sort in MEASURES:
        rows.sort(key=lambda r: (-r.figures[sort], r.grid_path))
    return render(
        request,
        "web/gridwork/workers.html",
        {"rows": rows, "start": start, "end": end, "sort": sort, "month": start.strftime("%Y-%m"),
         "error": error, "this_month": clock.local_today().strftime("%Y-%m")},
    )  # fmt: skip
