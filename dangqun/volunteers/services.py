"""Writes of the 志愿服务 app: booking a shared space (its moves go through ``bookings.BookingWorkflow``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.errors import ConflictError
from dangqun.volunteers.events import VolunteersEvent
from dangqun.volunteers.models import Booking, BookingPurpose, BookingSlot, BookingStatus, Space

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
