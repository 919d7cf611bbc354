"""A proposal's life on the workflow spine (民事民提、民事民议、民事民决、民事民评): 征集中 (raised by a
resident or the community, discussed in moderated comments) → 表决中 (a voting window: one vote per
registered household of the region) → 已通过 or 未通过 (the community records the decision once the
window has closed) → 已落实 (what was done). A matter the community will not put to the vote is closed
as 未通过 with the reason. ``ProposalWorkflow.apply`` is the only door; votes and comments are not
moves (``civic.proposal_services``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dangqun.civic.access import manages_region, proposals_managed_q
from dangqun.civic.events import CivicEvent
from dangqun.civic.models import Proposal, ProposalStatus, ProposalVote, VoteChoice
from dangqun.core.workflow import SYSTEM, Actor, Ctx, Outcome, Workflow, row

STAFF = "staff"  # holds a staff role over the proposal's region
MAX_WINDOW = dt.timedelta(days=60)
COLLECTING, VOTING, PASSED = ProposalStatus.COLLECTING, ProposalStatus.VOTING, ProposalStatus.PASSED
DONE, REJECTED = ProposalStatus.DONE, ProposalStatus.REJECTED


def tally(proposal: Proposal) -> dict[str, int]:
    """Household votes per choice (for, against, abstain)."""
    rows = ProposalVote.objects.filter(proposal=proposal).values("choice").annotate(n=models.Count("id"))
    counts = dict.fromkeys(VoteChoice.values, 0)
    counts.update({r["choice"]: r["n"] for r in rows})
    return counts


def _open_vote(ctx: Ctx[Proposal]) -> Outcome:
    closes_at = ctx.body["closes_at"]
    if not isinstance(closes_at, dt.datetime) or closes_at.tzinfo is None:
        raise ValidationError({"closes_at": gettext("表决截止时间须为带时区的日期时间")})
    if not ctx.at < closes_at <= ctx.at + MAX_WINDOW:
        raise ValidationError({"closes_at": gettext("表决截止时间须在现在之后60天之内")})
    ctx.obj.vote_opens_at = ctx.at
    ctx.obj.vote_closes_at = closes_at
    return Outcome(payload={"closes_at": closes_at.isoformat()}, changed={"vote_opens_at", "vote_closes_at"})


def _window_closed(ctx: Ctx[Proposal]) -> bool:
    closes_at = ctx.obj.vote_closes_at
    return closes_at is not None and closes_at <= ctx.at


def _decide(ctx: Ctx[Proposal]) -> Outcome:
    ctx.obj.decision = str(ctx.body["decision"]).strip()[:500]
    return Outcome(payload={"tally": tally(ctx.obj)}, changed={"decision"})


def _decision_rule(ctx: Ctx[Proposal], outcome: Outcome) -> str:
    result = str(ctx.body.get("result") or "")
    if result not in {PASSED, REJECTED}:
        raise ValidationError({"result": gettext("表决结果须为 passed(通过)或 rejected(未通过)")})
    return result


def _implement(ctx: Ctx[Proposal]) -> Outcome:
    ctx.obj.outcome = str(ctx.body["outcome"]).strip()[:500]
    return Outcome(changed={"outcome"})


def _close(ctx: Ctx[Proposal]) -> Outcome:
    ctx.obj.decision = ctx.reason[:500]
    return Outcome(changed={"decision"})


class ProposalWorkflow(Workflow[Proposal]):
    model = Proposal
    noun = _("议题")
    statuses = dict(ProposalStatus.choices)
    table = {
        t.action: t
        for t in (
            row("open_vote", _("开始表决"), [COLLECTING], VOTING, [STAFF], CivicEvent.PROPOSAL_VOTING_OPENED,
                needs=["closes_at"], handler="open_vote"),
            row("decide", _("记录议定结果"), [VOTING], None, [STAFF], CivicEvent.PROPOSAL_DECIDED,
                target_rule="decision", targets=[PASSED, REJECTED], guard="window_closed",
                needs=["result", "decision"], handler="decide", stamps=["decided_at"]),
            row("implement", _("记录落实情况"), [PASSED], DONE, [STAFF], CivicEvent.PROPOSAL_DONE,
                needs=["outcome"], handler="implement", stamps=["done_at"]),
            row("close", _("不予表决"), [COLLECTING], REJECTED, [STAFF], CivicEvent.PROPOSAL_CLOSED,
                needs=["reason"], handler="close", stamps=["decided_at"]),
        )
    }  # fmt: skip
    guards = {"window_closed": _window_closed}
    guard_conflicts = frozenset({"window_closed"})
    guard_messages = {"window_closed": _("表决尚未截止,截止后才能记录议定结果")}
    handlers = {"open_vote": _open_vote, "decide": _decide, "implement": _implement, "close": _close}
    target_rules = {"decision": _decision_rule}

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return proposals_managed_q(actor)

    @classmethod
    def relations(cls, actor: Actor, obj: Proposal, state: dict[str, Any]) -> frozenset[str]:
        if actor is None:
            return frozenset({SYSTEM})
        return frozenset({STAFF}) if manages_region(actor, obj.region.path) else frozenset()

    @classmethod
    def lock(cls, pk: int, body: dict[str, Any]) -> Proposal:
        return Proposal.objects.select_for_update(of=("self",)).select_related("region").get(pk=pk)
