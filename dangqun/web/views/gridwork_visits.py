"""网格工作 pages: the grid app's 走访 (the due list of my grid and a visit's 五问 form, recorded
through the phone's offline queue ``gridwork-visits.js`` → ``POST /api/v1/gridwork/visits/<id>/record``),
and the overdue visits by grid for the grid leader, the community and the street."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from dangqun.accounts.scope import get_scope
from dangqun.core import clock
from dangqun.gridwork import selectors
from dangqun.gridwork.access import VISIT_SUPERVISE_ROLES, access_visit_by_id
from dangqun.gridwork.due import visits_refresh
from dangqun.gridwork.models import VisitStatus
from dangqun.gridwork.questions import QUESTION_BY_KEY
from dangqun.gridwork.services import visit_questions
from dangqun.gridwork.visits import VisitWorkflow
from dangqun.web.access import not_found_as_404
from dangqun.web.views.gridapp import _my_grid

OVERDUE_LIST_LIMIT = 200


@login_required
def gridwork_visits(request: HttpRequest) -> HttpResponse:
    """My grid's due visits (the rules run for my grid first), the overdue ones on top."""
    grid = _my_grid(request)
    visits_refresh(grid_paths=[grid.path])
    today = clock.local_today()
    qs = selectors.due_visits(request.user, grid_path=grid.path)
    rows = list(qs[: selectors.DUE_LIST_LIMIT])
    return render(
        request,
        "web/gridwork/visits.html",
        {
            "grid": grid,
            "visits": rows,
            "total": qs.count(),
            "overdue": sum(1 for v in rows if v.due_date < today),
            "today": today,
            "tab": "visits",
        },
    )


@login_required
@not_found_as_404
def gridwork_visit(request: HttpRequest, visit_id: int) -> HttpResponse:
    """One visit: who, why, by when, and the 五问 form (sent through the offline queue)."""
    _my_grid(request)
    visit = access_visit_by_id(request.user, visit_id)
    questions = [
        {
            "key": key,
            "label": QUESTION_BY_KEY[key].label,
            "prompt": QUESTION_BY_KEY[key].prompt,
            "answer": visit.answers.get(key, ""),
        }
        for key in visit_questions(visit)
    ]
    can_record = VisitWorkflow.can(visit, request.user, "record")
    return render(
        request,
        "web/gridwork/visit.html",
        {
            "visit": visit,
            "questions": questions,
            "can_record": can_record,
            "is_done": visit.status == VisitStatus.DONE,
            "overdue": visit.status == VisitStatus.DUE and visit.due_date < clock.local_today(),
            "tab": "visits",
        },
    )


@login_required
def gridwork_overdue(request: HttpRequest) -> HttpResponse:
    """The overdue visits of the grids below me, by grid and one by one."""
    scope = get_scope(request.user)
    if not (scope.is_sysadmin or scope.roles & VISIT_SUPERVISE_ROLES):
        raise PermissionDenied(gettext("只有网格长、社区和街道可以查看逾期走访"))
    today = clock.local_today()
    return render(
        request,
        "web/gridwork/overdue.html",
        {
            "by_grid": selectors.overdue_by_grid(request.user, today=today),
            "visits": list(selectors.overdue_visits(request.user, today=today)[:OVERDUE_LIST_LIMIT]),
            "limit": OVERDUE_LIST_LIMIT,
            "today": today,
        },
    )
