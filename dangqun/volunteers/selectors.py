"""Reads of the 志愿服务 app: a space's calendar and the usage figures of shared spaces."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils import timezone

from dangqun.volunteers.models import HOLDING_STATUSES, Booking, BookingSlot, BookingStatus, Space


def day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def calendar_bookings(space: Space, start: dt.date, days: int) -> QuerySet[Booking]:
    """The bookings holding hours of ``space`` in the ``days`` from ``start`` (pending and confirmed)."""
    since, until = day_start(start), day_start(start + dt.timedelta(days=days))
    return (
        Booking.objects.filter(
            space=space, status__in=HOLDING_STATUSES, starts_at__lt=until, ends_at__gt=since
        )
        .select_related("space")
        .order_by("starts_at")
    )


@dataclass
class Usage:
    """A space's use over a period: confirmed hours, against the hours it was open."""

    space: Space
    open_hours: int
    booked_hours: int = 0
    bookings: int = 0
    by_purpose: dict[str, int] = field(default_factory=dict)  # purpose → confirmed hours
    by_organiser: list[tuple[str, int]] = field(default_factory=list)  # the top users, by hours

    @property
    def rate(self) -> float:
        return round(100 * self.booked_hours / self.open_hours, 1) if self.open_hours else 0.0


def open_hours(space: Space, since: dt.date, until: dt.date) -> int:
    """The hours ``space`` is open on the days from ``since`` to ``until`` (exclusive)."""
    days = sum(
        1
        for n in range((until - since).days)
        if str((since + dt.timedelta(days=n)).isoweekday()) in space.open_weekdays
    )
    return days * space.open_hours_per_day


def space_usage(spaces: Iterable[Space], since: dt.date, until: dt.date, *, top: int = 5) -> list[Usage]:
    """Confirmed hours per space, purpose and organiser in [since, until): three grouped queries."""
    spaces = list(spaces)
    usage = {s.pk: Usage(space=s, open_hours=open_hours(s, since, until)) for s in spaces}
    slots = BookingSlot.objects.filter(
        space_id__in=list(usage),
        hour__gte=day_start(since),
        hour__lt=day_start(until),
        booking__status=BookingStatus.APPROVED,
    )
    for row in slots.values("space_id", "booking__purpose").annotate(n=Count("id")):
        item = usage[row["space_id"]]
        item.booked_hours += row["n"]
        item.by_purpose[row["booking__purpose"]] = row["n"]
    organisers: dict[int, Counter[str]] = defaultdict(Counter)
    for org_row in slots.values("space_id", "booking__organiser").annotate(n=Count("id")):
        organisers[org_row["space_id"]][org_row["booking__organiser"]] += org_row["n"]
    for count_row in slots.values("space_id").annotate(n=Count("booking_id", distinct=True)):
        usage[count_row["space_id"]].bookings = count_row["n"]
    for pk, counter in organisers.items():
        usage[pk].by_organiser = counter.most_common(top)
    return [usage[s.pk] for s in spaces]
