"""A 党的声音 item's life on the workflow spine: 草稿 → 已发布 (the push to its audience's inboxes is
queued after commit and runs in the background) → 已撤回 (with a reason; it leaves every reader's
feed, the receipts stay). ``VoiceWorkflow.apply`` is the only door."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangqun.civic.events import CivicEvent
from dangqun.civic.voice_access import manages_voice, voice_managed_q
from dangqun.civic.voice_jobs import push_voice
from dangqun.civic.voice_models import VoiceItem, VoicePush, VoiceStatus
from dangqun.core.workflow import SYSTEM, Actor, Ctx, Outcome, Workflow, row

STAFF = "staff"  # may address the item's audience (its organisation's or its region's publisher)


def _publish(ctx: Ctx[VoiceItem]) -> Outcome:
    ctx.obj.push_status = VoicePush.QUEUED
    return Outcome(payload={"audience": ctx.obj.audience, "kind": ctx.obj.kind}, changed={"push_status"})


def _withdraw(ctx: Ctx[VoiceItem]) -> Outcome:
    ctx.obj.withdraw_reason = ctx.reason[:200]
    return Outcome(payload={"recipients": ctx.obj.recipient_count}, changed={"withdraw_reason"})


def _push(item_id: int) -> None:
    push_voice.enqueue(item_id)


class VoiceWorkflow(Workflow[VoiceItem]):
    model = VoiceItem
    noun = _("党的声音")
    statuses = dict(VoiceStatus.choices)
    table = {
        t.action: t
        for t in (
            row("publish", _("发布并推送"), [VoiceStatus.DRAFT], VoiceStatus.PUBLISHED, [STAFF],
                CivicEvent.VOICE_PUBLISHED, handler="publish", stamps=["published_at"], jobs=["push"]),
            row("withdraw", _("撤回"), [VoiceStatus.PUBLISHED], VoiceStatus.WITHDRAWN, [STAFF],
                CivicEvent.VOICE_WITHDRAWN, needs=["reason"], handler="withdraw", stamps=["withdrawn_at"]),
        )
    }  # fmt: skip
    handlers = {"publish": _publish, "withdraw": _withdraw}
    jobs = {"push": _push}

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return voice_managed_q(actor)

    @classmethod
    def relations(cls, actor: Actor, obj: VoiceItem, state: dict[str, Any]) -> frozenset[str]:
        if actor is None:
            return frozenset({SYSTEM})
        return frozenset({STAFF}) if manages_voice(actor, obj) else frozenset()

    @classmethod
    def lock(cls, pk: int, body: dict[str, Any]) -> VoiceItem:
        return VoiceItem.objects.select_for_update(of=("self",)).select_related("org", "region").get(pk=pk)
