"""结对帮扶 and 党员召集 reads: an organisation's pairings with their next visit due (overdue flagged),
its totals like the seeds' figures (members paired, families, problems solved, money), a pairing's
visits; a call-out's replies, a member's invitations; who shows the party badge (亮身份)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from dangqun.orgs.models import PartyOrg
from dangqun.party.models import PartyMember
from dangqun.partywork.models import (
    CallOut,
    CallOutReply,
    Pairing,
    PairingStatus,
    PairingVisit,
    PartyBadge,
    ReplyStatus,
)


def next_due(pairing: Pairing) -> dt.date:
    return (pairing.last_visit_on or pairing.started_on) + dt.timedelta(days=pairing.every_days)


def is_overdue(pairing: Pairing, today: dt.date) -> bool:
    return pairing.status == PairingStatus.ACTIVE and next_due(pairing) < today


def org_pairings(org: PartyOrg) -> QuerySet[Pairing]:
    """The pairings of the organisation's subtree, with their visit counts."""
    return (
        Pairing.objects.filter(org__path__subtree=org.path)
        .select_related("org", "member", "household", "household__building", "hardship_member")
        .annotate(visit_count=Count("visits"))
        .order_by("status", "last_visit_on", "id")
    )


def member_pairings(member: PartyMember) -> QuerySet[Pairing]:
    return (
        Pairing.objects.filter(member=member)
        .select_related("org", "household", "household__building", "hardship_member")
        .order_by("status", "id")
    )


def pairing_visits(pairing: Pairing) -> QuerySet[PairingVisit]:
    return pairing.visits.order_by("-visited_on", "-id")


@dataclass(frozen=True)
class PairingTotals:
    year: int
    pairings: int
    members: int
    families: int
    hardship_members: int
    visits: int
    problems_solved: int
    money: Decimal
    overdue: int


def org_totals(org: PartyOrg, year: int, today: dt.date) -> PairingTotals:
    """帮扶 totals of the organisation's subtree: active pairings, distinct members paired, families
    and 困难党员 helped; the year's visits, problems solved and money; overdue pairings now."""
    active = list(
        Pairing.objects.filter(org__path__subtree=org.path, status=PairingStatus.ACTIVE).values_list(
            "member_id", "household_id", "hardship_member_id", "last_visit_on", "started_on", "every_days"
        )
    )
    overdue = sum(
        1 for _m, _h, _k, last, start, every in active if (last or start) + dt.timedelta(days=every) < today
    )
    year_visits = PairingVisit.objects.filter(pairing__org__path__subtree=org.path, visited_on__year=year)
    sums = year_visits.aggregate(n=Count("id"), problems=Sum("problems_solved"), money=Sum("money"))
    return PairingTotals(
        year=year,
        pairings=len(active),
        members=len({m for m, *_rest in active if m}),
        families=len({h for _m, h, *_rest in active if h}),
        hardship_members=len({k for _m, _h, k, *_rest in active if k}),
        visits=sums["n"] or 0,
        problems_solved=sums["problems"] or 0,
        money=sums["money"] or Decimal(0),
        overdue=overdue,
    )


def org_callouts(org: PartyOrg) -> QuerySet[CallOut]:
    return (
        CallOut.objects.filter(org__path__subtree=org.path)
        .select_related("org")
        .annotate(
            coming=Count("replies", filter=Q(replies__status=ReplyStatus.ACCEPTED)),
            invited=Count("replies"),
        )
        .order_by("-starts_at", "-id")
    )


def callout_replies(callout: CallOut) -> QuerySet[CallOutReply]:
    return callout.replies.select_related("member", "member__party_org").order_by(
        "status", "member__name", "id"
    )


def callout_coming(callout: CallOut) -> int:
    return callout.replies.filter(status=ReplyStatus.ACCEPTED).count()


def member_invitations(member: PartyMember) -> QuerySet[CallOutReply]:
    return (
        CallOutReply.objects.filter(member=member)
        .select_related("callout", "callout__org")
        .annotate(coming=Count("callout__replies", filter=Q(callout__replies__status=ReplyStatus.ACCEPTED)))
        .order_by("-callout__starts_at", "-id")
    )


def badge_shown(member: PartyMember) -> bool:
    return PartyBadge.objects.filter(member=member, shown=True).exists()


def badge_users() -> set[int]:
    """The accounts linked to a party member who chose to show the party badge (亮身份): a small set,
    read once per page."""
    return set(
        PartyBadge.objects.filter(shown=True, member__user__isnull=False).values_list(
            "member__user_id", flat=True
        )
    )


@dataclass(frozen=True)
class RegionPanel:
    """The command views' 党员进社区 panel: the pairing totals of the party organisations leading the
    viewer's regions, and their open call-outs."""

    totals: PairingTotals | None
    open_callouts: int
    coming: int
    needed: int


def region_panel(region_paths: Iterable[str], year: int, today: dt.date) -> RegionPanel:
    orgs = list(PartyOrg.objects.filter(region__path__in=list(region_paths), is_active=True).order_by("path"))
    parts = [org_totals(org, year, today) for org in orgs]
    totals = None
    if parts:
        totals = PairingTotals(
            year=year,
            **{
                f: sum(getattr(p, f) for p in parts)
                for f in (
                    "pairings",
                    "members",
                    "families",
                    "hardship_members",
                    "visits",
                    "problems_solved",
                    "overdue",
                )
            },
            money=sum((p.money for p in parts), start=Decimal(0)),
        )
    q = Q()
    for org in orgs:
        q |= Q(org__path__startswith=org.path)
    live: dict[str, int | None] = {}
    if orgs:
        open_callouts = CallOut.objects.filter(q, status="open")
        live = open_callouts.aggregate(n=Count("id"), needed=Sum("needed"))
        live["coming"] = CallOutReply.objects.filter(
            callout__in=open_callouts, status=ReplyStatus.ACCEPTED
        ).count()
    return RegionPanel(
        totals=totals,
        open_callouts=live.get("n") or 0,
        coming=live.get("coming") or 0,
        needed=live.get("needed") or 0,
    )
