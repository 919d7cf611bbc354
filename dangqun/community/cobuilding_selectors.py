"""Reads of co-building: a region's 共建单位 with their 兼职委员, agreements and the ones to renew,
alliances with their members by field, pairings by kind, and joint meetings with their decisions'
progress."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from dangqun.community.access import (
    agreements_for,
    alliances_for,
    joint_meetings_for,
    pairings_for,
    responsibilities_for,
    units_for,
)
from dangqun.community.models import (
    Agreement,
    Alliance,
    CoUnit,
    JointMeeting,
    PairingKind,
    Responsibility,
    ResponsibilityStatus,
)
from dangqun.core import clock
from dangqun.regions.models import Region

RENEWAL_WINDOW_DAYS = 30


def agreement_state(agreement: Agreement, today: dt.date, renewed: bool) -> str:
    """生效 / 待续签 (ends within 30 days, not renewed) / 已续签 / 已到期 / 未生效, as a key."""
    if renewed:
        return "renewed"
    if agreement.ends_on < today:
        return "expired"
    if agreement.starts_on > today:
        return "pending"
    if agreement.ends_on <= today + dt.timedelta(days=RENEWAL_WINDOW_DAYS):
        return "renew_soon"
    return "active"


def region_agreements(user: object, region: Region) -> QuerySet[Agreement]:
    return agreements_for(user).filter(region__path__subtree=region.path).annotate(renewed=Count("renewal"))


def renewals_due(user: object, region: Region) -> QuerySet[Agreement]:
    """Agreements in force that end within 30 days and are not renewed yet (the reminder list)."""
    today = clock.local_today()
    return (
        region_agreements(user, region)
        .filter(ends_on__gte=today, ends_on__lte=today + dt.timedelta(days=RENEWAL_WINDOW_DAYS), renewal=None)
        .order_by("ends_on", "id")
    )


def region_units(user: object, region: Region) -> QuerySet[CoUnit]:
    return (
        units_for(user)
        .filter(region__path__subtree=region.path)
        .annotate(agreement_count=Count("agreements", distinct=True))
        .order_by("region__path", "id")
    )


def region_alliances(user: object, region: Region) -> QuerySet[Alliance]:
    return (
        alliances_for(user)
        .filter(region__path__subtree=region.path)
        .annotate(
            member_count=Count("members", distinct=True), meeting_count=Count("meetings", distinct=True)
        )
        .order_by("id")
    )


@dataclass(frozen=True)
class Overview:
    units: int
    agreements: int
    renewals_due: int
    alliances: int
    pairings: list[tuple[str, str, int]]  # (kind, label, count)
    meetings_year: int
    decisions_open: int
    decisions_overdue: int
    decisions_done: int


def overview(user: object, region: Region) -> Overview:
    today = clock.local_today()
    sub = {"region__path__subtree": region.path}
    pairings = dict(
        pairings_for(user)
        .filter(is_active=True, **sub)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    decisions = (
        responsibilities_for(user)
        .filter(meeting__isnull=False, **sub)
        .aggregate(
            open=Count("pk", filter=Q(status=ResponsibilityStatus.OPEN)),
            overdue=Count("pk", filter=Q(status=ResponsibilityStatus.OPEN, due_on__lt=today)),
            done=Count("pk", filter=Q(status=ResponsibilityStatus.DONE)),
        )
    )
    return Overview(
        units=units_for(user).filter(**sub).count(),
        agreements=agreements_for(user).filter(ends_on__gte=today, starts_on__lte=today, **sub).count(),
        renewals_due=renewals_due(user, region).count(),
        alliances=alliances_for(user).filter(is_active=True, **sub).count(),
        pairings=[(k, str(label), pairings.get(k, 0)) for k, label in PairingKind.choices],
        meetings_year=joint_meetings_for(user)
        .filter(held_on__gt=today - dt.timedelta(days=365), **sub)
        .count(),
        decisions_open=decisions["open"],
        decisions_overdue=decisions["overdue"],
        decisions_done=decisions["done"],
    )


def region_meetings(user: object, region: Region) -> QuerySet[JointMeeting]:
    return (
        joint_meetings_for(user)
        .filter(region__path__subtree=region.path)
        .annotate(
            decision_count=Count("decisions"),
            done_count=Count("decisions", filter=Q(decisions__status=ResponsibilityStatus.DONE)),
        )
        .order_by("-held_on", "-id")
    )


def meeting_decisions(meeting: JointMeeting) -> QuerySet[Responsibility]:
    return Responsibility.objects.filter(meeting=meeting).select_related("unit", "region").order_by("id")
