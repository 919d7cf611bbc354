"""民事民议 (``dangqun.civic``): proposals a resident or a community raises for a region, public with
their discussion, tally and result (no login needed to read). A registered resident comments and votes
for their household — one vote per household, within the voting window: a second vote from the same
household or a vote outside the window is 409, a voter who is not a registered resident of a household
in the region 403, nothing written. The community's staff hide comments, open the vote, record the
decision once the window has closed, and what was done; another region's staff get 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from dangqun.civic import proposal_selectors as selectors
from dangqun.civic.access import access_public_proposal_by_id, manages_region, require_notice_staff
from dangqun.civic.models import Proposal, ProposalComment
from dangqun.civic.proposal_services import (
    proposal_comment,
    proposal_comment_hide,
    proposal_raise,
    proposal_vote,
)
from dangqun.civic.proposals import ProposalWorkflow, tally
from dangqun.core.errors import ForbiddenError, NotFoundError
from dangqun.core.masking import mask_person_name
from dangqun.regions.models import Region

router = Router(tags=["civic"])


class CivicProposalMoveOut(Schema):
    action: str
    label: str
    needs: list[str]


class CivicCommentOut(Schema):
    id: int
    author: str  # masked (刘**) for the public
    body: str  # plain text
    created_at: dt.datetime
    hidden: bool
    hidden_reason: str


class CivicTallyOut(Schema):
    for_votes: int  # 赞成
    against_votes: int  # 反对
    abstain_votes: int  # 弃权
    voted_households: int
    households: int  # registered households in the region


class CivicMyVoteOut(Schema):
    eligible: bool  # a registered resident of a household in the region
    choice: str | None  # the household's vote, if it voted


class CivicProposalOut(Schema):
    id: int
    region_code: str
    region_name: str
    title: str
    body: str  # sanitised HTML
    origin: str
    origin_label: str
    status: str
    status_label: str
    vote_opens_at: dt.datetime | None
    vote_closes_at: dt.datetime | None
    decision: str
    outcome: str
    decided_at: dt.datetime | None
    done_at: dt.datetime | None
    created_at: dt.datetime
    page_url: str


class CivicProposalDetailOut(CivicProposalOut):
    tally: CivicTallyOut
    comments: list[CivicCommentOut]
    my_vote: CivicMyVoteOut
    moves: list[CivicProposalMoveOut]


class CivicProposalListOut(Schema):
    count: int
    items: list[CivicProposalOut]


class CivicProposalIn(Schema):
    region: (
        str  # a community, compound or grid code: the staff's own, or where the resident's household lives
    )
    title: str
    body: str = ""


class CivicCommentIn(Schema):
    body: str


class CivicHideIn(Schema):
    reason: str


class CivicVoteIn(Schema):
    choice: str  # for 赞成 | against 反对 | abstain 弃权


class CivicProposalMoveIn(Schema):
    reason: str = ""  # close: why it is not put to the vote
    closes_at: dt.datetime | None = None  # open_vote: the end of the voting window
    result: str = ""  # decide: passed | rejected
    decision: str = ""  # decide: the decision in words
    outcome: str = ""  # implement: what was done


def proposal_out(proposal: Proposal) -> dict[str, Any]:
    return {
        "id": proposal.pk,
        "region_code": proposal.region.code,
        "region_name": proposal.region.name,
        "title": proposal.title,
        "body": proposal.body,
        "origin": proposal.origin,
        "origin_label": proposal.get_origin_display(),
        "status": proposal.status,
        "status_label": proposal.get_status_display(),
        "vote_opens_at": proposal.vote_opens_at,
        "vote_closes_at": proposal.vote_closes_at,
        "decision": proposal.decision,
        "outcome": proposal.outcome,
        "decided_at": proposal.decided_at,
        "done_at": proposal.done_at,
        "created_at": proposal.created_at,
        "page_url": f"/civic/proposals/{proposal.pk}/",
    }


def _comment(comment: ProposalComment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "author": mask_person_name(comment.author_name),
        "body": comment.body,
        "created_at": comment.created_at,
        "hidden": comment.hidden_at is not None,
        "hidden_reason": comment.hidden_reason,
    }


def proposal_detail(proposal: Proposal, user: Any) -> dict[str, Any]:
    counts = tally(proposal)
    eligible, vote = selectors.my_household_vote(user, proposal)
    return {
        **proposal_out(proposal),
        "tally": {
            "for_votes": counts["for"],
            "against_votes": counts["against"],
            "abstain_votes": counts["abstain"],
            "voted_households": sum(counts.values()),
            "households": selectors.households_in(proposal),
        },
        "comments": [_comment(c) for c in selectors.comments_for(user, proposal)],
        "my_vote": {"eligible": eligible, "choice": vote.choice if vote is not None else None},
        "moves": [
            {"action": t.action, "label": str(t.label), "needs": list(t.needs)}
            for t in ProposalWorkflow.available_moves(proposal, user)
        ],
    }


@router.get("/civic/proposals", response=CivicProposalListOut, auth=None, summary="民事民议议题(公开)")
def civic_proposals(
    request: HttpRequest, region: str = "", status: str = "", limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    where = Region.objects.filter(code=region).first() if region else None
    if region and where is None:
        raise ValidationError({"region": _("区域不存在:%(code)s") % {"code": region}})
    qs = selectors.proposal_list(region=where, status=status)
    limit = max(1, min(limit, 200))
    rows = qs[max(0, offset) : max(0, offset) + limit]
    return {"count": qs.count(), "items": [proposal_out(p) for p in rows]}


@router.post("/civic/proposals", response={201: CivicProposalDetailOut}, summary="提出议题(居民或社区)")
def civic_raise_proposal(request: HttpRequest, payload: CivicProposalIn) -> Status:
    proposal = proposal_raise(
        actor=request.user,  # type: ignore[arg-type]
        region_code=payload.region,
        title=payload.title,
        body=payload.body,
    )
    return Status(201, proposal_detail(access_public_proposal_by_id(proposal.pk), request.user))


@router.get(
    "/civic/proposals/{proposal_id}",
    response=CivicProposalDetailOut,
    auth=None,
    summary="议题详情:讨论、票数、结果(公开)",
)
def civic_proposal(request: HttpRequest, proposal_id: int) -> dict[str, Any]:
    return proposal_detail(access_public_proposal_by_id(proposal_id), request.user)


@router.post(
    "/civic/proposals/{proposal_id}/vote",
    response={201: CivicProposalDetailOut},
    summary="户代表投票(每户一票,表决期内)",
)
def civic_vote(request: HttpRequest, proposal_id: int, payload: CivicVoteIn) -> Status:
    proposal = access_public_proposal_by_id(proposal_id)
    proposal_vote(actor=request.user, proposal=proposal, choice=payload.choice)  # type: ignore[arg-type]
    return Status(201, proposal_detail(access_public_proposal_by_id(proposal_id), request.user))


@router.post(
    "/civic/proposals/{proposal_id}/comments",
    response={201: CivicCommentOut},
    summary="发表意见(征集和表决期间)",
)
def civic_comment(request: HttpRequest, proposal_id: int, payload: CivicCommentIn) -> Status:
    proposal = access_public_proposal_by_id(proposal_id)
    comment = proposal_comment(actor=request.user, proposal=proposal, body=payload.body)  # type: ignore[arg-type]
    return Status(201, _comment(comment))


@router.post(
    "/civic/proposals/{proposal_id}/comments/{comment_id}/hide",
    response=CivicCommentOut,
    summary="屏蔽发言(本辖区工作人员,须填原因)",
)
def civic_hide_comment(
    request: HttpRequest, proposal_id: int, comment_id: int, payload: CivicHideIn
) -> dict[str, Any]:
    require_notice_staff(request.user)
    proposal = access_public_proposal_by_id(proposal_id)
    comment = proposal_comment_hide(
        actor=request.user,  # type: ignore[arg-type]
        proposal=proposal,
        comment_id=comment_id,
        reason=payload.reason,
    )
    return _comment(comment)


@router.post(
    "/civic/proposals/{proposal_id}/{action}",
    response=CivicProposalDetailOut,
    summary="议题办理:open_vote 开始表决(closes_at)、decide 记录议定结果(result, decision)、"
    "implement 记录落实情况(outcome)、close 不予表决(reason)",
)
def civic_move_proposal(
    request: HttpRequest, proposal_id: int, action: str, payload: CivicProposalMoveIn
) -> dict[str, Any]:
    if not request.user.is_authenticated:
        raise ForbiddenError()
    require_notice_staff(request.user)
    proposal = access_public_proposal_by_id(proposal_id)
    if not manages_region(request.user, proposal.region.path):
        raise NotFoundError(_("议题不存在或无权管理"))
    body = {k: v for k, v in payload.dict().items() if k != "reason" and v not in (None, "")}
    ProposalWorkflow.apply(obj=proposal.pk, action=action, actor=request.user, reason=payload.reason, **body)
    return proposal_detail(access_public_proposal_by_id(proposal_id), request.user)
