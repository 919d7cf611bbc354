"""志愿服务 (``dangqun.volunteers``): shared spaces (共享党群空间) and their bookings.

The catalogue is open to every signed-in user; a booking is read by its booker and by the space's
owners (the street or community staff over it), anyone else gets 404. A booking that overlaps another,
falls outside the opening hours or exceeds the capacity is refused with 409 naming the clash; bad
input is 422 naming the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from dangqun.core import clock
from dangqun.regions.models import Region
from dangqun.volunteers import selectors
from dangqun.volunteers.access import (
    access_booking_by_id,
    access_space_by_id,
    bookings_for,
    owns_space,
    spaces_for,
)
from dangqun.volunteers.bookings import BookingWorkflow
from dangqun.volunteers.models import Booking, BookingPurpose, Space
from dangqun.volunteers.services import booking_create, weekdays_label

router = Router(tags=["volunteers"])

MAX_CALENDAR_DAYS = 31


class VolunteersSpaceOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    region_code: str
    region_name: str
    owner_label: str
    address: str
    capacity: int
    equipment: str
    # Local wall-clock opening hours, "HH:MM" (no offset: a room opens at 08:00 whatever the zone).
    opens_at: str = Field(pattern=r"^\d{2}:\d{2}$")
    closes_at: str = Field(pattern=r"^\d{2}:\d{2}$")
    open_days: str
    open_days_label: str
    requires_approval: bool
    month_booked_hours: int
    month_open_hours: int
    month_rate: float


def _space(space: Space, usage: selectors.Usage) -> dict[str, Any]:
    return {
        "id": space.pk,
        "name": space.name,
        "kind": space.kind,
        "kind_label": space.get_kind_display(),
        "region_code": space.region.code,
        "region_name": space.region.name,
        "owner_label": space.owner_label,
        "address": space.address,
        "capacity": space.capacity,
        "equipment": space.equipment,
        "opens_at": space.opens_at.strftime("%H:%M"),
        "closes_at": space.closes_at.strftime("%H:%M"),
        "open_days": space.open_weekdays,
        "open_days_label": weekdays_label(space.open_weekdays),
        "requires_approval": space.requires_approval,
        "month_booked_hours": usage.booked_hours,
        "month_open_hours": usage.open_hours,
        "month_rate": usage.rate,
    }


def month_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    first = today.replace(day=1)
    return first, (first + dt.timedelta(days=32)).replace(day=1)


@router.get("/volunteers/spaces", response=list[VolunteersSpaceOut], summary="共享党群空间目录(含本月使用率)")
def volunteers_list_spaces(request: HttpRequest, region: str | None = None) -> list[dict[str, Any]]:
    qs = spaces_for(request.user)
    if region:
        qs = qs.filter(region__path__startswith=_region_path(region))
    spaces = list(qs[:500])
    since, until = month_bounds(clock.local_today())
    return [_space(u.space, u) for u in selectors.space_usage(spaces, since, until)]


def _region_path(code: str) -> str:
    path = Region.objects.filter(code=code).values_list("path", flat=True).first()
    if path is None:
        raise ValidationError({"region": _("未知区域编码: %(code)s") % {"code": code}})
    return str(path)


class VolunteersBookingOut(Schema):
    id: int
    space_id: int
    space_name: str
    organiser: str
    purpose: str
    purpose_label: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    hours: int
    attendees: int
    status: str
    status_label: str
    booker: str | None  # the booker's name: only for the booker and the space's owners
    note: str
    moves: list[dict[str, str]]


def _booking(booking: Booking, user: Any, *, private: bool = True) -> dict[str, Any]:
    return {
        "id": booking.pk,
        "space_id": booking.space_id,
        "space_name": booking.space.name,
        "organiser": booking.organiser,
        "purpose": booking.purpose,
        "purpose_label": booking.get_purpose_display(),
        "title": booking.title,
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
        "hours": booking.hours,
        "attendees": booking.attendees,
        "status": booking.status,
        "status_label": booking.get_status_display(),
        "booker": booking.booker.display_name or booking.booker.username if private else None,
        "note": booking.note if private else "",
        "moves": [
            {"action": t.action, "label": str(t.label)}
            for t in BookingWorkflow.available_moves(booking, user)
        ]
        if private
        else [],
    }


class VolunteersUsageOut(Schema):
    since: dt.date
    until: dt.date
    open_hours: int
    booked_hours: int
    rate: float
    bookings: int
    by_purpose: dict[str, int]
    by_organiser: list[tuple[str, int]]


class VolunteersSpaceDetailOut(Schema):
    space: VolunteersSpaceOut
    is_owner: bool
    calendar_start: dt.date
    calendar_days: int
    bookings: list[VolunteersBookingOut]
    usage: VolunteersUsageOut


def _date(value: str | None, name: str, default: dt.date) -> dt.date:
    if not value:
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: _("日期格式应为YYYY-MM-DD")}) from None


@router.get(
    "/volunteers/spaces/{space_id}",
    response=VolunteersSpaceDetailOut,
    summary="共享空间详情:日历(默认本周起7天)与使用统计(默认近30天)",
)
def volunteers_space_detail(
    request: HttpRequest, space_id: int, start: str | None = None, days: int = 7
) -> dict[str, Any]:
    space = access_space_by_id(request.user, space_id)
    today = clock.local_today()
    begin = _date(start, "start", today - dt.timedelta(days=today.weekday()))
    if not 1 <= days <= MAX_CALENDAR_DAYS:
        raise ValidationError({"days": _("天数须在1至%(max)s之间") % {"max": MAX_CALENDAR_DAYS}})
    is_owner = owns_space(request.user, space)
    since, until = today - dt.timedelta(days=30), today + dt.timedelta(days=1)
    usage = selectors.space_usage([space], since, until)[0]
    month = selectors.space_usage([space], *month_bounds(today))[0]
    user_pk = request.user.pk
    return {
        "space": _space(space, month),
        "is_owner": is_owner,
        "calendar_start": begin,
        "calendar_days": days,
        "bookings": [
            _booking(b, request.user, private=is_owner or b.booker_id == user_pk)
            for b in selectors.calendar_bookings(space, begin, days).select_related("booker")
        ],
        "usage": {
            "since": since,
            "until": until,
            "open_hours": usage.open_hours,
            "booked_hours": usage.booked_hours,
            "rate": usage.rate,
            "bookings": usage.bookings,
            "by_purpose": usage.by_purpose,
            "by_organiser": usage.by_organiser,
        },
    }


class VolunteersBookingIn(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    purpose: str = BookingPurpose.ORG_LIFE
    title: str
    organiser: str
    attendees: int


@router.post(
    "/volunteers/spaces/{space_id}/bookings",
    response={201: VolunteersBookingOut},
    summary="预约共享空间(整点起止;冲突、不在开放时间或超员时409并指明原因)",
)
def volunteers_book_space(request: HttpRequest, space_id: int, payload: VolunteersBookingIn) -> Status:
    space = access_space_by_id(request.user, space_id)
    booking = booking_create(
        actor=request.user,
        space=space,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        purpose=payload.purpose,
        title=payload.title,
        organiser=payload.organiser,
        attendees=payload.attendees,
    )
    return Status(201, _booking(access_booking_by_id(request.user, booking.pk), request.user))


@router.get(
    "/volunteers/bookings",
    response=list[VolunteersBookingOut],
    summary="我的预约与我管理的空间的预约(可按状态筛选)",
)
def volunteers_list_bookings(
    request: HttpRequest, status: str | None = None, mine: bool = False
) -> list[dict[str, Any]]:
    qs = bookings_for(request.user).order_by("-starts_at", "-id")
    if status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(booker_id=request.user.pk)
    return [_booking(b, request.user) for b in qs[:200]]


@router.get(
    "/volunteers/bookings/{booking_id}", response=VolunteersBookingOut, summary="预约详情与可办理操作"
)
def volunteers_booking_detail(request: HttpRequest, booking_id: int) -> dict[str, Any]:
    return _booking(access_booking_by_id(request.user, booking_id), request.user)


class VolunteersBookingMoveIn(Schema):
    reason: str = ""


@router.post(
    "/volunteers/bookings/{booking_id}/{action}",
    response=VolunteersBookingOut,
    summary="办理预约:approve 确认、reject 驳回(须说明)、cancel 取消",
)
def volunteers_move_booking(
    request: HttpRequest, booking_id: int, action: str, payload: VolunteersBookingMoveIn
) -> dict[str, Any]:
    booking = access_booking_by_id(request.user, booking_id)
    BookingWorkflow.apply(obj=booking.pk, action=action, actor=request.user, reason=payload.reason)
    return _booking(access_booking_by_id(request.user, booking_id), request.user)
