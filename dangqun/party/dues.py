"""党费: the national rule's bands, and the reads of the ledger (who paid which month, arrears,
advances, the six-months-unpaid flag) and of the per-organisation monthly summary.

Bands (monthly income after tax): on the job ≤ 3,000: 0.5 %; 3,000–5,000: 1 %; 5,000–10,000: 1.5 %;
> 10,000: 2 %. Retirees ≤ 5,000: 0.5 %, above: 1 %. Farmers, students and the unemployed pay a fixed
0.20 a month; members on 低保 are exempt.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, QuerySet, Sum

from dangqun.core import clock
from dangqun.orgs.models import PartyOrg, PartyOrgKind
from dangqun.party.meeting_rules import BRANCH_KINDS
from dangqun.party.models import DuesBase, DuesCategory, DuesPayment, MemberStatus, PartyMember

CENT = Decimal("0.01")
FIXED_AMOUNT = Decimal("0.20")
UNPAID_MONTHS_FLAG = 6  # the Party Constitution: six months unpaid without reason → 视为自行脱党

_ON_JOB_BANDS = (
    (Decimal(3000), Decimal("0.005")),
    (Decimal(5000), Decimal("0.01")),
    (Decimal(10000), Decimal("0.015")),
)
_ON_JOB_TOP = Decimal("0.02")
_RETIRED_BANDS = ((Decimal(5000), Decimal("0.005")),)
_RETIRED_TOP = Decimal("0.01")


def dues_rate(category: str, monthly_income: Decimal) -> tuple[Decimal, Decimal]:
    """(rate, monthly amount) for a category and a monthly income after tax."""
    if category in (DuesCategory.FARMER, DuesCategory.STUDENT, DuesCategory.UNEMPLOYED):
        return Decimal(0), FIXED_AMOUNT
    if category == DuesCategory.LOW_INCOME:
        return Decimal(0), Decimal(0)
    bands, top = (
        (_ON_JOB_BANDS, _ON_JOB_TOP) if category == DuesCategory.ON_JOB else (_RETIRED_BANDS, _RETIRED_TOP)
    )
    rate = next((r for limit, r in bands if monthly_income <= limit), top)
    return rate, (monthly_income * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def shift_month(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def parse_month(value: str) -> dt.date | None:
    """``"2026-03"`` → 1 March 2026 (``None`` for anything else)."""
    try:
        return dt.datetime.strptime(value.strip(), "%Y-%m").date()  # noqa: DTZ007 - a calendar month
    except (ValueError, AttributeError):
        return None


@dataclass
class LedgerRow:
    member: PartyMember
    base: DuesBase | None
    paid: dict[int, Decimal] = field(default_factory=dict)  # month number (of the year) → amount
    arrears: list[dt.date] = field(default_factory=list)  # months due and unpaid, up to this month
    advance: int = 0  # months paid beyond this month
    unpaid_run: int = 0  # months unpaid in a row, ending with last month

    @property
    def monthly_amount(self) -> Decimal:
        return self.base.monthly_amount if self.base else Decimal(0)

    @property
    def paid_total(self) -> Decimal:
        return sum(self.paid.values(), Decimal(0))

    @property
    def paid_flags(self) -> list[bool]:
        """Whether each month of the year (January first) is paid."""
        return [m in self.paid for m in range(1, 13)]

    @property
    def arrears_amount(self) -> Decimal:
        return self.monthly_amount * len(self.arrears)

    @property
    def six_months_unpaid(self) -> bool:
        return self.unpaid_run >= UNPAID_MONTHS_FLAG


def _members(org: PartyOrg) -> QuerySet[PartyMember]:
    qs = PartyMember.objects.select_related("party_org").filter(status=MemberStatus.ACTIVE)
    if org.kind == PartyOrgKind.GROUP:
        return qs.filter(party_group=org)
    return qs.filter(party_org__path__subtree=org.path)


def dues_ledger(org: PartyOrg, year: int, today: dt.date | None = None, limit: int = 2000) -> list[LedgerRow]:
    """Each active member of ``org``'s subtree with the year's base, the months paid, arrears (due
    months up to the current one, from the month they joined), advances and the unpaid run."""
    today = today or clock.local_today()
    this_month = month_start(today)
    members = list(_members(org).order_by("party_org__path", "name", "id")[:limit])
    ids = [m.pk for m in members]
    bases = {b.member_id: b for b in DuesBase.objects.filter(member_id__in=ids, year=year)}
    window_start = min(dt.date(year, 1, 1), shift_month(this_month, -UNPAID_MONTHS_FLAG))
    paid: dict[int, dict[dt.date, Decimal]] = defaultdict(dict)
    for member_id, month, amount in DuesPayment.objects.filter(
        member_id__in=ids, month__gte=window_start
    ).values_list("member_id", "month", "amount"):
        paid[member_id][month] = amount
    last_due = min(this_month, dt.date(year, 12, 1))
    rows = []
    for member in members:
        mine = paid.get(member.pk, {})
        row = LedgerRow(member=member, base=bases.get(member.pk))
        row.paid = {m.month: a for m, a in mine.items() if m.year == year}
        first = dt.date(year, 1, 1)
        if member.joined_on and month_start(member.joined_on) > first:
            first = month_start(member.joined_on)
        exempt = row.base is not None and row.base.monthly_amount == 0
        month = first
        while month <= last_due and not exempt:
            if month not in mine:
                row.arrears.append(month)
            month = shift_month(month, 1)
        row.advance = sum(1 for m in mine if m > this_month)
        run, month = 0, shift_month(this_month, -1)
        while (
            not exempt
            and run < UNPAID_MONTHS_FLAG
            and month not in mine
            and (member.joined_on is None or month >= month_start(member.joined_on))
        ):
            run, month = run + 1, shift_month(month, -1)
        row.unpaid_run = run
        rows.append(row)
    return rows


@dataclass(frozen=True)
class MonthSummary:
    org: PartyOrg
    members: int
    expected: Decimal  # the month's amounts due (members with a base)
    paid_members: int
    collected: Decimal  # paid for the month (remitted upward in full)


def dues_summary(org: PartyOrg, month: dt.date) -> list[MonthSummary]:
    """Per branch of ``org``'s subtree: members, the month's expected amount, who paid and what was
    collected for the month (four aggregate queries whatever the subtree's size)."""
    branches = list(
        PartyOrg.objects.filter(path__subtree=org.path, kind__in=BRANCH_KINDS, is_active=True).order_by(
            "path"
        )
    )
    active = PartyMember.objects.filter(status=MemberStatus.ACTIVE, party_org__path__subtree=org.path)
    members = dict(active.order_by().values_list("party_org").annotate(n=Count("id")))
    expected = dict(
        DuesBase.objects.filter(member__in=active, year=month.year)
        .order_by()
        .values_list("member__party_org")
        .annotate(s=Sum("monthly_amount"))
    )
    payments = (
        DuesPayment.objects.filter(member__in=active, month=month)
        .order_by()
        .values("member__party_org")
        .annotate(n=Count("id"), s=Sum("amount"))
    )
    paid = {p["member__party_org"]: (p["n"], p["s"]) for p in payments}
    return [
        MonthSummary(
            org=b,
            members=members.get(b.pk, 0),
            expected=expected.get(b.pk) or Decimal(0),
            paid_members=paid.get(b.pk, (0, Decimal(0)))[0],
            collected=paid.get(b.pk, (0, Decimal(0)))[1] or Decimal(0),
        )
        for b in branches
    ]
