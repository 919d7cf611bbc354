"""Reads of the 志愿服务 app: a volunteer's hours and star level, team totals, an activity's places;
a space's calendar and the usage figures of shared spaces."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from dangqun.volunteers.models import (
    HOLDING_STATUSES,
    PLACE_STATUSES,
    Activity,
    Booking,
    BookingSlot,
    BookingStatus,
    HoursEntry,
    SignUpStatus,
    Space,
    Team,
    Volunteer,
)


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


# --- hours and recognition -------------------------------------------------------------------------

# Star levels by confirmed hours (志愿服务记录与证明: 一星100小时 … 五星1500小时).
STAR_HOURS: tuple[int, ...] = (100, 300, 600, 1000, 1500)


@dataclass(frozen=True)
class Stars:
    hours: Decimal
    stars: int  # 0 to 5
    next_at: int | None  # the hours of the next star; None at five stars

    @property
    def to_next(self) -> Decimal:
        return Decimal(self.next_at) - self.hours if self.next_at is not None else Decimal(0)

    @property
    def progress(self) -> int:
        """Percent of the way from the current star's hours to the next star's."""
        if self.next_at is None:
            return 100
        base = STAR_HOURS[self.stars - 1] if self.stars else 0
        return int(100 * (self.hours - base) / (self.next_at - base))


def star_level(hours: Decimal) -> Stars:
    stars = sum(1 for threshold in STAR_HOURS if hours >= threshold)
    return Stars(hours=hours, stars=stars, next_at=STAR_HOURS[stars] if stars < len(STAR_HOURS) else None)


def volunteer_hours(volunteer: Volunteer) -> Decimal:
    total = HoursEntry.objects.filter(volunteer=volunteer).aggregate(h=Sum("hours"))["h"]
    return total or Decimal(0)


def hours_by_volunteer(volunteer_ids: Iterable[int]) -> dict[int, Decimal]:
    """Confirmed hours per volunteer: one grouped query over the ledger."""
    rows = (
        HoursEntry.objects.filter(volunteer_id__in=list(volunteer_ids))
        .values("volunteer_id")
        .annotate(h=Sum("hours"))
    )
    return {r["volunteer_id"]: r["h"] for r in rows}


@dataclass
class TeamTotals:
    members: int = 0
    hours: Decimal = Decimal(0)
    activities: int = 0


def team_totals(teams: Iterable[Team]) -> dict[int, TeamTotals]:
    """Per team: active members, confirmed hours and activities held (three grouped queries)."""
    out = {t.pk: TeamTotals() for t in teams}
    members = (
        Team.objects.filter(pk__in=list(out))
        .annotate(n=Count("memberships", filter=Q(memberships__status="active")))
        .values_list("pk", "n")
    )
    for pk, n in members:
        out[pk].members = n
    for row in HoursEntry.objects.filter(team_id__in=list(out)).values("team_id").annotate(h=Sum("hours")):
        out[row["team_id"]].hours = row["h"]
    held = Activity.objects.filter(team_id__in=list(out)).values("team_id").annotate(n=Count("id"))
    for team_id, n in held.values_list("team_id", "n"):
        if team_id is not None:
            out[team_id].activities = n
    return out


def with_places(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    """Activities annotated with ``taken`` (places held) and ``waiting`` (on the waiting list)."""
    return activities.annotate(
        taken=Count("signups", filter=Q(signups__status__in=PLACE_STATUSES)),
        waiting=Count("signups", filter=Q(signups__status=SignUpStatus.WAITING)),
    )
