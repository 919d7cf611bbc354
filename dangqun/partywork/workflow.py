"""The 报到 and the 服务岗 sign-up on the workflow spine (``core.workflow``).

报到: a working member asks (``services.report_request``: 待确认); the community accepts or declines
with a reason; the member may withdraw a pending request; either side may end an accepted one.

Sign-up: a reported member signs up (``services.signup_create``); once the post's day has come the
community confirms the hours served (only confirmed hours count) or marks the member absent; before
the day the member may cancel."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangqun.core.workflow import SYSTEM, Actor, Ctx, Outcome, Workflow, row
from dangqun.partywork.access import reports_visible_q, serves_community, signups_visible_q
from dangqun.partywork.events import PartyworkEvent
from dangqun.partywork.models import MemberReport, ReportStatus, ServiceSignup, SignupStatus

MEMBER = "member"  # the member themself
COMMUNITY = "community"  # serves the community party organisation

PENDING, ACCEPTED = ReportStatus.PENDING, ReportStatus.ACCEPTED
MAX_HOURS = Decimal(12)


def _note_reason(ctx: Ctx[Any]) -> Outcome:
    ctx.obj.note = ctx.reason[:200]
    return Outcome(changed={"note"})


class ReportWorkflow(Workflow[MemberReport]):
    model = MemberReport
    noun = _("报到")
    statuses = dict(ReportStatus.choices)
    table = {
        t.action: t
        for t in (
            row("accept", _("确认报到"), [PENDING], ACCEPTED, [COMMUNITY], PartyworkEvent.REPORT_ACCEPTED,
                stamps=["decided_at"]),
            row("decline", _("退回"), [PENDING], ReportStatus.DECLINED, [COMMUNITY],
                PartyworkEvent.REPORT_DECLINED, needs=["reason"], handler="note_reason",
                stamps=["decided_at"]),
            row("withdraw", _("撤回"), [PENDING], ReportStatus.WITHDRAWN, [MEMBER],
                PartyworkEvent.REPORT_WITHDRAWN, stamps=["ended_at"]),
            row("end", _("结束报到"), [ACCEPTED], ReportStatus.ENDED, [MEMBER, COMMUNITY, SYSTEM],
                PartyworkEvent.REPORT_ENDED, needs=["reason"], handler="note_reason", stamps=["ended_at"]),
        )
    }  # fmt: skip
    handlers = {"note_reason": _note_reason}

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return reports_visible_q(actor)

    @classmethod
    def lock(cls, pk: int, body: dict[str, Any]) -> MemberReport:
        return (
            MemberReport.objects.select_for_update(of=("self",))
            .select_related("member", "community_org", "community_org__region")
            .get(pk=pk)
        )

    @classmethod
    def relations(cls, actor: Actor, obj: MemberReport, state: dict[str, Any]) -> frozenset[str]:
        if actor is None:
            return frozenset({SYSTEM})
        rels = set()
        if actor.pk is not None and obj.member.user_id == actor.pk:
            rels.add(MEMBER)
        if serves_community(actor, obj.community_org):
            rels.add(COMMUNITY)
        return frozenset(rels)


def _served(ctx: Ctx[ServiceSignup]) -> bool:
    return ctx.obj.post.date <= timezone.localdate(ctx.at)


def _before_day(ctx: Ctx[ServiceSignup]) -> bool:
    return ctx.obj.post.date >= timezone.localdate(ctx.at)


def _confirm_hours(ctx: Ctx[ServiceSignup]) -> Outcome:
    try:
        hours = Decimal(str(ctx.body["hours"]).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"hours": _("服务时长须为数字")}) from None
    if not hours.is_finite() or not Decimal("0.5") <= hours <= MAX_HOURS or hours * 2 != int(hours * 2):
        raise ValidationError({"hours": _("服务时长须在0.5至12小时之间,以半小时计")})
    ctx.obj.hours = hours
    return Outcome(payload={"hours": str(hours), "member": ctx.obj.member_id}, changed={"hours"})


class SignupWorkflow(Workflow[ServiceSignup]):
    model = ServiceSignup
    noun = _("服务报名")
    statuses = dict(SignupStatus.choices)
    table = {
        t.action: t
        for t in (
            row("confirm", _("确认时长"), [SignupStatus.SIGNED_UP], SignupStatus.CONFIRMED, [COMMUNITY],
                PartyworkEvent.SIGNUP_CONFIRMED, guard="served", needs=["hours"], handler="confirm_hours",
                stamps=["confirmed_at"]),
            row("absent", _("未到岗"), [SignupStatus.SIGNED_UP], SignupStatus.ABSENT, [COMMUNITY],
                PartyworkEvent.SIGNUP_ABSENT, guard="served"),
            row("cancel", _("取消报名"), [SignupStatus.SIGNED_UP], SignupStatus.CANCELLED, [MEMBER],
                PartyworkEvent.SIGNUP_CANCELLED, guard="before_day"),
        )
    }  # fmt: skip
    guards = {"served": _served, "before_day": _before_day}
    guard_messages = {
        "served": _("服务日期未到,不能确认时长"),
        "before_day": _("服务日期已过,不能取消报名"),
    }
    guard_conflicts = frozenset({"served", "before_day"})
    handlers = {"confirm_hours": _confirm_hours}

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return signups_visible_q(actor)

    @classmethod
    def lock(cls, pk: int, body: dict[str, Any]) -> ServiceSignup:
        return (
            ServiceSignup.objects.select_for_update(of=("self",))
            .select_related("member", "post", "post__community_org", "post__community_org__region")
            .get(pk=pk)
        )

    @classmethod
    def relations(cls, actor: Actor, obj: ServiceSignup, state: dict[str, Any]) -> frozenset[str]:
        if actor is None:
            return frozenset({SYSTEM})
        rels = set()
        if actor.pk is not None and obj.member.user_id == actor.pk:
            rels.add(MEMBER)
        if serves_community(actor, obj.post.community_org):
            rels.add(COMMUNITY)
        return frozenset(rels)
