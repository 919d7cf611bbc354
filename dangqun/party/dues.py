"""党费: the national rule's bands, and the reads of the ledger (who paid which month, arrears,
advances, the six-months-unpaid flag) and of the per-organisation monthly summary.

Bands (monthly income after tax): on the job ≤ 3,000: 0.5 %; 3,000–5,000: 1 %; 5,000–10,000: 1.5 %;
> 10,000: 2 %. Retirees ≤ 5,000: 0.5 %, above: 1 %. Farmers, students and the unemployed pay a fixed
0.20 a month; members on 低保 are exempt.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

from django.db.models import BigIntegerField, Case, Count, FilteredRelation, Q, Sum, Value, When

from dangqun.core import clock
from dangqun.core.gcfreeze import gc_paused
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


@dataclass(slots=True)
class LedgerMember:
    """What the ledger shows of a member (read as rows: a district's ledger holds 100,000)."""

    pk: int
    name: str
    joined_on: dt.date | None
    party_org: PartyOrg


@dataclass(frozen=True, slots=True)
class LedgerBase:
    """A member's base for the year, as the ledger reads it (one object shared by the members with the
    same base)."""

    category: str
    monthly_amount: Decimal
    monthly_income: Decimal | None  # read for the Excel ledger only
    rate: Decimal | None  # read for the Excel ledger only

    @property
    def category_label(self) -> str:
        return str(DuesCategory(self.category).label)


_NO_AMOUNTS: Mapping[int, Decimal] = MappingProxyType({})


@dataclass(slots=True)
class LedgerRow:
    member: LedgerMember
    base: LedgerBase | None
    paid_months: frozenset[int] = frozenset()  # months of the year (1–12) paid
    paid_total: Decimal = Decimal(0)  # paid for the year's months
    amounts: Mapping[int, Decimal] = field(
        default_factory=lambda: _NO_AMOUNTS
    )  # month → amount (``with_amounts`` only)
    arrears: list[dt.date] = field(default_factory=list)  # months due and unpaid, up to this month
    advance: int = 0  # months paid beyond this month
    unpaid_run: int = 0  # months unpaid in a row, ending with last month

    @property
    def monthly_amount(self) -> Decimal:
        return self.base.monthly_amount if self.base else Decimal(0)

    @property
    def paid_flags(self) -> list[bool]:
        """Whether each month of the year (January first) is paid."""
        return [m in self.paid_months for m in range(1, 13)]

    @property
    def arrears_amount(self) -> Decimal:
        return self.monthly_amount * len(self.arrears)

    @property
    def six_months_unpaid(self) -> bool:
        return self.unpaid_run >= UNPAID_MONTHS_FLAG


def _members_q(org: PartyOrg, prefix: str = "") -> Q:
    """The active members of ``org`` (a 党小组's own, else the subtree's), as a filter on ``prefix``."""
    if org.kind == PartyOrgKind.GROUP:
        return Q(**{f"{prefix}status": MemberStatus.ACTIVE, f"{prefix}party_group": org})
    return Q(**{f"{prefix}status": MemberStatus.ACTIVE, f"{prefix}party_org__path__subtree": org.path})


def _month_mask(months: list[dt.date], column: str) -> Sum:
    """One bit per month of ``months`` a member paid (a member pays a month once)."""
    whens = [When(**{column: m}, then=Value(1 << i)) for i, m in enumerate(months)]
    return Sum(Case(*whens, default=Value(0), output_field=BigIntegerField()))


def _paid_months(
    mask: int,
    *,
    joined: dt.date | None,
    exempt: bool,
    months: list[dt.date],
    year: int,
    last_due: dt.date,
    run_months: list[dt.date],
) -> tuple[frozenset[int], list[dt.date], int]:
    """(months of the year paid, arrears, unpaid run) from a member's bits over ``months``."""
    paid = {m for i, m in enumerate(months) if mask >> i & 1}
    in_year = frozenset(m.month for m in paid if m.year == year)
    if exempt:  # a member on 低保 pays nothing
        return in_year, [], 0
    arrears = [
        m
        for m in months
        if m.year == year and m <= last_due and (joined is None or m >= joined) and m not in paid
    ]
    run = 0
    for month in run_months:
        if month in paid or (joined is not None and month < joined):
            break
        run += 1
    return in_year, arrears, run


def _year_amounts(org: PartyOrg, year: int, member_ids: list[int]) -> dict[int, dict[int, Decimal]]:
    """month → amount per member for the year (the Excel ledger's cells)."""
    whose = Q(member_id__in=member_ids) if len(member_ids) <= IDS_IN_LIST else _members_q(org, "member__")
    amounts: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for member_id, month, amount in (
        DuesPayment.objects.filter(whose, month__year=year)
        .order_by()
        .values_list("member_id", "month", "amount")
    ):
        amounts[member_id][month.month] = amount
    return amounts


# Beyond this many members the Excel ledger's amounts are read by the subtree's join rather than by a
# list of ids (SQLite refuses more than 32,766 parameters; a district holds 100,000 members).
IDS_IN_LIST = 5000


def dues_ledger(
    org: PartyOrg,
    year: int,
    today: dt.date | None = None,
    limit: int = 2000,
    *,
    with_amounts: bool = False,
) -> list[LedgerRow]:
    """Each active member of ``org``'s subtree with the year's base, the months paid, arrears (due
    months up to the current one, from the month they joined), advances and the unpaid run.

    One query reads it all, a row a member: the member, the year's base (a left join) and the
    payments aggregated in the database (a bit per month of the year and of the six months before
    this one, the year's total, the months paid beyond this one): a district's 1.1 million payments
    stay there. Members with the same bits and joining month share their arrears (read-only lists),
    members with the same base share one ``LedgerBase``. ``with_amounts`` (the Excel ledger) also
    reads each month's amount, and the base's income and rate."""
    with gc_paused():
        return _ledger(org, year, today or clock.local_today(), limit, with_amounts)


def _ledger(org: PartyOrg, year: int, today: dt.date, limit: int, with_amounts: bool) -> list[LedgerRow]:
    this_month = month_start(today)
    year_months = [dt.date(year, m, 1) for m in range(1, 13)]
    run_months = [shift_month(this_month, -n) for n in range(1, UNPAID_MONTHS_FLAG + 1)]
    months = sorted({*year_months, *run_months})
    # The income and the rate only for the Excel ledger (two decimals fewer a member to read).
    detail = ("base__monthly_income", "base__rate") if with_amounts else ()
    rows = list(
        PartyMember.objects.filter(_members_q(org))
        .annotate(
            base=FilteredRelation("dues_bases", condition=Q(dues_bases__year=year)),
            # Every payment from the window's first month on: the window's bits and the advances.
            paid=FilteredRelation("dues_payments", condition=Q(dues_payments__month__gte=months[0])),
        )
        .values_list(
            "pk", "name", "joined_on", "party_org_id", "base__category", "base__monthly_amount", *detail
        )
        .annotate(
            mask=_month_mask(months, "paid__month"),
            total=Sum(
                "paid__amount", filter=Q(paid__month__gte=year_months[0], paid__month__lte=year_months[-1])
            ),
            advance=Count("paid__id", filter=Q(paid__month__gt=this_month)),
        )
        .order_by("party_org__path", "name", "pk")[:limit]
    )
    org_ids = {r[3] for r in rows}
    orgs = PartyOrg.objects.only("pk", "code", "name", "path", "kind")
    by_id = {
        o.pk: o
        for o in (
            orgs.filter(pk__in=org_ids)
            if len(org_ids) <= IDS_IN_LIST
            else orgs.filter(path__subtree=org.path)
        )
    }
    amounts = _year_amounts(org, year, [r[0] for r in rows]) if with_amounts else {}
    last_due = min(this_month, year_months[-1])
    # A member who joined in the window's first month or before owes every month of it: as if unknown.
    window_joined = shift_month(months[0], 1)
    bases: dict[tuple[object, ...], LedgerBase] = {}
    shared: dict[tuple[int, dt.date | None, bool], tuple[frozenset[int], list[dt.date], int]] = {}
    ledger = []
    zero = Decimal(0)
    for pk, name, joined_on, org_id, category, monthly_amount, *rest in rows:
        *detail_values, mask, total, advance = rest
        base = None
        if category is not None:
            base_key = (category, monthly_amount, *detail_values)
            base = bases.get(base_key)
            if base is None:
                base = bases[base_key] = LedgerBase(
                    category, monthly_amount, *(detail_values or (None, None))
                )
        joined = None if joined_on is None or joined_on < window_joined else month_start(joined_on)
        mask = int(mask or 0)  # PostgreSQL sums a bigint as a numeric
        exempt = base is not None and not monthly_amount
        key = (mask, joined, exempt)
        facts = shared.get(key)
        if facts is None:
            facts = shared[key] = _paid_months(
                mask,
                joined=joined,
                exempt=exempt,
                months=months,
                year=year,
                last_due=last_due,
                run_months=run_months,
            )
        in_year, arrears, run = facts
        ledger.append(
            LedgerRow(
                LedgerMember(pk, name, joined_on, by_id[org_id]),
                base,
                in_year,
                total or zero,
                amounts.get(pk, _NO_AMOUNTS),
                arrears,
                advance,
                run,
            )
        )
    return ledger


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
