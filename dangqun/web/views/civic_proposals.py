"""民事民议 pages. On the citizen app, readable without logging in (phone first, large type): the
proposals of a region and a proposal with its discussion, tally and result. Logged in: a registered
resident raises a proposal, comments, and votes for their household (the refusals — a second vote from
the household, a vote outside the window, a voter not registered in the region — are shown, nothing
written). The region's staff hide comments and make the moves the door offers; their workbench lists
their regions' proposals. Views parse and render; the writes are civic services and the door."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from dangqun.civic import proposal_selectors as selectors
from dangqun.civic.access import access_public_proposal_by_id, is_notice_staff, manages_region
from dangqun.civic.models import ProposalStatus, VoteChoice
from dangqun.civic.proposal_services import (
    proposal_comment,
    proposal_comment_hide,
    proposal_raise,
    proposal_vote,
    registered_resident,
)
from dangqun.civic.proposals import ProposalWorkflow, tally
from dangqun.core import clock
from dangqun.core.errors import DomainError, NotFoundError, validation_text
from dangqun.core.masking import mask_person_name
from dangqun.regions.models import Region, RegionLevel
from dangqun.web.access import not_found_as_404
from dangqun.web.views.civic_policies import door_move


def _refused(request: HttpRequest, exc: Exception) -> None:
    text = validation_text(exc) if isinstance(exc, ValidationError) else getattr(exc, "message", str(exc))
    messages.error(request, gettext("操作未完成:%(text)s") % {"text": text})


def proposals(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("region", "").strip()
    region = Region.objects.filter(code=code).first() if code else None
    status = request.GET.get("status", "")
    status = status if status in ProposalStatus.values else ""
    rows = list(selectors.proposal_list(region=region, status=status)[:100])
    regions = list(
        Region.objects.filter(level=RegionLevel.COMMUNITY, is_active=True)
        .order_by("path")
        .only("code", "name")[:500]
    )
    context = {
        "rows": rows,
        "region": region,
        "regions": regions,
        "status": status,
        "statuses": ProposalStatus.choices,
        "tab": "proposals",
    }
    return render(request, "web/civic/proposals.html", context)


@not_found_as_404
def proposal_page(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = access_public_proposal_by_id(proposal_id)
    counts = tally(proposal)
    eligible, vote = selectors.my_household_vote(request.user, proposal)
    now = clock.now()
    window_open = (
        proposal.status == ProposalStatus.VOTING
        and proposal.vote_opens_at is not None
        and proposal.vote_closes_at is not None
        and proposal.vote_opens_at <= now < proposal.vote_closes_at
    )
    voted = sum(counts.values())
    comments = [(c, mask_person_name(c.author_name)) for c in selectors.comments_for(request.user, proposal)]
    context = {
        "proposal": proposal,
        "counts": [
            (label, counts[value], round(100 * counts[value] / voted) if voted else 0)
            for value, label in VoteChoice.choices
        ],
        "voted": voted,
        "households": selectors.households_in(proposal),
        "comments": comments,
        "eligible": eligible,
        "vote": vote,
        "window_open": window_open,
        "choices": VoteChoice.choices,
        "is_staff_view": manages_region(request.user, proposal.region.path),
        "moves": ProposalWorkflow.available_moves(proposal, request.user),
        "can_comment": proposal.status in (ProposalStatus.COLLECTING, ProposalStatus.VOTING),
        "tab": "proposals",
    }
    return render(request, "web/civic/proposal.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def raise_proposal(request: HttpRequest) -> HttpResponse:
    """A resident raises a matter for the region their household lives in; staff for their community."""
    user = request.user
    regions = [
        r
        for r in Region.objects.filter(level=RegionLevel.COMMUNITY, is_active=True).order_by("path")[:500]
        if manages_region(user, r.path) or registered_resident(user, r) is not None
    ]
    context: dict[str, Any] = {"regions": regions, "form": {}, "tab": "proposals"}
    if request.method == "GET":
        return render(request, "web/civic/proposal_new.html", context)
    form = {k: request.POST.get(k, "") for k in ("region", "title", "body")}
    context["form"] = form
    try:
        proposal = proposal_raise(
            actor=user,  # type: ignore[arg-type]
            region_code=form["region"],
            title=form["title"],
            body=form["body"],
        )
    except ValidationError as exc:
        context["error"] = validation_text(exc)
        return render(request, "web/civic/proposal_new.html", context, status=422)
    except DomainError as exc:
        context["error"] = exc.message
        return render(request, "web/civic/proposal_new.html", context, status=exc.status_code)
    messages.success(request, gettext("议题已提出,进入意见征集"))
    return redirect("web:civic_proposal", proposal_id=proposal.pk)


@require_POST
@login_required
@not_found_as_404
def vote(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = access_public_proposal_by_id(proposal_id)
    try:
        proposal_vote(actor=request.user, proposal=proposal, choice=request.POST.get("choice", ""))  # type: ignore[arg-type]
    except (ValidationError, DomainError) as exc:
        _refused(request, exc)
    else:
        messages.success(request, gettext("已投票,每户一票"))
    return redirect("web:civic_proposal", proposal_id=proposal.pk)


@require_POST
@login_required
@not_found_as_404
def comment(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = access_public_proposal_by_id(proposal_id)
    try:
        proposal_comment(actor=request.user, proposal=proposal, body=request.POST.get("body", ""))  # type: ignore[arg-type]
    except (ValidationError, DomainError) as exc:
        _refused(request, exc)
    return redirect("web:civic_proposal", proposal_id=proposal.pk)


@require_POST
@login_required
@not_found_as_404
def hide_comment(request: HttpRequest, proposal_id: int, comment_id: int) -> HttpResponse:
    if not is_notice_staff(request.user):
        raise PermissionDenied
    proposal = access_public_proposal_by_id(proposal_id)
    try:
        proposal_comment_hide(
            actor=request.user,  # type: ignore[arg-type]
            proposal=proposal,
            comment_id=comment_id,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        _refused(request, exc)
    return redirect("web:civic_proposal", proposal_id=proposal.pk)


@require_POST
@login_required
@not_found_as_404
def move(request: HttpRequest, proposal_id: int, action: str) -> HttpResponse:
    if not is_notice_staff(request.user):
        raise PermissionDenied
    proposal = access_public_proposal_by_id(proposal_id)
    if not manages_region(request.user, proposal.region.path):
        raise NotFoundError()
    post = request.POST
    body: dict[str, Any] = {
        k: post.get(k, "").strip() for k in ("result", "decision", "outcome") if post.get(k, "").strip()
    }
    closes_at = parse_datetime(post.get("closes_at", ""))
    if closes_at is not None:
        body["closes_at"] = timezone.make_aware(closes_at) if timezone.is_naive(closes_at) else closes_at
    moved = door_move(request, ProposalWorkflow, proposal.pk, action, **body)
    if moved is not None:
        messages.success(request, gettext("议题“%(title)s”:%(status)s")
                         % {"title": moved.title, "status": moved.get_status_display()})  # fmt: skip
    return redirect("web:civic_proposal", proposal_id=proposal.pk)


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """The staff's proposals of their regions: open ones first."""
    if not is_notice_staff(request.user):
        raise PermissionDenied
    status = request.GET.get("status", "")
    status = status if status in ProposalStatus.values else ""
    rows = list(selectors.managed_proposals(request.user, status=status)[:200])
    context = {"rows": rows, "status": status, "statuses": ProposalStatus.choices}
    return render(request, "web/civic/proposal_desk.html", context)
