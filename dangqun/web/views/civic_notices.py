"""居务公开栏 pages. On the citizen app, readable without logging in (large type, phone first): the
list of boards, a region's board (its own notices and its street's and district's, pinned first, with
this year's counts) and a notice. For staff: the boards of their regions — new notices, corrections,
pinning, and the moves the door accepts. Views parse and render; the writes are civic services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from dangqun.accounts.scope import get_scope
from dangqun.civic import notice_selectors as selectors
from dangqun.civic.access import (
    NOTICE_STAFF_ROLES,
    access_managed_notice_by_id,
    access_public_notice_by_id,
    is_notice_staff,
)
from dangqun.civic.models import NoticeKind, NoticeStatus
from dangqun.civic.notice_services import notice_create, notice_update
from dangqun.civic.notices import NoticeWorkflow
from dangqun.core import clock
from dangqun.core.errors import DomainError, NotFoundError, validation_text
from dangqun.regions.models import Region, RegionLevel
from dangqun.web.access import not_found_as_404
from dangqun.web.views.civic_policies import door_move

FORM_FIELDS = ("region", "kind", "title", "issuer", "body", "expires_on")


def _boards() -> list[Region]:
    return list(
        Region.objects.filter(level__in=[RegionLevel.STREET, RegionLevel.COMMUNITY], is_active=True)
        .order_by("path")
        .only("code", "name", "level", "path")[:500]
    )


def boards(request: HttpRequest) -> HttpResponse:
    """Pick a board: the streets and communities/villages."""
    code = request.GET.get("region", "").strip()
    if code:
        return redirect("web:civic_board", code=code)
    return render(request, "web/civic/boards.html", {"regions": _boards(), "tab": "board"})


@not_found_as_404
def board(request: HttpRequest, code: str) -> HttpResponse:
    region = Region.objects.filter(code=code, level__lte=RegionLevel.COMMUNITY, is_active=True).first()
    if region is None:
        raise NotFoundError(gettext("公开栏不存在"))
    kind = request.GET.get("kind", "")
    kind = kind if kind in NoticeKind.values else ""
    q = request.GET.get("q", "").strip()[:60]
    rows = list(selectors.board(region, kind=kind, q=q)[:100])
    today = clock.local_today()
    counts = selectors.year_counts(region, today.year)
    context = {
        "region": region,
        "rows": rows,
        "kind": kind,
        "kinds": NoticeKind.choices,
        "q": q,
        "year": today.year,
        "year_total": counts.get("total", 0),
        "tab": "board",
    }
    return render(request, "web/civic/board.html", context)


@not_found_as_404
def public_notice(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = access_public_notice_by_id(notice_id, clock.local_today())
    return render(request, "web/civic/notice.html", {"notice": notice, "tab": "board"})


def _require_staff(request: HttpRequest) -> None:
    if not is_notice_staff(request.user):
        raise PermissionDenied


def _regions(user: Any) -> list[Region]:
    scope = get_scope(user)
    qs = Region.objects.filter(level__lte=RegionLevel.COMMUNITY, is_active=True)
    if not scope.is_sysadmin:
        qs = qs.filter(scope.region_q("path", roles=NOTICE_STAFF_ROLES))
    return list(qs.order_by("path")[:300])


def _desk_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    status = request.GET.get("status", "")
    status = status if status in NoticeStatus.values else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in NoticeKind.values else ""
    q = request.GET.get("q", "").strip()[:60]
    qs = selectors.staff_notices(request.user, status=status, kind=kind, q=q)
    return {
        "rows": list(qs[:100]),
        "count": qs.count(),
        "status": status,
        "kind": kind,
        "q": q,
        "statuses": NoticeStatus.choices,
        "kinds": NoticeKind.choices,
        "regions": _regions(request.user),
        "form": {},
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def desk(request: HttpRequest) -> HttpResponse:
    """The staff's notices of their boards, and the form for a new one (saved as a draft or published)."""
    _require_staff(request)
    if request.method == "GET":
        return render(request, "web/civic/notice_desk.html", _desk_context(request))
    post = request.POST
    form: dict[str, Any] = {k: post.get(k, "") for k in FORM_FIELDS}
    form["pinned"] = bool(post.get("pinned"))
    try:
        notice = notice_create(
            actor=request.user,  # type: ignore[arg-type]
            region_code=form["region"],
            kind=form["kind"],
            title=form["title"],
            body=form["body"],
            issuer=form["issuer"],
            pinned=form["pinned"],
            expires_on=parse_date(form["expires_on"]) if form["expires_on"] else None,
            publish="publish" in post,
        )
    except ValidationError as exc:
        context = _desk_context(request, form=form, error=validation_text(exc))
        return render(request, "web/civic/notice_desk.html", context, status=422)
    except DomainError as exc:
        context = _desk_context(request, form=form, error=exc.message)
        return render(request, "web/civic/notice_desk.html", context, status=exc.status_code)
    messages.success(request, gettext("已保存:%(title)s(%(status)s)")
                     % {"title": notice.title, "status": notice.get_status_display()})  # fmt: skip
    return redirect("web:civic_notice_edit", notice_id=notice.pk)


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, notice_id: int) -> HttpResponse:
    """A notice of the staff member's boards: correct it, pin or unpin it, publish or withdraw it."""
    _require_staff(request)
    notice = access_managed_notice_by_id(request.user, notice_id)
    context: dict[str, Any] = {"notice": notice, "kinds": NoticeKind.choices, "tab": "board"}
    status = 200
    if request.method == "POST":
        post = request.POST
        changes: dict[str, Any] = {k: post.get(k, "") for k in ("kind", "title", "issuer", "body")}
        changes["pinned"] = bool(post.get("pinned"))
        changes["expires_on"] = parse_date(post.get("expires_on", "")) if post.get("expires_on") else None
        try:
            notice_update(actor=request.user, notice=notice, changes=changes)  # type: ignore[arg-type]
        except ValidationError as exc:
            context["error"], status = validation_text(exc), 422
        except DomainError as exc:
            context["error"], status = exc.message, exc.status_code
        else:
            messages.success(request, gettext("已保存修改"))
            return redirect("web:civic_notice_edit", notice_id=notice.pk)
    context["moves"] = NoticeWorkflow.available_moves(notice, request.user)
    return render(request, "web/civic/notice_edit.html", context, status=status)


@require_POST
@login_required
@not_found_as_404
def move(request: HttpRequest, notice_id: int, action: str) -> HttpResponse:
    _require_staff(request)
    notice = access_managed_notice_by_id(request.user, notice_id)
    moved = door_move(request, NoticeWorkflow, notice.pk, action)
    if moved is not None:
        messages.success(request, gettext("“%(title)s”:%(status)s")
                         % {"title": moved.title, "status": moved.get_status_display()})  # fmt: skip
    return redirect("web:civic_notice_edit", notice_id=notice.pk)
