"""A notice's life on the workflow spine: 草稿 → 已发布 (on the region's public board, pinned or not,
until its end of display) → 已撤回 (with a reason). ``NoticeWorkflow.apply`` is the only door."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangqun.civic.access import manages_region, notices_managed_q
from dangqun.civic.events import CivicEvent
from dangqun.civic.models import Notice, NoticeStatus
from dangqun.core.workflow import SYSTEM, Actor, Ctx, Outcome, Workflow, row

STAFF = "staff"  # holds a staff role over the notice's region


def _publishable(ctx: Ctx[Notice]) -> bool:
    """Not already past its end of display (it would never show)."""
    expires_on = ctx.obj.expires_on
    return expires_on is None or expires_on >= timezone.localdate(ctx.at)


def _withdraw(ctx: Ctx[Notice]) -> Outcome:
    ctx.obj.withdraw_reason = ctx.reason[:200]
    return Outcome(payload={"kind": ctx.obj.kind}, changed={"withdraw_reason"})


class NoticeWorkflow(Workflow[Notice]):
    model = Notice
    noun = _("公开栏信息")
    statuses = dict(NoticeStatus.choices)
    table = {
        t.action: t
        for t in (
            row("publish", _("发布"), [NoticeStatus.DRAFT], NoticeStatus.PUBLISHED, [STAFF],
                CivicEvent.NOTICE_PUBLISHED, guard="publishable", stamps=["published_at"]),
            row("withdraw", _("撤回"), [NoticeStatus.PUBLISHED], NoticeStatus.WITHDRAWN, [STAFF],
                CivicEvent.NOTICE_WITHDRAWN, needs=["reason"], handler="withdraw", stamps=["withdrawn_at"]),
        )
    }  # fmt: skip
    guards = {"publishable": _publishable}
    guard_messages = {"publishable": _("公示截止日期已过,请先修改")}
    handlers = {"withdraw": _withdraw}

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return notices_managed_q(actor)

    @classmethod
    def relations(cls, actor: Actor, obj: Notice, state: dict[str, Any]) -> frozenset[str]:
        if actor is None:
            return frozenset({SYSTEM})
        return frozenset({STAFF}) if manages_region(actor, obj.region.path) else frozenset()

    @classmethod
    def lock(cls, pk: int, body: dict[str, Any]) -> Notice:
        return Notice.objects.select_for_update(of=("self",)).select_related("region").get(pk=pk)
