"""党员服务 writes: a working member asks to 报到, a community posts a 服务岗, a reported member signs
up. The later moves go through ``partywork.workflow`` (the door)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.errors import ConflictError, ForbiddenError, NotFoundError
from dangqun.core.workflow import Actor
from dangqun.orgs.models import PartyOrg
from dangqun.party.models import MemberStatus, PartyMember
from dangqun.partywork.access import community_orgs, own_member, serves_community
from dangqun.partywork.events import PartyworkEvent
from dangqun.partywork.inputs import date_input as _date
from dangqun.partywork.inputs import text_input as _text
from dangqun.partywork.models import (
    OPEN_REPORT_STATUSES,
    MemberReport,
    PostStatus,
    ReportStatus,
    ServicePost,
    ServiceSignup,
    SignupStatus,
)

MAX_SLOTS = 200


def is_working_member(member: PartyMember) -> bool:
    """在职党员: the member's own branch is in a unit (an organisation leading no region)."""
    return member.party_org.region_id is None


def _actor_member(actor: Actor) -> PartyMember:
    member = own_member(actor)
    if member is None:
        raise ForbiddenError(_("当前账号未关联党员档案"))
    return member


@transaction.atomic
def report_request(
    *, actor: Actor, community_code: Any, home_address: Any = "", skills: Any = ""
) -> MemberReport:
    """A working member asks to 报到 to the community where they live (待确认 until it decides)."""
    member = _actor_member(actor)
    code = _text(community_code, "community", required=True, limit=40)
    home_address = _text(home_address, "home_address", required=False, limit=200)
    skills = _text(skills, "skills", required=False, limit=200)
    org = community_orgs().filter(code=code).first()
    if org is None:
        raise NotFoundError(_("社区党组织不存在"))
    if not org.is_active:
        raise ConflictError(_("该社区党组织已撤销,不能报到"), code="org_closed")
    member = PartyMember.objects.select_for_update().select_related("party_org").get(pk=member.pk)
    if member.status != MemberStatus.ACTIVE:
        raise ConflictError(_("该党员当前不在册,不能报到"), code="member_inactive")
    if not is_working_member(member):
        raise ConflictError(
            _("社区报到面向在职党员(组织关系在机关、事业单位或企业的党员)"), code="not_working"
        )
    if MemberReport.objects.filter(member=member, status__in=OPEN_REPORT_STATUSES).exists():
        raise ConflictError(_("您已有一份待确认或有效的报到"), code="report_open")
    report = MemberReport.objects.create(
        member=member, community_org=org, unit_org=member.party_org, home_address=home_address, skills=skills
    )
    record_event(
        actor=actor,
        event_type=PartyworkEvent.REPORT_REQUESTED,
        target=report,
        data={"member": member.pk, "community_org": org.code, "unit_org": member.party_org.code},
    )
    return report


@transaction.atomic
def post_create(
    *,
    actor: Actor,
    community_org: PartyOrg,
    title: Any,
    date: Any,
    slots: Any,
    hours: Any = "2",
    category: Any = "",
    place: Any = "",
) -> ServicePost:
    """The community posts a 服务岗 (环境整治, 文明劝导, 助老 …) for its reported members."""
    if actor is not None and not serves_community(actor, community_org):
        raise NotFoundError(_("社区党组织不存在或无权访问"))
    title = _text(title, "title", required=True, limit=100)
    category = _text(category, "category", required=False, limit=30)
    place = _text(place, "place", required=False, limit=200)
    day = _date(date, "date")
    if day < clock.local_today():
        raise ValidationError({"date": _("服务日期不能早于今天")})
    try:
        count = int(slots)
    except (TypeError, ValueError):
        raise ValidationError({"slots": _("名额须为1至%(max)s的整数") % {"max": MAX_SLOTS}}) from None
    if not 1 <= count <= MAX_SLOTS:
        raise ValidationError({"slots": _("名额须为1至%(max)s的整数") % {"max": MAX_SLOTS}})
    try:
        planned = Decimal(str(hours).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"hours": _("服务时长须为数字")}) from None
    if not planned.is_finite() or not Decimal("0.5") <= planned <= Decimal(12):
        raise ValidationError({"hours": _("服务时长须在0.5至12小时之间,以半小时计")})
    post = ServicePost.objects.create(
        community_org=community_org, title=title, category=category, place=place, date=day, slots=count,
        hours=planned,
    )  # fmt: skip
    record_event(
        actor=actor,
        event_type=PartyworkEvent.POST_CREATED,
        target=post,
        data={"community_org": community_org.code, "date": day.isoformat(), "slots": count},
    )
    return post


@transaction.atomic
def signup_create(*, actor: Actor, post: ServicePost) -> ServiceSignup:
    """A member reported in to the post's community signs up (409 when full, past or closed)."""
    member = _actor_member(actor)
    post = ServicePost.objects.select_for_update().get(pk=post.pk)
    report = MemberReport.objects.filter(
        member=member, community_org_id=post.community_org_id, status=ReportStatus.ACCEPTED
    ).first()
    if report is None:
        raise NotFoundError(_("服务岗不存在或无权访问"))
    if post.status != PostStatus.OPEN or post.date < clock.local_today():
        raise ConflictError(_("该服务岗已结束报名"), code="post_closed")
    taken = post.signups.exclude(status=SignupStatus.CANCELLED)
    if post.signups.filter(member=member).exists():
        raise ConflictError(_("您已报名该服务岗"), code="signed_up")
    if taken.count() >= post.slots:
        raise ConflictError(_("该服务岗名额已满"), code="post_full")
    try:
        with transaction.atomic():
            signup = ServiceSignup.objects.create(post=post, member=member, report=report)
    except IntegrityError:
        raise ConflictError(_("您已报名该服务岗"), code="signed_up") from None
    record_event(
        actor=actor,
        event_type=PartyworkEvent.SIGNUP_CREATED,
        target=signup,
        data={"post": post.pk, "member": member.pk},
    )
    return signup
