"""职能部门工作台 (department workbench): the unit's tasks ordered by deadline with their lights.

A task is the unit's own when it is for one of the user's departments, or for a street or community
the user works in (street/community staff who lead or assist). Signing works straight from the inbox;
handling, resolving, returning, extensions and co-unit notes are on the case page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dangqun.accounts.scope import get_scope
from dangqun.cases import selectors
from dangqun.cases.enums import ACTIVE_TASK_STATUSES, TaskStatus
from dangqun.cases.models import CaseTask
from dangqun.cases.permissions import UNIT_REGION_ROLES
from dangqun.core.time import now

INBOX_LIMIT = 200
DONE_LIMIT = 20
TABS = ("all", "pending", "signed", "red")


@dataclass(frozen=True)
class InboxRow:
    task: CaseTask
    light: str | None
    sign_overdue: bool


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
        "case", "case__category", "case__region", "department", "region"
    )


def inbox(user: Any, tab: str = "all") -> tuple[list[InboxRow], dict[str, int]]:
    at = now()
    active = _tasks(user).filter(status__in=ACTIVE_TASK_STATUSES)
    rows = [
        InboxRow(
            task=t,
            light=selectors.task_light(t, at),
            sign_overdue=t.status == TaskStatus.PENDING and t.sign_due_at < at,
        )
        for t in active.order_by("resolve_due_at", "id")[:INBOX_LIMIT]
    ]
    counts = {
        "all": len(rows),
        "pending": sum(1 for r in rows if r.task.status == TaskStatus.PENDING),
        "signed": sum(1 for r in rows if r.task.status == TaskStatus.SIGNED),
        "red": sum(1 for r in rows if r.light == "red"),
    }
    if tab == "pending":
        rows = [r for r in rows if r.task.status == TaskStatus.PENDING]
    elif tab == "signed":
        rows = [r for r in rows if r.task.status == TaskStatus.SIGNED]
    elif tab == "red":
        rows = [r for r in rows if r.light == "red"]
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
    rows, counts = inbox(request.user, tab)
    return render(
        request,
        "web/workbench/inbox.html",
        {
            "rows": rows,
            "counts": counts,
            "tab": tab,
            "done": recently_done(request.user),
            "limit": INBOX_LIMIT,
        },
    )
