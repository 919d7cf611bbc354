"""党内统计年报: the annual statistics of an organisation's subtree for one year, as of 31 December
(as of today for the running year).

The members on the rolls at that day (those who had joined and had not left by then; a member who
left later is still counted) by sex, age band, education, ethnicity, occupation and years in the
Party; the year's changes (发展, 转入 and 转出 across the subtree's edge, 死亡, 出党 and other
decreases); the organisations by kind; and the branches with 7 or more full members that must have a
支部委员会 (正式党员7人以上的支部应设支委会), with those that have none (no elected committee of three or
more on record, and no 支委会 held that year).

A handful of queries whatever the size of the subtree: every count is an aggregate grouped in the
database and joined by the subtree's path (never an ``__in`` list of ids, which SQLite caps at
32,766 parameters); age and years in the Party are banded in SQL.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangqun.core import clock
from dangqun.orgs.models import PartyOrg, PartyOrgKind
from dangqun.party.dates import add_months
from dangqun.party.meeting_rules import BRANCH_KINDS
from dangqun.party.models import (
    OUT_OF_PARTY,
    Development,
    LeaveReason,
    Meeting,
    MeetingKind,
    MemberStatus,
    PartyMember,
    Transfer,
    TransferStatus,
)
from dangqun.party.terms import current_terms

HAN = "汉族"  # i18n: data - the ethnicity stored for the majority
COMMITTEE_FROM = 7  # full members from which a branch must have a 支部委员会
COMMITTEE_MIN_SIZE = 3

# (the highest age in the band, its label); the last band is open.
AGE_BANDS: tuple[tuple[int, Promise], ...] = (
    (30, gettext_lazy("30岁及以下")),
    (35, gettext_lazy("31至35岁")),
    (40, gettext_lazy("36至40岁")),
    (45, gettext_lazy("41至45岁")),
    (50, gettext_lazy("46至50岁")),
    (55, gettext_lazy("51至55岁")),
    (60, gettext_lazy("56至60岁")),
    (70, gettext_lazy("61至70岁")),
    (80, gettext_lazy("71至80岁")),
    (999, gettext_lazy("81岁及以上")),
)
# (the most whole years in the Party in the band, its label).
STANDING_BANDS: tuple[tuple[int, Promise], ...] = (
    (5, gettext_lazy("5年及以下")),
    (10, gettext_lazy("6至10年")),
    (20, gettext_lazy("11至20年")),
    (30, gettext_lazy("21至30年")),
    (40, gettext_lazy("31至40年")),
    (50, gettext_lazy("41至50年")),
    (999, gettext_lazy("51年及以上")),
)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    count: int


@dataclass
class AnnualStatistics:
    org: PartyOrg
    year: int
    as_of: dt.date
    total: int = 0
    full: int = 0
    probationary: int = 0
    by_gender: list[Row] = field(default_factory=list)
    by_age: list[Row] = field(default_factory=list)
    by_education: list[Row] = field(default_factory=list)
    by_ethnicity: list[Row] = field(default_factory=list)
    minority: int = 0
    by_occupation: list[Row] = field(default_factory=list)
    by_standing: list[Row] = field(default_factory=list)
    developed: int = 0
    transferred_in: int = 0
    transferred_out: int = 0
    died: int = 0
    out_of_party: int = 0
    left_by_reason: list[Row] = field(default_factory=list)
    orgs_by_kind: list[Row] = field(default_factory=list)
    committee_required: int = 0
    committee_missing: list[PartyOrg] = field(default_factory=list)

    @property
    def committee_set(self) -> int:
        return self.committee_required - len(self.committee_missing)

    @property
    def left(self) -> int:
        return sum(r.count for r in self.left_by_reason)


def _banded(counter: Counter[int], unknown: int, bands: tuple[tuple[int, Promise], ...]) -> list[Row]:
    rows = [Row(str(i), str(label), counter[i]) for i, (_upper, label) in enumerate(bands)]
    if unknown:
        rows.append(Row("", _("未填"), unknown))
    return rows


def _values(counter: Counter[str]) -> list[Row]:
    """Free-text values (education, ethnicity, occupation) by count, the empty value last."""
    rows = [Row(k, k, n) for k, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])) if k]
    if counter.get(""):
        rows.append(Row("", _("未填"), counter[""]))
    return rows


def on_rolls_q(as_of: dt.date) -> Q:
    """Members on the rolls at the end of ``as_of``: joined by then, and active or left later."""
    joined = Q(joined_on__isnull=True) | Q(joined_on__lte=as_of)
    return joined & (Q(status=MemberStatus.ACTIVE) | Q(status=MemberStatus.LEFT, left_on__gt=as_of))


def _band_case(field: str, bands: tuple[tuple[int, Promise], ...], as_of: dt.date) -> Case:
    """The band index of a date column (birth or joining) in whole years to ``as_of``, in SQL: at
    most ``k`` years ⇔ the date is after ``as_of`` less ``k + 1`` years. -1 when the date is empty."""
    whens = [When(**{f"{field}__isnull": True}, then=Value(-1))]
    whens += [
        When(**{f"{field}__gt": add_months(as_of, -12 * (upper + 1))}, then=Value(i))
        for i, (upper, _label) in enumerate(bands[:-1])
    ]
    return Case(*whens, default=Value(len(bands) - 1), output_field=IntegerField())


def _members(stats: AnnualStatistics) -> None:
    """Every make-up count is one aggregate over the subtree's rolls, grouped in the database."""
    rolls = PartyMember.objects.filter(
        on_rolls_q(stats.as_of), party_org__path__subtree=stats.org.path
    ).order_by()

    def counts(column: str, expression: Any = None) -> Counter[Any]:
        qs = rolls.annotate(**{column: expression}) if expression is not None else rolls
        return Counter(dict(qs.values(column).annotate(n=Count("id")).values_list(column, "n")))

    genders = counts("gender")
    ages = counts("age_band", _band_case("birth_date", AGE_BANDS, stats.as_of))
    standing = counts("standing_band", _band_case("joined_on", STANDING_BANDS, stats.as_of))
    probationary = counts("is_probationary")
    ethnicities = counts("ethnicity")
    stats.total = sum(genders.values())
    stats.probationary = probationary[True]
    stats.full = stats.total - stats.probationary
    stats.by_gender = [Row("M", _("男"), genders["M"]), Row("F", _("女"), genders["F"])]
    stats.by_age = _banded(ages, ages[-1], AGE_BANDS)
    stats.by_standing = _banded(standing, standing[-1], STANDING_BANDS)
    stats.by_education = _values(counts("education"))
    stats.by_ethnicity = _values(ethnicities)
    stats.minority = sum(n for k, n in ethnicities.items() if k and k != HAN)
    stats.by_occupation = _values(counts("occupation"))


