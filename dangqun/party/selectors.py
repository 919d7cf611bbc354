"""Reads of the party side: the meeting plan (what is due, what was held, completion rates), the
overdue list, meetings, members and transfers. Callers pass objects loaded by ``party.access``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dangqun.core import clock
from dangqun.orgs.models import PartyOrg, PartyOrgKind
from dangqun.party.meeting_rules import BRANCH_KINDS, DUE_EVERY, Period, kinds_for, period_of, periods
from dangqun.party.models import Meeting, MeetingKind, MemberStatus, PartyMember, Transfer, TransferStatus

DONE, DUE, OVERDUE = "done", "due", "overdue"


@dataclass(frozen=True)
class Slot:
    """One meeting due at one organisation in one period, and whether it was held."""

    org: PartyOrg
    kind: str
    period: Period
    status: str  # done / due (the period is running) / overdue (it ended unheld)
    held: int  # meetings of the kind held in the period

    @property
    def kind_label(self) -> str:
        return str(MeetingKind(self.kind).label)


@dataclass
class BranchPlan:
    branch: PartyOrg
    slots: list[Slot] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(1 for s in self.slots if s.status == DONE)

    @property
    def total(self) -> int:
        return len(self.slots)

    @property
    def rate(self) -> float:
        """Share of the due meetings held so far (1.0 when nothing is due yet)."""
        return round(self.done / self.total, 4) if self.total else 1.0

    @property
    def overdue(self) -> list[Slot]:
        return [s for s in self.slots if s.status == OVERDUE]


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime(year, 1, 1, tzinfo=tz),
        dt.datetime(year + 1, 1, 1, tzinfo=tz),
    )


def meeting_plan(root: PartyOrg, year: int, today: dt.date | None = None) -> list[BranchPlan]:
    """Every branch in ``root``'s subtree (``root`` itself when it is one) with its due meetings of
    ``year`` up to ``today``: its own kinds at the branch and 党小组会 at each of its groups.
    Three queries whatever the size of the subtree."""
    today = today or clock.local_today()
    orgs = list(
        PartyOrg.objects.filter(
            path__subtree=root.path,
            is_active=True,
            kind__in=[*BRANCH_KINDS, PartyOrgKind.GROUP],
        ).order_by("path")
    )
    if root.kind == PartyOrgKind.GROUP:
        orgs = [root]
    start, end = _year_bounds(year)
    held: dict[tuple[int, str, str], int] = defaultdict(int)
    rows = Meeting.objects.filter(
        org__path__subtree=root.path, held_at__gte=start, held_at__lt=end
    ).values_list("org_id", "kind", "held_at")
    for org_id, kind, held_at in rows:
        day = timezone.localtime(held_at).date()
        held[(org_id, kind, period_of(DUE_EVERY[kind], day))] += 1
    plans: dict[int, BranchPlan] = {}
    for org in orgs:
        if org.kind in BRANCH_KINDS:
            plans[org.pk] = BranchPlan(branch=org)
    for org in orgs:
        plan = plans.get(org.pk) or plans.get(org.parent_id or 0)
        if plan is None:  # a group outside the branches read (a group asked for alone)
            plan = plans.setdefault(org.pk, BranchPlan(branch=org))
        for kind in kinds_for(org.kind):
            for period in periods(DUE_EVERY[kind], year):
                if period.start > today:
                    continue
                n = held.get((org.pk, kind, period.key), 0)
                status = DONE if n else (OVERDUE if period.end < today else DUE)
                plan.slots.append(Slot(org=org, kind=kind, period=period, status=status, held=n))
    return list(plans.values())


def plan_totals(plans: list[BranchPlan]) -> tuple[int, int, float]:
    done = sum(p.done for p in plans)
    total = sum(p.total for p in plans)
    return done, total, round(done / total, 4) if total else 1.0


def overdue_slots(plans: list[BranchPlan]) -> list[Slot]:
    """What the branches under an organisation owe, oldest period first (the overdue list)."""
    slots = [s for p in plans for s in p.overdue]
    return sorted(slots, key=lambda s: (s.period.start, s.org.path, s.kind))


def meetings_of(org: PartyOrg, year: int | None = None) -> QuerySet[Meeting]:
    qs = Meeting.objects.select_related("org").filter(org__path__subtree=org.path)
    if year is not None:
        start, end = _year_bounds(year)
        qs = qs.filter(held_at__gte=start, held_at__lt=end)
    return qs.order_by("-held_at", "-id")


def meeting_attendance(meeting: Meeting) -> list[tuple[PartyMember, bool, str]]:
    return [
        (a.member, a.present, a.reason)
        for a in meeting.attendance.select_related("member").order_by("-present", "member__name", "member_id")
    ]


def members_of(org: PartyOrg) -> QuerySet[PartyMember]:
    """Active members whose organisational relation is in ``org``'s subtree (a group: its members)."""
    qs = PartyMember.objects.select_related("party_org", "party_group").filter(status=MemberStatus.ACTIVE)
    if org.kind == PartyOrgKind.GROUP:
        return qs.filter(party_group=org).order_by("name", "id")
    return qs.filter(party_org__path__subtree=org.path).order_by("party_org__path", "name", "id")


def member_counts(org: PartyOrg) -> dict[str, int]:
    counts = (
        members_of(org)
        .order_by()
        .aggregate(total=Count("id"), probationary=Count("id", filter=Q(is_probationary=True)))
    )
    return {"total": counts["total"], "full": counts["total"] - counts["probationary"], **counts}


def transfers_of(org: PartyOrg) -> tuple[QuerySet[Transfer], QuerySet[Transfer]]:
    """(incoming, outgoing) transfers of ``org``'s subtree, newest first."""
    base = Transfer.objects.select_related("member", "from_org", "to_org").order_by("-issued_on", "-id")
    return (
        base.filter(to_org__path__subtree=org.path),
        base.filter(from_org__path__subtree=org.path),
    )


def pending_transfer(member: PartyMember) -> Transfer | None:
    return member.transfers.filter(status=TransferStatus.ISSUED).first()


def member_history(member: PartyMember) -> QuerySet[Transfer]:
    """Every transfer of the member, oldest first (the member's moves between organisations)."""
    return member.transfers.select_related("from_org", "to_org").order_by("issued_on", "id")


def member_meetings(member: PartyMember) -> QuerySet[Any]:
    """The member's meeting attendance rows (with their meetings), newest first."""
    return member.meeting_attendance.select_related("meeting", "meeting__org").order_by("-meeting__held_at")


def receiving_org(code: str | None) -> PartyOrg | None:
    """The receiving organisation a transfer form names by code (none: out of the deployment); an
    unknown code is a 422 on ``to_org``."""
    code = (code or "").strip()
    if not code:
        return None
    org = PartyOrg.objects.filter(code=code, is_active=True).first()
    if org is None:
        raise ValidationError({"to_org": _("未知党组织编码: %(code)s") % {"code": code}})
    return org
