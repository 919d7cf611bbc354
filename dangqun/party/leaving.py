"""减少党员 on the workflow spine: a member leaves the rolls (death, 开除党籍, 除名, 退党, 自行脱党 …)
on a given date, through the door (``MemberWorkflow.apply``, action ``leave``).

The date may not lie in the future nor before the member joined; a member with a transfer letter
waiting must have it settled first (409). The member keeps their record (status 已减少, with the date
and the reason), which the 党内统计年报 counts for its year.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangqun.accounts.scope import get_scope
from dangqun.core.i18n import join_list
from dangqun.core.workflow import Actor, Ctx, Outcome, Workflow, row
from dangqun.party.events import PartyEvent
from dangqun.party.models import LeaveReason, MemberStatus, PartyMember, Transfer, TransferStatus

STAFF = "staff"  # holds a party role over the member's organisation


def _no_open_transfer(ctx: Ctx[PartyMember]) -> bool:
    return not Transfer.objects.filter(member_id=ctx.obj.pk, status=TransferStatus.ISSUED).exists()


def _left_on(ctx: Ctx[PartyMember]) -> dt.date:
    value = ctx.body.get("left_on")
    day = value if isinstance(value, dt.date) else parse_date(str(value or "").strip() or "-")
    if day is None:
        raise ValidationError({"left_on": _("请填写减少日期(YYYY-MM-DD)")})
    if day > timezone.localdate(ctx.at):
        raise ValidationError({"left_on": _("减少日期不能晚于今天")})
    joined = ctx.obj.joined_on
    if joined is not None and day < joined:
        raise ValidationError({"left_on": _("减少日期不能早于入党日期")})
    return day


def _leave(ctx: Ctx[PartyMember]) -> Outcome:
    reason = str(ctx.body.get("left_reason") or "")
    if reason not in LeaveReason.values:
        raise ValidationError(
            {
                "left_reason": _("减少原因须为:%(names)s")
                % {"names": join_list(str(c.label) for c in LeaveReason)}
            }
        )
    day = _left_on(ctx)
    ctx.obj.left_on = day
    ctx.obj.left_reason = reason
    ctx.obj.party_group = None
    return Outcome(
        payload={"left_on": day.isoformat(), "left_reason": reason},
        changed={"left_on", "left_reason", "party_group"},
    )


class MemberWorkflow(Workflow[PartyMember]):
    model = PartyMember
    noun = gettext_lazy("党员")
    statuses = dict(MemberStatus.choices)
    table = {
        t.action: t
        for t in (
            row("leave", gettext_lazy("减少党员"), [MemberStatus.ACTIVE], MemberStatus.LEFT, [STAFF],
                PartyEvent.MEMBER_LEFT, guard="no_open_transfer", needs=["left_reason", "left_on"],
                handler="leave"),
        )
    }  # fmt: skip
    guards = {"no_open_transfer": _no_open_transfer}
    guard_messages = {"no_open_transfer": gettext_lazy("该党员有待接收的组织关系介绍信,请先办结转接")}
    guard_conflicts = frozenset({"no_open_transfer"})
    handlers = {"leave": _leave}

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return get_scope(actor).party_org_q("party_org__path")

    @classmethod
    def lock(cls, pk: int, body: dict[str, Any]) -> PartyMember:
        return PartyMember.objects.select_for_update(of=("self",)).select_related("party_org").get(pk=pk)

    @classmethod
    def relations(cls, actor: Actor, obj: PartyMember, state: dict[str, Any]) -> frozenset[str]:
        if actor is not None and get_scope(actor).covers_party_org_path(obj.party_org.path):
            return frozenset({STAFF})
        return frozenset()
