"""结对帮扶 and 党员召集 on the workflow spine (``core.workflow``).

A pairing is 帮扶中 until the organisation's side ends it (with a reason); it may resume while the one
helped has no other active pairing with the organisation. A call-out is 召集中 until the caller closes
or cancels it. A member answers an invitation: 参加 while the call-out is open and has room (full →
409), or 不参加; they may change their mind while it is open."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangqun.core import clock
from dangqun.core.workflow import SYSTEM, Actor, Ctx, Outcome, Workflow, row
from dangqun.partywork.access import serves_community
from dangqun.partywork.events import PartyworkEvent
from dangqun.partywork.models import (
    CallOut,
    CallOutReply,
    CallOutStatus,
    Pairing,
    PairingStatus,
    ReplyStatus,
)
from dangqun.partywork.pairing_access import callouts_visible_q, pairings_visible_q, replies_visible_q

ORG = "org"  # acts for the organisation (its party scope, or staff of the region it leads)
MEMBER = "member"  # the member themself


def _note_reason(ctx: Ctx[Any]) -> Outcome:
    ctx.obj.note = ctx.reason[:200]
    return Outcome(changed={"note"})


def _target_free(ctx: Ctx[Pairing]) -> bool:
    p = ctx.obj
    target = (
        {"household_id": p.household_id} if p.household_id else {"hardship_member_id": p.hardship_member_id}
    )
    return not Pairing.objects.filter(org_id=p.org_id, status=PairingStatus.ACTIVE, **target).exists()


class PairingWorkflow(Workflow[Pairing]):
    model = Pairing
    noun = _("结对帮扶")
    statuses = dict(PairingStatus.choices)
    table = {
        t.action: t
        for t in (
            row("end", _("结束帮扶"), [PairingStatus.ACTIVE], PairingStatus.ENDED, [ORG, SYSTEM],
                PartyworkEvent.PAIRING_ENDED, needs=["reason"], handler="note_reason", stamps=["ended_at"]),
            row("resume", _("恢复帮扶"), [PairingStatus.ENDED], PairingStatus.ACTIVE, [ORG],
                PartyworkEvent.PAIRING_RESUMED, guard="target_free"),
        )
    }  # fmt: skip
    guards = {"target_free": _target_free}
    guard_messages = {"target_free": _("该对象已有进行中的结对帮扶")}
    guard_conflicts = frozenset({"target_free"})
    handlers = {"note_reason": _note_reason}

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return pairings_visible_q(actor)

    @classmethod
    def lock(cls, pk: int, body: dict[str, Any]) -> Pairing:
        return Pairing.objects.select_for_update(of=("self",)).select_related("org", "org__region").get(pk=pk)

    @classmethod
    def relations(cls, actor: Actor, obj: Pairing, state: dict[str, Any]) -> frozenset[str]:
        if actor is None:
            return frozenset({SYSTEM})
        return frozenset({ORG}) if serves_community(actor, obj.org) else frozenset()


class CallOutWorkflow(Workflow[CallOut]):
    model = CallOut
    noun = _("党员召集")
    statuses = dict(CallOutStatus.choices)
    table = {
        t.action: t
        for t in (
            row("close", _("结束召集"), [CallOutStatus.OPEN], CallOutStatus.CLOSED, [ORG, SYSTEM],
                PartyworkEvent.CALLOUT_CLOSED, stamps=["closed_at"]),
            row("cancel", _("取消召集"), [CallOutStatus.OPEN], CallOutStatus.CANCELLED, [ORG],
                PartyworkEvent.CALLOUT_CANCELLED, needs=["reason"], handler="note_reason",
                stamps=["closed_at"]),
        )
    }  # fmt: skip
    handlers = {"note_reason": _note_reason}

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return models.Q(pk__in=CallOut.objects.filter(callouts_visible_q(actor)).values("pk"))

    @classmethod
    def lock(cls, pk: int, body: dict[str, Any]) -> CallOut:
        return CallOut.objects.select_for_update(of=("self",)).select_related("org", "org__region").get(pk=pk)

    @classmethod
    def relations(cls, actor: Actor, obj: CallOut, state: dict[str, Any]) -> frozenset[str]:
        if actor is None:
            return frozenset({SYSTEM})
        return frozenset({ORG}) if serves_community(actor, obj.org) else frozenset()


def _open(ctx: Ctx[CallOutReply]) -> bool:
    callout: CallOut = ctx.state["callout"]
    return callout.status == CallOutStatus.OPEN and callout.ends_at > clock.now()


def _room(ctx: Ctx[CallOutReply]) -> bool:
    callout: CallOut = ctx.state["callout"]
    return _open(ctx) and ctx.state["coming"] < callout.needed


class ReplyWorkflow(Workflow[CallOutReply]):
    model = CallOutReply
    noun = _("召集回复")
    statuses = dict(ReplyStatus.choices)
    table = {
        t.action: t
        for t in (
            row("accept", _("我参加"), [ReplyStatus.INVITED, ReplyStatus.DECLINED], ReplyStatus.ACCEPTED,
                [MEMBER], PartyworkEvent.CALLOUT_ACCEPTED, guard="room", stamps=["replied_at"]),
            row("decline", _("不参加"), [ReplyStatus.INVITED, ReplyStatus.ACCEPTED], ReplyStatus.DECLINED,
                [MEMBER], PartyworkEvent.CALLOUT_DECLINED, guard="open", stamps=["replied_at"]),
        )
    }  # fmt: skip
    guards = {"room": _room, "open": _open}
    guard_messages = {"room": _("召集已满员或已结束"), "open": _("召集已结束")}
    guard_conflicts = frozenset({"room", "open"})

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return replies_visible_q(actor)

    @classmethod
    def lock(cls, pk: int, body: dict[str, Any]) -> CallOutReply:
        return CallOutReply.objects.select_for_update(of=("self",)).select_related("member").get(pk=pk)

    @classmethod
    def load_state(cls, obj: CallOutReply, *, lock: bool) -> dict[str, Any]:
        callouts = CallOut.objects.select_for_update() if lock else CallOut.objects
        callout = callouts.get(pk=obj.callout_id)
        coming = CallOutReply.objects.filter(callout_id=callout.pk, status=ReplyStatus.ACCEPTED).count()
        return {"callout": callout, "coming": coming}

    @classmethod
    def relations(cls, actor: Actor, obj: CallOutReply, state: dict[str, Any]) -> frozenset[str]:
        if actor is not None and actor.pk is not None and obj.member.user_id == actor.pk:
            return frozenset({MEMBER})
        return frozenset()