def _changes(stats: AnnualStatistics) -> None:
    path = stats.org.path
    tz = timezone.get_current_timezone()
    start = dt.datetime(stats.year, 1, 1, tzinfo=tz)
    end = dt.datetime(stats.year + 1, 1, 1, tzinfo=tz)
    stats.developed = Development.objects.filter(
        branch__path__subtree=path, admitted_on__year=stats.year
    ).count()
    accepted = Transfer.objects.filter(
        status=TransferStatus.ACCEPTED, decided_at__gte=start, decided_at__lt=end
    ).order_by()
    stats.transferred_in = (
        accepted.filter(to_org__path__subtree=path).exclude(from_org__path__subtree=path).count()
    )
    stats.transferred_out = (
        accepted.filter(from_org__path__subtree=path)
        .filter(Q(to_org__isnull=True) | ~Q(to_org__path__subtree=path))
        .count()
    )
    left = dict(
        PartyMember.objects.filter(
            party_org__path__subtree=path, status=MemberStatus.LEFT, left_on__year=stats.year
        )
        .order_by()
        .values("left_reason")
        .annotate(n=Count("id"))
        .values_list("left_reason", "n")
    )
    stats.left_by_reason = [Row(r.value, str(r.label), left.get(r.value, 0)) for r in LeaveReason]
    stats.died = left.get(LeaveReason.DEATH, 0)
    stats.out_of_party = sum(left.get(r, 0) for r in OUT_OF_PARTY)


def _orgs(stats: AnnualStatistics) -> None:
    path = stats.org.path
    kinds = dict(
        PartyOrg.objects.filter(path__subtree=path, is_active=True)
        .order_by()
        .values("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    stats.orgs_by_kind = [Row(k.value, str(k.label), kinds.get(k.value, 0)) for k in PartyOrgKind]
    full = dict(
        PartyMember.objects.filter(
            on_rolls_q(stats.as_of), party_org__path__subtree=path, is_probationary=False
        )
        .order_by()
        .values("party_org")
        .annotate(n=Count("id"))
        .values_list("party_org", "n")
    )
    branches = [
        b
        for b in PartyOrg.objects.filter(path__subtree=path, is_active=True, kind__in=BRANCH_KINDS)
        .only("pk", "code", "name", "path", "kind")
        .order_by("path")
        if full.get(b.pk, 0) >= COMMITTEE_FROM
    ]
    stats.committee_required = len(branches)
    with_committee = committees_on_record(path, stats.as_of)
    tz = timezone.get_current_timezone()
    met = set(
        Meeting.objects.filter(
            org__path__subtree=path,
            kind=MeetingKind.COMMITTEE,
            held_at__gte=dt.datetime(stats.year, 1, 1, tzinfo=tz),
            held_at__lt=dt.datetime(stats.year + 1, 1, 1, tzinfo=tz),
        )
        .order_by()
        .values_list("org_id", flat=True)
        .distinct()
    )
    stats.committee_missing = [b for b in branches if b.pk not in with_committee and b.pk not in met]


def committees_on_record(path: str, as_of: dt.date) -> set[int]:
    """Organisations of the subtree whose newest term elected by ``as_of`` has a committee of three or
    more (a 支部委员会, not a lone 书记)."""
    return {
        org_id
        for org_id, term in current_terms(path, as_of).items()
        if term.committee_size >= COMMITTEE_MIN_SIZE
    }


def annual_statistics(org: PartyOrg, year: int, today: dt.date | None = None) -> AnnualStatistics:
    today = today or clock.local_today()
    stats = AnnualStatistics(org=org, year=year, as_of=min(dt.date(year, 12, 31), today))
    _members(stats)
    _changes(stats)
    _orgs(stats)
    return stats
