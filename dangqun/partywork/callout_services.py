"""有困难,党员上 writes: an organisation calls its members out for a task (each member called gets an
invitation, and those with an account an inbox message after commit); 亮身份 consent. Answers and the
call-out's end go through the workflows' doors (``pairing_workflow``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from dangqun.accounts.models import User
from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.errors import ForbiddenError, NotFoundError
from dangqun.core.workflow import Actor
from dangqun.notify.services import notify_users
from dangqun.orgs.models import PartyOrg
from dangqun.party.models import MemberStatus, PartyMember
from dangqun.partywork.access import own_member, serves_community
from dangqun.partywork.events import PartyworkEvent
from dangqun.partywork.inputs import text_input
from dangqun.partywork.models import CallOut, CallOutReply, PartyBadge, ReportStatus

MAX_NEEDED = 500
MAX_HOURS_LONG = 72
NOTIFICATION_KIND = "partywork.callout"
CALLOUT_LINK = "/citizen/partywork/callouts/"


def _when(value: Any, field: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    else:
        parsed = parse_datetime(str(value or "").strip()) if value else None
        if parsed is None:
            raise ValidationError({field: _("时间格式须为YYYY-MM-DDTHH:MM")})
        moment = parsed
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def callout_audience(org: PartyOrg) -> list[PartyMember]:
    """The members an organisation calls: its own (the subtree's) and those reported in to it."""
    return list(
        PartyMember.objects.filter(
            Q(party_org__path__subtree=org.path)
            | Q(reports__community_org=org, reports__status=ReportStatus.ACCEPTED),
            status=MemberStatus.ACTIVE,
        )
        .distinct()
        .order_by("pk")
    )


def _notify(callout_id: int) -> None:
    callout = CallOut.objects.select_related("org").get(pk=callout_id)
    users = User.objects.filter(party_member__callout_replies__callout=callout, is_active=True).order_by("pk")
    notify_users(
        actor=None,
        recipients=users,
        kind=NOTIFICATION_KIND,
        title=_("有困难,党员上:%(title)s") % {"title": callout.title},
        body=_("%(org)s召集党员:%(when)s,%(place)s,需要%(needed)s人")
        % {
            "org": callout.org.name,
            "when": timezone.localtime(callout.starts_at).strftime("%Y-%m-%d %H:%M"),
            "place": callout.place,
            "needed": callout.needed,
        },
        link=CALLOUT_LINK,
        subject_type="partywork.callout",
        subject_id=str(callout.pk),
    )


@transaction.atomic
def callout_create(
    *,
    actor: Actor,
    org: PartyOrg,
    title: Any,
    place: Any,
    starts_at: Any,
    ends_at: Any,
    needed: Any,
    detail: Any = "",
) -> CallOut:
    """Call the organisation's members out: one invitation each, the inbox message after commit."""
    if actor is not None and not serves_community(actor, org):
        raise NotFoundError(_("党组织不存在或无权访问"))
    title = text_input(title, "title", required=True, limit=100)
    place = text_input(place, "place", required=True, limit=200)
    detail = text_input(detail, "detail", required=False, limit=500)
    start, end = _when(starts_at, "starts_at"), _when(ends_at, "ends_at")
    if start < clock.now() - dt.timedelta(hours=1):
        raise ValidationError({"starts_at": _("开始时间不能早于现在")})
    if not start < end <= start + dt.timedelta(hours=MAX_HOURS_LONG):
        raise ValidationError({"ends_at": _("结束时间须晚于开始时间,且不超过72小时")})
    try:
        count = int(needed)
    except (TypeError, ValueError):
        raise ValidationError({"needed": _("需要人数须为1至%(max)s的整数") % {"max": MAX_NEEDED}}) from None
    if not 1 <= count <= MAX_NEEDED:
        raise ValidationError({"needed": _("需要人数须为1至%(max)s的整数") % {"max": MAX_NEEDED}})
    callout = CallOut.objects.create(
        org=org, title=title, detail=detail, place=place, starts_at=start, ends_at=end, needed=count,
        created_by=actor if isinstance(actor, User) else None,
    )  # fmt: skip
    members = callout_audience(org)
    CallOutReply.objects.bulk_create(
        [CallOutReply(callout=callout, member=m) for m in members], batch_size=500
    )
    record_event(
        actor=actor,
        event_type=PartyworkEvent.CALLOUT_CREATED,
        target=callout,
        data={"org": org.code, "needed": count, "invited": len(members), "starts_at": start.isoformat()},
    )
    transaction.on_commit(lambda: _notify(callout.pk))
    return callout


@transaction.atomic
def badge_set(*, actor: Actor, shown: bool) -> PartyBadge:
    """亮身份: the member's own consent to show a party badge on the work their staff account does."""
    member = own_member(actor)
    if member is None:
        raise ForbiddenError(_("当前账号未关联党员档案"))
    badge, _created = PartyBadge.objects.select_for_update().get_or_create(member=member)
    if badge.shown != shown:
        badge.shown = shown
        badge.save(update_fields=["shown", "updated_at"])
    record_event(actor=actor, event_type=PartyworkEvent.BADGE_SET, target=badge, data={"shown": shown})
    return badge
