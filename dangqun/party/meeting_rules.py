"""What organisational life is due, by the 中国共产党支部工作条例: the kinds of meeting, how often
each is due, and the periods of a year (month, quarter, year) a branch's meetings are counted in.

支部党员大会 and 党课 are due once a quarter, 支委会 and 主题党日 once a month, 组织生活会 and
民主评议党员 once a year, all at the branch (党支部 or 党总支); 党小组会 is due once a month at
every 党小组.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from dangqun.orgs.models import PartyOrgKind
from dangqun.party.models import MeetingKind

MONTH, QUARTER, YEAR = "month", "quarter", "year"

DUE_EVERY: dict[str, str] = {
    MeetingKind.ASSEMBLY: QUARTER,
    MeetingKind.COMMITTEE: MONTH,
    MeetingKind.GROUP: MONTH,
    MeetingKind.LECTURE: QUARTER,
    MeetingKind.THEME_DAY: MONTH,
    MeetingKind.LIFE_MEETING: YEAR,
    MeetingKind.REVIEW: YEAR,
}
BRANCH_KINDS = frozenset({PartyOrgKind.BRANCH, PartyOrgKind.GENERAL_BRANCH})
# The kinds a branch holds itself, and the one its 党小组 hold.
BRANCH_MEETING_KINDS = tuple(k for k in MeetingKind.values if k != MeetingKind.GROUP)
GROUP_MEETING_KINDS = (MeetingKind.GROUP.value,)


def kinds_for(org_kind: str) -> tuple[str, ...]:
    """The meeting kinds an organisation of ``org_kind`` records (none above the branches)."""
    if org_kind == PartyOrgKind.GROUP:
        return GROUP_MEETING_KINDS
    if org_kind in BRANCH_KINDS:
        return BRANCH_MEETING_KINDS
    return ()


@dataclass(frozen=True)
class Period:
    every: str
    year: int
    number: int  # month 1–12, quarter 1–4, or 1 for the year
    start: dt.date
    end: dt.date  # the last day

    @property
    def key(self) -> str:
        if self.every == MONTH:
            return f"{self.year}-{self.number:02d}"
        if self.every == QUARTER:
            return f"{self.year}-Q{self.number}"
        return str(self.year)

    @property
    def label(self) -> str:
        if self.every == MONTH:
            return _("%(year)s年%(month)s月") % {"year": self.year, "month": self.number}
        if self.every == QUARTER:
            return _("%(year)s年第%(quarter)s季度") % {"year": self.year, "quarter": self.number}
        return _("%(year)s年度") % {"year": self.year}


def _month_end(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def periods(every: str, year: int) -> list[Period]:
    if every == MONTH:
        return [Period(MONTH, year, m, dt.date(year, m, 1), _month_end(year, m)) for m in range(1, 13)]
    if every == QUARTER:
        return [
            Period(QUARTER, year, q, dt.date(year, 3 * q - 2, 1), _month_end(year, 3 * q))
            for q in range(1, 5)
        ]
    return [Period(YEAR, year, 1, dt.date(year, 1, 1), dt.date(year, 12, 31))]


def period_of(every: str, day: dt.date) -> str:
    """The key of the period ``day`` falls in."""
    if every == MONTH:
        return f"{day.year}-{day.month:02d}"
    if every == QUARTER:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return str(day.year)
