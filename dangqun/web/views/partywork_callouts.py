"""有困难,党员上 pages: the caller's list of call-outs with the form and who is coming; the member's
invitations in the citizen app (accept or decline) and the 亮身份 consent. Views parse and render; the
writes are partywork services and the workflows' doors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from dangqun.core import clock
from dangqun.core.errors import DomainError
from dangqun.partywork import pairing_selectors as selectors
from dangqun.partywork.access import own_member
from dangqun.partywork.callout_services import badge_set, callout_create
from dangqun.partywork.pairing_access import access_callout_by_id, access_org_by_code, access_reply_by_id
from dangqun.partywork.pairing_workflow import CallOutWorkflow, ReplyWorkflow
from dangqun.web.access import not_found_as_404
from dangqun.web.views.partywork_pages import _back, _done, _failed


@login_required
@not_found_as_404
def org_callouts(request: HttpRequest, code: str) -> HttpResponse:
    org = access_org_by_code(request.user, code)
    callouts = list(selectors.org_callouts(org)[:50])
    rows = [
        {
            "c": c,
            "moves": CallOutWorkflow.available_moves(c, request.user),
            "coming": list(selectors.callout_replies(c).filter(status="accepted")[:200]),
        }
        for c in callouts
    ]
    return render(
        request,
        "web/partywork/callouts.html",
        {"org": org, "rows": rows, "now": clock.now()},
    )


@require_POST
@login_required
@not_found_as_404
def create_callout(request: HttpRequest, code: str) -> HttpResponse:
    org = access_org_by_code(request.user, code)
    try:
        callout = callout_create(
            actor=request.user, org=org, title=request.POST.get("title", ""),
            place=request.POST.get("place", ""), starts_at=request.POST.get("starts_at", ""),
            ends_at=request.POST.get("ends_at", ""), needed=request.POST.get("needed", ""),
            detail=request.POST.get("detail", ""),
        )  # fmt: skip
    except (ValidationError, DomainError) as exc:
        _failed(request, exc)
    else:
        _done(request, gettext("已发出召集:%(title)s") % {"title": callout.title})
    return redirect("web:partywork_callouts", code=org.code)


@require_POST
@login_required
@not_found_as_404
def move_callout(request: HttpRequest, callout_id: int, action: str) -> HttpResponse:
    callout = access_callout_by_id(request.user, callout_id)
    try:
        moved = CallOutWorkflow.apply(
            obj=callout.pk, action=action, actor=request.user, reason=request.POST.get("reason", "")
        )
    except (ValidationError, DomainError) as exc:
        _failed(request, exc)
    else:
        _done(
            request,
            gettext("召集“%(title)s”:%(status)s")
            % {"title": callout.title, "status": moved.get_status_display()},
        )
    return redirect("web:partywork_callouts", code=callout.org.code)


@login_required
def my_callouts(request: HttpRequest) -> HttpResponse:
    """The member's invitations (有困难,党员上) and the 亮身份 consent, in the citizen app."""
    member = own_member(request.user)
    context: dict[str, object] = {"member": member, "tab": "partywork"}
    if member is not None:
        context["rows"] = [
            {"r": r, "moves": ReplyWorkflow.available_moves(r, request.user)}
            for r in selectors.member_invitations(member).select_related("member")[:50]
        ]
        context["badge"] = selectors.badge_shown(member)
    return render(request, "web/partywork/my_callouts.html", context)


@require_POST
@login_required
@not_found_as_404
def move_reply(request: HttpRequest, reply_id: int, action: str) -> HttpResponse:
    reply = access_reply_by_id(request.user, reply_id)
    try:
        moved = ReplyWorkflow.apply(obj=reply.pk, action=action, actor=request.user)
    except (ValidationError, DomainError) as exc:
        _failed(request, exc)
    else:
        _done(
            request,
            gettext("召集“%(title)s”:%(status)s")
            % {"title": reply.callout.title, "status": moved.get_status_display()},
        )
    return _back(request, "/citizen/partywork/callouts/")


@require_POST
@login_required
def set_badge(request: HttpRequest) -> HttpResponse:
    try:
        badge = badge_set(actor=request.user, shown=request.POST.get("shown") == "1")
    except DomainError as exc:
        _failed(request, exc)
    else:
        _done(request, gettext("已亮明党员身份") if badge.shown else gettext("已取消亮明党员身份"))
    return redirect("web:partywork_my_callouts")
