"""共享党群空间: the catalogue, a space's week calendar with its booking form and usage, the moves."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from dangqun.core import clock
from dangqun.core.errors import DomainError, validation_text
from dangqun.volunteers import selectors
from dangqun.volunteers.access import (
    access_booking_by_id,
    access_space_by_id,
    bookings_for,
    owned_spaces_q,
    owns_space,
    spaces_for,
)
from dangqun.volunteers.bookings import BookingWorkflow
from dangqun.volunteers.models import Booking, BookingPurpose, BookingStatus, Space
from dangqun.volunteers.services import booking_create, weekdays_label
from dangqun.web.access import not_found_as_404


def _month() -> tuple[dt.date, dt.date]:
    first = clock.local_today().replace(day=1)
    return first, (first + dt.timedelta(days=32)).replace(day=1)


@login_required
def spaces(request: HttpRequest) -> HttpResponse:
    """The catalogue with this month's use; my bookings; the bookings awaiting my approval."""
    catalogue = list(spaces_for(request.user))
    usage = selectors.space_usage(catalogue, *_month())
    now = clock.now()
    mine = list(
        bookings_for(request.user)
        .filter(booker_id=request.user.pk, ends_at__gte=now)
        .order_by("starts_at")[:50]
    )
    pending = list(
        Booking.objects.select_related("space")
        .filter(
            owned_spaces_q(request.user, "space__region__path"),
            status=BookingStatus.PENDING,
            ends_at__gte=now,
        )
        .order_by("starts_at")[:100]
    )
    return render(
        request,
        "web/volunteers/spaces.html",
        {"usage": usage, "mine": mine, "pending": pending, "weekdays_label": weekdays_label},
    )


def _week_start(request: HttpRequest) -> dt.date:
    today = clock.local_today()
    try:
        day = dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = today
    return day - dt.timedelta(days=day.weekday())


def _grid(space: Space, start: dt.date, bookings: list[Booking]) -> list[tuple[str, list[Booking | None]]]:
    """Rows of the week: one per opening hour, one cell per day (the booking holding it, if any)."""
    held: dict[tuple[dt.date, int], Booking] = {}
    for booking in bookings:
        at = timezone.localtime(booking.starts_at)
        for n in range(booking.hours):
            moment = at + dt.timedelta(hours=n)
            held[moment.date(), moment.hour] = booking
    days = [start + dt.timedelta(days=n) for n in range(7)]
    return [
        (f"{hour:02d}:00", [held.get((day, hour)) for day in days])
        for hour in range(space.opens_at.hour, space.closes_at.hour)
    ]


def _space_page(
    request: HttpRequest,
    space: Space,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> HttpResponse:
    start = _week_start(request)
    bookings = list(selectors.calendar_bookings(space, start, 7))
    today = clock.local_today()
    recent = selectors.space_usage([space], today - dt.timedelta(days=30), today + dt.timedelta(days=1))[0]
    purposes = dict(BookingPurpose.choices)
    context: dict[str, Any] = {
        "space": space,
        "days_label": weekdays_label(space.open_weekdays),
        "is_owner": owns_space(request.user, space),
        "week": start,
        "days": [start + dt.timedelta(days=n) for n in range(7)],
        "prev_week": start - dt.timedelta(days=7),
        "next_week": start + dt.timedelta(days=7),
        "grid": _grid(space, start, bookings),
        "bookings": bookings,
        "usage": recent,
        "usage_purposes": [(purposes.get(k, k), v) for k, v in sorted(recent.by_purpose.items())],
        "purposes": BookingPurpose.choices,
        "hours": list(range(space.opens_at.hour, space.closes_at.hour + 1)),
        "form": form or {"day": (today + dt.timedelta(days=1)).isoformat()},
        "errors": errors or {},
        "clash": (errors or {}).get("__all__", ""),
    }
    status = 200 if not errors else 422
    return render(request, "web/volunteers/space.html", context, status=status)


@login_required
@not_found_as_404
def space(request: HttpRequest, space_id: int) -> HttpResponse:
    return _space_page(request, access_space_by_id(request.user, space_id))


def _moment(day: str, hour: str, field: str) -> dt.datetime:
    try:
        value = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(int(hour)))
    except ValueError:
        raise ValidationError({field: gettext("请选择日期和整点时间")}) from None
    return timezone.make_aware(value)


@require_POST
@login_required
@not_found_as_404
def book_space(request: HttpRequest, space_id: int) -> HttpResponse:
    space = access_space_by_id(request.user, space_id)
    post = request.POST
    form = {k: post.get(k, "") for k in ("day", "start", "end", "purpose", "title", "organiser", "attendees")}
    try:
        try:
            attendees = int(form["attendees"])
        except ValueError:
            raise ValidationError({"attendees": gettext("请填写参加人数")}) from None
        booking = booking_create(
            actor=request.user,
            space=space,
            starts_at=_moment(form["day"], form["start"], "starts_at"),
            ends_at=_moment(form["day"], form["end"], "ends_at"),
            purpose=form["purpose"],
            title=form["title"],
            organiser=form["organiser"],
            attendees=attendees,
        )
    except ValidationError as exc:
        errors = {k: " ".join(v) for k, v in exc.message_dict.items()}
        return _space_page(request, space, form=form, errors=errors)
    except DomainError as exc:
        return _space_page(request, space, form=form, errors={"__all__": exc.message})
    messages.success(
        request,
        gettext("已预约“%(title)s”:%(status)s")
        % {"title": booking.title, "status": booking.get_status_display()},
    )
    week = timezone.localtime(booking.starts_at).date().isoformat()
    return redirect(reverse("web:volunteers_space", kwargs={"space_id": space.pk}) + f"?week={week}")


@require_POST
@login_required
@not_found_as_404
def move_booking(request: HttpRequest, booking_id: int, action: str) -> HttpResponse:
    booking = access_booking_by_id(request.user, booking_id)
    try:
        moved = BookingWorkflow.apply(
            obj=booking.pk, action=action, actor=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, gettext("操作未完成:%(text)s") % {"text": validation_text(exc)})
    except DomainError as exc:
        messages.error(request, gettext("操作未完成:%(text)s") % {"text": exc.message})
    else:
        messages.success(
            request,
            gettext("“%(title)s”:%(status)s") % {"title": moved.title, "status": moved.get_status_display()},
        )
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect(reverse("web:volunteers_spaces"))
