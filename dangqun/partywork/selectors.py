"""党员服务 reads: the 智慧导航 search (nearest first), a community's reported members and posts, a
member's reports and service hours, the unit's 双报到 feedback and the ranking of units."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from dangqun.orgs.models import PartyOrg
from dangqun.party.models import PartyMember
from dangqun.partywork.models import (
    MemberReport,
    NavPoint,
    ReportStatus,
    ServicePost,
    ServiceSignup,
    SignupStatus,
)

EARTH_KM = 6371.0088
KM_PER_DEG_LAT = 111.32
START_RADIUS_KM = 2.0
MAX_RADIUS_KM = 2000.0


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def nav_points(*, q: str = "", kind: str = "") -> QuerySet[NavPoint]:
    points = NavPoint.objects.filter(is_active=True).select_related("party_org")
    if kind:
        points = points.filter(kind=kind)
    if q:
        points = points.filter(Q(name__icontains=q) | Q(address__icontains=q))
    return points


@dataclass(frozen=True)
class Near:
    point: NavPoint
    km: float


def nearest(lat: float, lng: float, *, limit: int = 10, q: str = "", kind: str = "") -> list[Near]:
    """The ``limit`` nearest points, nearest first. One query on the (lat, lng) index for a box of
    half-width ``r``; every point within ``r`` km lies in that box, so when at least ``limit`` of the
    box's points are within ``r`` they are the nearest ones. Else ``r`` doubles (rarely: sparse areas)."""
    base = nav_points(q=q, kind=kind)
    radius = START_RADIUS_KM
    cos_lat = max(0.01, math.cos(math.radians(lat)))
    while True:
        dlat = radius / KM_PER_DEG_LAT
        dlng = radius / (KM_PER_DEG_LAT * cos_lat)
        rows = base.filter(lat__range=(lat - dlat, lat + dlat), lng__range=(lng - dlng, lng + dlng))
        found = sorted(
            (Near(p, distance_km(lat, lng, p.lat, p.lng)) for p in rows), key=lambda n: (n.km, n.point.pk)
        )
        if radius >= MAX_RADIUS_KM or sum(1 for n in found if n.km <= radius) >= limit:
            return found[:limit]
        radius *= 2


def community_reports(org: PartyOrg, status: str = "") -> QuerySet[MemberReport]:
    reports = MemberReport.objects.select_related("member", "unit_org", "community_org").filter(
        community_org=org
    )
    return reports.filter(status=status) if status else reports


def community_posts(org: PartyOrg) -> QuerySet[ServicePost]:
    return ServicePost.objects.filter(community_org=org).annotate(
        taken=Count("signups", filter=~Q(signups__status=SignupStatus.CANCELLED))
    )


def post_signups(post: ServicePost) -> QuerySet[ServiceSignup]:
    return post.signups.select_related("member", "member__party_org").order_by("id")


def member_reports(member: PartyMember) -> QuerySet[MemberReport]:
    return MemberReport.objects.select_related("community_org", "unit_org").filter(member=member)


def member_signups(member: PartyMember) -> QuerySet[ServiceSignup]:
    return (
        ServiceSignup.objects.select_related("post", "post__community_org")
        .filter(member=member)
        .order_by("-post__date", "-id")
    )


def open_posts_for_member(member: PartyMember) -> QuerySet[ServicePost]:
    """Open posts of the communities the member is reported in to, with the seats taken."""
    orgs = list(
        MemberReport.objects.filter(member=member, status=ReportStatus.ACCEPTED).values_list(
            "community_org_id", flat=True
        )
    )
    return (
        ServicePost.objects.select_related("community_org")
        .filter(community_org__in=orgs, status="open")
        .annotate(taken=Count("signups", filter=~Q(signups__status=SignupStatus.CANCELLED)))
        .order_by("date", "id")
    )


def member_hours(member: PartyMember, year: int) -> Decimal:
    total = ServiceSignup.objects.filter(
        member=member, status=SignupStatus.CONFIRMED, post__date__year=year
    ).aggregate(h=Sum("hours"))["h"]
    return total or Decimal(0)


@dataclass(frozen=True)
class MemberHours:
    member_id: int
    name: str
    community: str
    report_status: str
    hours: Decimal
    services: int


def unit_feedback(unit: PartyOrg, year: int) -> list[MemberHours]:
    """双报到 feedback to the member's own unit: each reported member's confirmed hours in ``year``."""
    reports = (
        MemberReport.objects.filter(unit_org=unit)
        .exclude(status__in=[ReportStatus.DECLINED, ReportStatus.WITHDRAWN])
        .select_related("member", "community_org")
        .order_by("member_id", "-id")
    )
    confirmed = Q(service_signups__status=SignupStatus.CONFIRMED, service_signups__post__date__year=year)
    totals = {
        row["pk"]: row
        for row in PartyMember.objects.filter(pk__in=reports.values("member"))
        .annotate(
            h=Sum("service_signups__hours", filter=confirmed), n=Count("service_signups", filter=confirmed)
        )
        .values("pk", "h", "n")
    }
    out: dict[int, MemberHours] = {}
    for r in reports:
        if r.member_id in out:
            continue
        t: Any = totals.get(r.member_id, {})
        out[r.member_id] = MemberHours(
            member_id=r.member_id,
            name=r.member.name,
            community=r.community_org.name,
            report_status=r.get_status_display(),
            hours=t.get("h") or Decimal(0),
            services=t.get("n") or 0,
        )
    return sorted(out.values(), key=lambda m: (-m.hours, m.member_id))


@dataclass(frozen=True)
class UnitRank:
    rank: int
    code: str
    name: str
    reported: int
    hours: Decimal
    per_member: Decimal


def unit_ranking(year: int, *, limit: int = 50) -> list[UnitRank]:
    """Units ranked by the confirmed service hours of their reported members in ``year``."""
    rows = (
        MemberReport.objects.filter(status__in=[ReportStatus.ACCEPTED, ReportStatus.ENDED])
        .values("unit_org", "unit_org__code", "unit_org__name")
        .annotate(reported=Count("member", distinct=True))
    )
    hours = dict(
        ServiceSignup.objects.filter(status=SignupStatus.CONFIRMED, post__date__year=year)
        .values("report__unit_org")
        .annotate(h=Sum("hours"))
        .values_list("report__unit_org", "h")
    )
    ranked = []
    for r in rows:
        h = hours.get(r["unit_org"]) or Decimal(0)
        per = (h / r["reported"]).quantize(Decimal("0.1")) if r["reported"] else Decimal(0)
        ranked.append((r["unit_org__code"], r["unit_org__name"], r["reported"], h, per))
    ranked.sort(key=lambda x: (-x[3], x[0]))
    return [
        UnitRank(rank=i + 1, code=c, name=n, reported=rep, hours=h, per_member=per)
        for i, (c, n, rep, h, per) in enumerate(ranked[:limit])
    ]
