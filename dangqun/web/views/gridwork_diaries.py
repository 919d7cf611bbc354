"""社情日记 pages: the grid app's diary (today's entry to write or amend, my last entries with the
community's comments; an entry written offline waits on the phone in ``gridwork-diary.js`` and is
sent as ``POST /api/v1/gridwork/diaries`` once back online), and the supervisors' searchable list and
one entry to 阅示 and comment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from dangqun.accounts.scope import get_scope
from dangqun.core import clock
from dangqun.core.errors import DomainError, validation_text
from dangqun.gridwork.access import VISIT_READ_ROLES
from dangqun.gridwork.diaries import (
    PAGE_SIZE,
    TEXT_FIELDS,
    DiaryFilters,
    DiaryWorkflow,
    access_diary_by_id,
    comments_of,
    diary_comment,
    diary_review,
    diary_write,
    search_diaries,
)
from dangqun.gridwork.models import DiaryEntry, DiaryStatus
from dangqun.web.access import not_found_as_404
from dangqun.web.views.gridapp import _my_grid

RECENT_ENTRIES = 14


def _errors(exc: ValidationError) -> dict[str, str]:
    if not hasattr(exc, "error_dict"):
        return {"general": validation_text(exc)}
    return {("general" if k == "__all__" else k): " ".join(v) for k, v in exc.message_dict.items()}


@login_required
def gridwork_diary(request: HttpRequest) -> HttpResponse:
    """Today's diary (write or amend it while unread) and my last entries with their comments."""
    grid = _my_grid(request)
    today = clock.local_today()
    mine = DiaryEntry.objects.filter(author_id=request.user.pk).select_related("reviewed_by")
    entry = mine.filter(day=today).first()
    form: dict[str, Any] = {name: getattr(entry, name) if entry else "" for name in TEXT_FIELDS}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = {name: request.POST.get(name, "") for name in TEXT_FIELDS}
        try:
            result = diary_write(actor=request.user, grid=grid, values=form, day=today)
        except ValidationError as exc:
            errors = _errors(exc)
        except DomainError as exc:
            errors = {"general": exc.message}
        else:
            saved = gettext("今天的社情日记已保存")
            messages.success(request, saved if result.created else gettext("今天的社情日记已修改"))
            return redirect("web:gridwork_diary")
    recent = list(mine.exclude(day=today).order_by("-day")[:RECENT_ENTRIES])
    return render(
        request,
        "web/gridwork/diary.html",
        {
            "grid": grid,
            "today": today,
            "entry": entry,
            "locked": entry is not None and entry.status != DiaryStatus.SUBMITTED,
            "form": form,
            "errors": errors,
            "recent": recent,
            "today_comments": comments_of(entry) if entry is not None and entry.comments_count else [],
            "tab": "diary",
        },
    )


def _reader(request: HttpRequest) -> None:
    scope = get_scope(request.user)
    if not (scope.is_sysadmin or scope.roles & VISIT_READ_ROLES):
        raise PermissionDenied(gettext("只有网格、社区、街道和指挥中心的工作人员可以查看社情日记"))


def _date(raw: str, field: str) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({field: gettext("日期格式应为 YYYY-MM-DD")}) from None


@login_required
def gridwork_diaries(request: HttpRequest) -> HttpResponse:
    """The diaries of the grids below me: words, grid, status and dates; unread first by default."""
    _reader(request)
    params = request.GET
    form = {k: params.get(k, "") for k in ("q", "grid", "status", "from", "to")}
    errors: dict[str, str] = {}
    rows: list[DiaryEntry] = []
    total = 0
    try:
        page = max(1, int(params.get("page", "1") or 1))
    except ValueError:
        page = 1
    try:
        qs = search_diaries(
            request.user,
            DiaryFilters(
                q=form["q"],
                grid=form["grid"].strip(),
                status=form["status"],
                date_from=_date(form["from"], "from"),
                date_to=_date(form["to"], "to"),
            ),
        )
        total = qs.count()
        rows = list(qs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    except ValidationError as exc:
        errors = _errors(exc)
    query = params.copy()
    query.pop("page", None)
    return render(
        request,
        "web/gridwork/diaries.html",
        {
            "form": form,
            "errors": errors,
            "rows": rows,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PAGE_SIZE)),
            "query": query.urlencode(),
            "statuses": DiaryStatus.choices,
            "unread": search_diaries(request.user, DiaryFilters(status=DiaryStatus.SUBMITTED)).count(),
        },
    )


@login_required
@not_found_as_404
def gridwork_diary_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    """One diary with its comments; 阅示 and comment for those who supervise the grid."""
    entry = access_diary_by_id(request.user, entry_id)
    is_author = entry.author_id == request.user.pk
    if not is_author:
        _reader(request)
    return render(
        request,
        "web/gridwork/diary_entry.html",
        {
            "entry": entry,
            "comments": comments_of(entry),
            "can_review": DiaryWorkflow.can(entry, request.user, "review"),
            "can_comment": bool(DiaryWorkflow.relations(request.user, entry, {})),
        },
    )


@require_POST
@login_required
@not_found_as_404
def gridwork_diary_action(request: HttpRequest, entry_id: int, action: str) -> HttpResponse:
    """阅示 (``review``) or a comment (``comment``), then back to the entry."""
    entry = access_diary_by_id(request.user, entry_id)
    try:
        if action == "review":
            diary_review(actor=request.user, entry_id=entry.pk, note=request.POST.get("note", ""))
            messages.success(request, gettext("已阅示"))
        elif action == "comment":
            diary_comment(actor=request.user, entry_id=entry.pk, text=request.POST.get("text", ""))
            messages.success(request, gettext("评论已发表"))
        else:
            raise ValidationError({"action": gettext("未知操作: %(action)s") % {"action": action}})
    except ValidationError as exc:
        messages.error(request, gettext("操作未完成:%(text)s") % {"text": validation_text(exc)})
    except DomainError as exc:
        messages.error(request, gettext("操作未完成:%(text)s") % {"text": exc.message})
    return redirect(reverse("web:gridwork_diary_entry", kwargs={"entry_id": entry.pk}))
