"""The transfer of a member's organisational relation (组织关系转接) on the workflow spine.

The sending branch issues an introduction letter (``services.transfer_issue``: the transfer starts as
待接收). Then, through the door (``TransferWorkflow.apply``):

- inside the deployment the receiving branch accepts it (the member's organisation changes now, and
  only now) or returns it with a reason;
- out of the deployment the sending branch records the receiving side's 回执 (receipt), and the member
  leaves the deployment's rolls (已转出);
- a letter past its validity expires (the system's daily job, or the sending branch).

An organisation that is neither end does not see the transfer: accepting it is a 404.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangqun.accounts.scope import get_scope
from dangqun.core.workflow import SYSTEM, Actor, Ctx, Outcome, Workflow, row
from dangqun.party.access import transfers_visible_q
from dangqun.party.events import PartyEvent
from dangqun.party.models import MemberStatus, PartyMember, Transfer, TransferStatus

SENDING = "sending"  # holds a party role over the sending organisation
RECEIVING = "receiving"  # holds a party role over the receiving organisation

ISSUED = TransferStatus.ISSUED


def _valid(ctx: Ctx[Transfer]) -> bool:
    return timezone.localdate(ctx.at) <= ctx.obj.expires_on


def _past_validity(ctx: Ctx[Transfer]) -> bool:
    return timezone.localdate(ctx.at) > ctx.obj.expires_on


def _outside(ctx: Ctx[Transfer]) -> bool:
    return ctx.obj.to_org_id is None


def _lock_member(ctx: Ctx[Transfer]) -> PartyMember:
    return PartyMember.objects.select_for_update().get(pk=ctx.obj.member_id)


def _move_member(ctx: Ctx[Transfer]) -> Outcome:
    """The member's organisational relation moves to the receiving branch (out of any 党小组)."""
    member = _lock_member(ctx)
    member.party_org_id = ctx.obj.to_org_id  # type: ignore[assignment]
    member.party_group = None
    member.save(update_fields=["party_org", "party_group", "updated_at"])
    return Outcome(payload={"member": member.pk, "to_org": ctx.obj.to_org_id})


def _member_out(ctx: Ctx[Transfer]) -> Outcome:
    """The 回执 came back: the member has left the deployment's rolls."""
    member = _lock_member(ctx)
    member.status = MemberStatus.TRANSFERRED_OUT
    member.party_group = None
    member.save(update_fields=["status", "party_group", "updated_at"])
    ctx.obj.receipt_no = str(ctx.body["receipt_no"]).strip()[:40]
    return Outcome(payload={"member": member.pk, "receipt_no": ctx.obj.receipt_no}, changed={"receipt_no"})


def _note_reason(ctx: Ctx[Transfer]) -> Outcome:
    ctx.obj.note = ctx.reason[:200]
    return Outcome(changed={"note"})


class TransferWorkflow(Workflow[Transfer]):
    model = Transfer
    noun = _("组织关系转接")
    statuses = dict(TransferStatus.choices)
    table = {
        t.action: t
        for t in (
            row("accept", _("接收"), [ISSUED], TransferStatus.ACCEPTED, [RECEIVING],
                PartyEvent.TRANSFER_ACCEPTED, guard="valid", handler="move_member", stamps=["decided_at"]),
            row("return", _("退回"), [ISSUED], TransferStatus.RETURNED, [RECEIVING],
                PartyEvent.TRANSFER_RETURNED, needs=["reason"], handler="note_reason", stamps=["decided_at"]),
            row("receipt", _("登记回执"), [ISSUED], TransferStatus.ACCEPTED, [SENDING],
                PartyEvent.TRANSFER_RECEIPT, guard="outside", needs=["receipt_no"], handler="member_out",
                stamps=["decided_at"]),
            row("expire", _("过期作废"), [ISSUED], TransferStatus.EXPIRED, [SYSTEM, SENDING],
                PartyEvent.TRANSFER_EXPIRED, guard="past_validity", stamps=["decided_at"]),
        )
    }  # fmt: skip
    guards = {"valid": _valid, "past_validity": _past_validity, "outside": _outside}
    guard_messages = {
        "valid": _("介绍信已超过有效期"),
        "past_validity": _("介绍信仍在有效期内"),
        "outside": _("转入本系统内党组织的介绍信由接收方办理"),
    }
    handlers = {"move_member": _move_member, "member_out": _member_out, "note_reason": _note_reason}

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return transfers_visible_q(actor)

    @classmethod
    def lock(cls, pk: int, body: dict[str, Any]) -> Transfer:
        # Only the transfer's row is locked (the receiving side is a nullable join, which PostgreSQL
        # will not lock); its organisations are read with it.
        return (
            Transfer.objects.select_for_update(of=("self",)).select_related("from_org", "to_org").get(pk=pk)
        )

    @classmethod
    def relations(cls, actor: Actor, obj: Transfer, state: dict[str, Any]) -> frozenset[str]:
        if actor is None:
            return frozenset({SYSTEM})
        scope = get_scope(actor)
        rels = set()
        if scope.covers_party_org_path(obj.from_org.path):
            rels.add(SENDING)
        if obj.to_org is not None and scope.covers_party_org_path(obj.to_org.path):
            rels.add(RECEIVING)
        return frozenset(rels)
