"""Writes of the 志愿服务 app: booking a shared space (its moves go through ``bookings.BookingWorkflow``);
registering volunteers, asking to join a team (``memberships.MembershipWorkflow``), publishing
activities and signing up (``signups.SignUpWorkflow``: check-in, hours, cancellation)."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangqun.accounts.scope import get_scope
from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.errors import ConflictError, ForbiddenError
from dangqun.party.models import PartyMember
from dangqun.regions.models import Region
from dangqun.volunteers.access import ORGANISER_ROLES
from dangqun.volunteers.events import VolunteersEvent
from dangqun.volunteers.models import (
    LIVE_SIGNUP_STATUSES,
    PLACE_STATUSES,
    Activity,
    ActivityKind,
    ActivityStatus,
    Booking,
    BookingPurpose,
    BookingSlot,
    BookingStatus,
    MembershipStatus,
    SignUp,
    SignUpStatus,
    Space,
    Team,
    TeamMembership,
    Volunteer,
)

HOUR = dt.timedelta(hours=1)
MAX_HOURS = 12  # one booking covers at most one day's opening
MAX_DAYS_AHEAD = 90


def booking_hours(starts_at: dt.datetime, ends_at: dt.datetime) -> list[dt.datetime]:
    """The room-hours a booking covers (each the start of a whole hour)."""
    hours, at = [], starts_at
    while at < ends_at:
        hours.append(at)
        at += HOUR
    return hours


def _on_the_hour(value: dt.datetime) -> bool:
    return value.minute == 0 and value.second == 0 and value.microsecond == 0


def _validate(
    *, starts_at: dt.datetime, ends_at: dt.datetime, purpose: str, title: str, organiser: str, attendees: int
) -> None:
    """Bad input (each error names its field): 422, nothing written."""
    errors: dict[str, str] = {}
    now = clock.now()
    if purpose not in BookingPurpose.values:
        errors["purpose"] = _("未知用途: %(value)s") % {"value": purpose}
    if not title:
        errors["title"] = _("请填写活动名称")
    if not organiser:
        errors["organiser"] = _("请填写使用单位")
    if attendees < 1:
        errors["attendees"] = _("参加人数至少为1人")
    if timezone.is_naive(starts_at) or not _on_the_hour(starts_at):
        errors["starts_at"] = _("开始时间须为整点(含时区)")
    elif starts_at <= now:
        errors["starts_at"] = _("不能预约已经过去的时间")
    elif starts_at > now + dt.timedelta(days=MAX_DAYS_AHEAD):
        errors["starts_at"] = _("最多可提前%(days)s天预约") % {"days": MAX_DAYS_AHEAD}
    if timezone.is_naive(ends_at) or not _on_the_hour(ends_at):
        errors["ends_at"] = _("结束时间须为整点(含时区)")
    elif "starts_at" not in errors and not starts_at + HOUR <= ends_at <= starts_at + MAX_HOURS * HOUR:
        errors["ends_at"] = _("结束时间须晚于开始时间,且一次最多预约%(hours)s小时") % {"hours": MAX_HOURS}
    if errors:
        raise ValidationError(errors)


def _check_space(space: Space, starts_at: dt.datetime, ends_at: dt.datetime, attendees: int) -> None:
    """Capacity and opening hours: 409 naming what the booking runs into."""
    if attendees > space.capacity:
        raise ConflictError(
            _("参加人数%(n)s人超过“%(space)s”的容纳人数%(cap)s人")
            % {"n": attendees, "space": space.name, "cap": space.capacity},
            code="capacity",
        )
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    last = end - dt.timedelta(microseconds=1)
    if (
        str(start.isoweekday()) not in space.open_weekdays
        or start.date() != last.date()
        or start.time() < space.opens_at
        or end.time() > space.closes_at
        or end.date() != start.date()
    ):
        raise ConflictError(
            _("“%(space)s”的开放时间为%(days)s %(opens)s–%(closes)s,所选时段不在开放时间内")
            % {
                "space": space.name,
                "days": weekdays_label(space.open_weekdays),
                "opens": space.opens_at.strftime("%H:%M"),
                "closes": space.closes_at.strftime("%H:%M"),
            },
            code="closed",
        )


WEEKDAY_NAMES = (
    gettext_lazy("周一"),
    gettext_lazy("周二"),
    gettext_lazy("周三"),
    gettext_lazy("周四"),
    gettext_lazy("周五"),
    gettext_lazy("周六"),
    gettext_lazy("周日"),
)


def weekdays_label(days: str) -> str:
    if days == "1234567":
        return _("每天")
    if days == "12345":
        return _("周一至周五")
    return _("、").join(str(WEEKDAY_NAMES[int(d) - 1]) for d in days)


def clash_error(space: Space, hours: list[dt.datetime]) -> ConflictError:
    """409 naming the booking that already holds one of ``hours`` in ``space``."""
    slot = (
        BookingSlot.objects.select_related("booking")
        .filter(space=space, hour__in=hours)
        .order_by("hour")
        .first()
    )
    if slot is None:  # the other booking was withdrawn meanwhile: still a clash for this attempt
        return ConflictError(_("所选时段刚被他人预约,请刷新后重试"), code="clash")
    other = slot.booking
    start, end = timezone.localtime(other.starts_at), timezone.localtime(other.ends_at)
    return ConflictError(
        _("与已有预约冲突:%(org)s“%(title)s”(%(day)s %(start)s–%(end)s,%(status)s)")
        % {
            "org": other.organiser,
            "title": other.title,
            "day": start.strftime("%Y-%m-%d"),
            "start": start.strftime("%H:%M"),
            "end": end.strftime("%H:%M"),
            "status": other.get_status_display(),
        },
        code="clash",
    )


def booking_create(
    *,
    actor: Any,
    space: Space,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    purpose: str,
    title: str,
    organiser: str,
    attendees: int,
) -> Booking:
    """Book ``space`` from ``starts_at`` to ``ends_at`` (whole hours). 422 for bad input; 409 for a
    clash, a closed hour or too many people. The unique (space, hour) slot rows are the guarantee: a
    concurrent second booking of the same hour fails on insert and is answered with the clash."""
    title, organiser = title.strip()[:100], organiser.strip()[:100]
    _validate(
        starts_at=starts_at,
        ends_at=ends_at,
        purpose=purpose,
        title=title,
        organiser=organiser,
        attendees=attendees,
    )
    _check_space(space, starts_at, ends_at, attendees)
    hours = booking_hours(starts_at, ends_at)
    with transaction.atomic():
        if BookingSlot.objects.filter(space=space, hour__in=hours).exists():
            raise clash_error(space, hours)
        status = BookingStatus.PENDING if space.requires_approval else BookingStatus.APPROVED
        booking = Booking(
            space=space,
            booker=actor,
            organiser=organiser,
            purpose=purpose,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            attendees=attendees,
            status=status,
            decided_at=None if space.requires_approval else clock.now(),
        )
        booking.full_clean()
        booking.save()
        try:
            with transaction.atomic():
                BookingSlot.objects.bulk_create(
                    [BookingSlot(space=space, booking=booking, hour=hour) for hour in hours]
                )
        except IntegrityError:
            raise clash_error(space, hours) from None
        record_event(
            actor=actor,
            event_type=VolunteersEvent.BOOKING_REQUESTED,
            target=booking,
            data={
                "space": space.pk,
                "starts_at": starts_at.isoformat(),
                "hours": len(hours),
                "purpose": purpose,
                "status": status,
            },
        )
    return booking


# --- volunteers, teams, activities ---------------------------------------------------------------------

SKILLS_MAX = 200


def volunteer_register(
    *,
    actor: Any,
    skills: str = "",
    availability: str = "",
    service_region: Region | None = None,
) -> Volunteer:
    """Register the signed-in user as a volunteer (or update the profile): linked to the user's party
    member record when there is one. Idempotent: a second call updates the same profile."""
    with transaction.atomic():
        volunteer = Volunteer.objects.select_for_update().filter(user=actor).first()
        created = volunteer is None
        if volunteer is None:
            member = PartyMember.objects.filter(user=actor).first()
            volunteer = Volunteer(
                user=actor,
                party_member=member,
                resident_id=member.resident_id if member is not None else None,
                name=(getattr(actor, "display_name", "") or actor.get_username())[:50],
            )
        volunteer.skills = skills.strip()[:SKILLS_MAX]
        volunteer.availability = availability.strip()[:100]
        if service_region is not None or created:
            volunteer.service_region = service_region
        volunteer.full_clean()
        volunteer.save()
        record_event(
            actor=actor,
            event_type=VolunteersEvent.VOLUNTEER_REGISTERED if created else VolunteersEvent.VOLUNTEER_UPDATED,
            target=volunteer,
            data={"service_region": service_region.code if service_region is not None else None},
        )
    return volunteer


def _volunteer_for(actor: Any) -> Volunteer:
    volunteer = Volunteer.objects.filter(user=actor).first()
    return volunteer if volunteer is not None else volunteer_register(actor=actor)


def membership_request(*, actor: Any, team: Team) -> TeamMembership:
    """Ask to join ``team`` (待审批 until its owners approve). 409 when already in it or asking."""
    volunteer = _volunteer_for(actor)
    with transaction.atomic():
        live = TeamMembership.objects.filter(
            team=team, volunteer=volunteer, status__in=(MembershipStatus.PENDING, MembershipStatus.ACTIVE)
        ).first()
        if live is not None:
            raise ConflictError(
                _("已在“%(team)s”中(%(status)s)") % {"team": team.name, "status": live.get_status_display()},
                code="already_member",
            )
        try:
            with transaction.atomic():
                membership = TeamMembership.objects.create(
                    team=team, volunteer=volunteer, status=MembershipStatus.PENDING
                )
        except IntegrityError:
            raise ConflictError(_("入队申请已提交"), code="already_member") from None
        record_event(
            actor=actor,
            event_type=VolunteersEvent.MEMBERSHIP_REQUESTED,
            target=membership,
            data={"team": team.pk},
        )
    return membership


def _validate_activity(
    *,
    title: str,
    kind: str,
    place: str,
    lat: float,
    lng: float,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    slots: int,
    hours: Decimal,
    radius_m: int,
) -> None:
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("请填写活动名称")
    if kind not in ActivityKind.values:
        errors["kind"] = _("未知活动类型: %(value)s") % {"value": kind}
    if not place:
        errors["place"] = _("请填写活动地点")
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        errors["lat"] = _("坐标不正确")
    if timezone.is_naive(starts_at):
        errors["starts_at"] = _("开始时间须含时区")
    elif starts_at <= clock.now():
        errors["starts_at"] = _("开始时间须晚于现在")
    if timezone.is_naive(ends_at) or ("starts_at" not in errors and ends_at <= starts_at):
        errors["ends_at"] = _("结束时间须晚于开始时间")
    if not 1 <= slots <= 1000:
        errors["slots"] = _("名额须在1至1000之间")
    if not Decimal("0.5") <= hours <= Decimal(24):
        errors["hours"] = _("服务时长须在0.5至24小时之间")
    if not 50 <= radius_m <= 5000:
        errors["radius_m"] = _("签到半径须在50至5000米之间")
    if errors:
        raise ValidationError(errors)


def activity_publish(
    *,
    actor: Any,
    region: Region,
    title: str,
    kind: str,
    place: str,
    lat: float,
    lng: float,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    slots: int,
    hours: Decimal,
    description: str = "",
    team: Team | None = None,
    radius_m: int = 300,
) -> Activity:
    """Publish an activity held by ``region`` (the actor must organise there: 403 otherwise)."""
    title, place = title.strip()[:100], place.strip()[:200]
    _validate_activity(
        title=title,
        kind=kind,
        place=place,
        lat=lat,
        lng=lng,
        starts_at=starts_at,
        ends_at=ends_at,
        slots=slots,
        hours=hours,
        radius_m=radius_m,
    )
    if not get_scope(actor).covers_path(region.path, ORGANISER_ROLES):
        raise ForbiddenError(_("您无权以“%(region)s”的名义发布活动") % {"region": region.name})
    if (
        team is not None
        and not region.path.startswith(team.region.path)
        and not team.region.path.startswith(region.path)
    ):
        raise ValidationError({"team": _("承办队伍不属于该区域")})
    with transaction.atomic():
        activity = Activity(
            title=title,
            kind=kind,
            description=description.strip(),
            region=region,
            team=team,
            organiser=actor,
            organiser_label=team.name if team is not None else region.name,
            place=place,
            lat=lat,
            lng=lng,
            radius_m=radius_m,
            starts_at=starts_at,
            ends_at=ends_at,
            slots=slots,
            hours=hours,
            check_in_code=new_check_in_code(),
        )
        activity.full_clean()
        activity.save()
        record_event(
            actor=actor,
            event_type=VolunteersEvent.ACTIVITY_PUBLISHED,
            target=activity,
            data={"region": region.code, "kind": kind, "slots": slots, "starts_at": starts_at.isoformat()},
        )
    return activity


CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud or typed from a poster


def new_check_in_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _n in range(6))


def signup_create(*, actor: Any, activity: Activity) -> SignUp:
    """Sign the actor up (registering them as a volunteer on first use): 已报名 while places are left,
    else 候补. The activity row is locked while the places are counted: never over the slots. 409 when
    already signed up, the activity is cancelled or has begun."""
    volunteer = _volunteer_for(actor)
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        if locked.status != ActivityStatus.PUBLISHED:
            raise ConflictError(_("活动已取消"), code="activity_cancelled")
        if clock.now() >= locked.starts_at:
            raise ConflictError(_("活动已开始,报名已截止"), code="signup_closed")
        if SignUp.objects.filter(
            activity=locked, volunteer=volunteer, status__in=LIVE_SIGNUP_STATUSES
        ).exists():
            raise ConflictError(_("您已报名该活动"), code="already_signed_up")
        taken = SignUp.objects.filter(activity=locked, status__in=PLACE_STATUSES).count()
        status = SignUpStatus.ENROLLED if taken < locked.slots else SignUpStatus.WAITING
        try:
            with transaction.atomic():
                signup = SignUp.objects.create(activity=locked, volunteer=volunteer, status=status)
        except IntegrityError:
            raise ConflictError(_("您已报名该活动"), code="already_signed_up") from None
        record_event(
            actor=actor,
            event_type=(
                VolunteersEvent.SIGNUP_ENROLLED
                if status == SignUpStatus.ENROLLED
                else VolunteersEvent.SIGNUP_WAITLISTED
            ),
            target=signup,
            data={"activity": locked.pk, "taken": taken, "slots": locked.slots},
        )
    return signup
