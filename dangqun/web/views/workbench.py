"""职能部门工作台 (department workbench): the unit's tasks ordered by deadline with their lights.

A task is the unit's own when it is for one of the user's departments, or for a street or community
the user works in (street/community staff who lead or assist). Signing works straight from the inbox;
handling, resolving, returning, extensions and co-unit notes are on the case page. The 签收 button
is drawn only where the door accepts it (``selectors.may_move``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dangqun.accounts.scope import get_scope
from dangqun.cases import selectors
from dangqun.cases.enums import ACTIVE_TASK_STATUSES, TaskStatus
from dangqun.cases.models import CaseTask
from dangqun.cases.permissions import UNIT_REGION_ROLES
from dangqun.cases.workflow import Action
from dangqun.core import clock

INBOX_PAGE = 50  # tasks per page; the tabs' counts cover every active task
DONE_LIMIT = 20
TABS = ("all", "pending", "signed", "red")


@dataclass(frozen=True)
class InboxRow:
    task: CaseTask
    light: str | None
    sign_overdue: bool
    may_sign: bool = False


def unit_tasks_q(user: Any) -> Q:
    scope = get_scope(user)
    q = Q(department_id__in=list(scope.department_ids)) if scope.department_ids else Q(pk__in=[])
    for path in scope.region_paths(UNIT_REGION_ROLES):
        q |= Q(region__path__subtree=path)
    return q


def may_use_workbench(user: Any) -> bool:
    scope = get_scope(user)
    return bool(scope.department_ids) or bool(scope.region_paths(UNIT_REGION_ROLES))


def _tasks(user: Any) -> QuerySet[CaseTask]:
    return CaseTask.objects.filter(unit_tasks_q(user)).select_related(
        "case",
        "case__category",
        "case__region",
        "case__handling_region",
        "case__grid",
        "department",
        "region",
    )


def inbox(user: Any, tab: str = "all", page: int = 1) -> tuple[list[InboxRow], dict[str, int]]:
    """One page of the unit's active tasks in ``tab``, by resolve-by deadline; and every tab's count
    (one aggregate query: the counts are of all active tasks, not of the page)."""
    at = clock.now()
    active = _tasks(user).filter(status__in=ACTIVE_TASK_STATUSES)
    tab_q = {
        "all": Q(),
        "pending": Q(status=TaskStatus.PENDING),
        "signed": Q(status=TaskStatus.SIGNED),
        "red": Q(resolve_due_at__lt=at),  # the red light: past the resolve-by deadline
    }
    counts = active.order_by().aggregate(
        **{name: Count("id", filter=q) if q else Count("id") for name, q in tab_q.items()}
    )
    start = (max(1, page) - 1) * INBOX_PAGE
    page_tasks = list(active.filter(tab_q[tab]).order_by("resolve_due_at", "id")[start : start + INBOX_PAGE])
    by_case: dict[int, list[CaseTask]] = defaultdict(list)  # every task of the page's cases, one query
    for task in (
        CaseTask.objects.filter(case_id__in={t.case_id for t in page_tasks})
        .select_related("region")
        .order_by("id")
    ):
        by_case[task.case_id].append(task)
    rows = [
        InboxRow(
            task=t,
            light=selectors.task_light(t, at),
            sign_overdue=t.status == TaskStatus.PENDING and t.sign_due_at < at,
            may_sign=t.status == TaskStatus.PENDING
            and selectors.may_move(t.case, user, Action.SIGN, tasks=by_case[t.case_id]),
        )
        for t in page_tasks
    ]
    return rows, counts


def recently_done(user: Any) -> list[CaseTask]:
    return list(
        _tasks(user)
        .filter(status__in=[TaskStatus.DONE, TaskStatus.RETURNED])
        .order_by("-done_at", "-id")[:DONE_LIMIT]
    )


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    if not may_use_workbench(request.user):
        return render(request, "web/workbench/forbidden.html", status=403)
    tab = request.GET.get("tab", "all")
    if tab not in TABS:
        tab = "all"
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    rows, counts = inbox(request.user, tab, page)
    pages = max(1, -(-counts[tab] // INBOX_PAGE))
    return render(
        request,
        "web/workbench/inbox.html",
        {
            "rows": rows,
            "counts": counts,
            "tab": tab,
            "done": recently_done(request.user),
            "page": min(page, pages),
            "pages": pages,
            "previous_page": page - 1 if page > 1 else None,
            "next_page": page + 1 if page < pages else None,
        },
    )
