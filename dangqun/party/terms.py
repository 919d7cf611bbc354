"""换届选举: the terms of the organisations' committees. A 党支部 and a 党总支 are elected for 3 years,
a 基层党委 for 5 (党章, 中国共产党支部工作条例); the newest term is the current one. What the health
check reads: which organisations have no term on record, whose term has run out, and whose runs out
within six months (换届 is then prepared)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dangqun.orgs.models import PartyOrg, PartyOrgKind
from dangqun.party.dates import add_months
from dangqun.party.models import Term

TERM_YEARS: dict[str, int] = {
    PartyOrgKind.BRANCH: 3,
    PartyOrgKind.GENERAL_BRANCH: 3,
    PartyOrgKind.COMMITTEE: 5,
}
ELECTED_KINDS = frozenset(TERM_YEARS)
DUE_WITHIN_MONTHS = 6
MAX_BRANCH_COMMITTEE = 7  # a 支部委员会 has 3 to 5 members, never more than 7


@dataclass(frozen=True)
class CurrentTerm:
    """What the checks read of an organisation's newest term (rows, not model instances: a district
    holds thousands)."""

    elected_on: dt.date
    expires_on: dt.date
    committee_size: int


def current_terms(path: str, as_of: dt.date | None = None) -> dict[int, CurrentTerm]:
    """The newest term (elected by ``as_of``, when given) of every organisation in the subtree: one
    query, joined by the path."""
    qs = Term.objects.filter(org__path__subtree=path)
    if as_of is not None:
        qs = qs.filter(elected_on__lte=as_of)
    latest: dict[int, CurrentTerm] = {}
    rows = qs.order_by("org_id", "elected_on", "id").values_list(
        "org_id", "elected_on", "expires_on", "committee_size"
    )
    for org_id, elected_on, expires_on, size in rows:
        latest[org_id] = CurrentTerm(elected_on, expires_on, size)
    return latest


def terms_of(org: PartyOrg) -> list[Term]:
    return list(Term.objects.filter(org=org).order_by("-elected_on", "-id"))


def term_state(term: Term | CurrentTerm | None, today: dt.date) -> str:
    """``none``, ``expired``, ``due`` (runs out within six months) or ``current``."""
    if term is None:
        return "none"
    if term.expires_on < today:
        return "expired"
    if term.expires_on <= add_months(today, DUE_WITHIN_MONTHS):
        return "due"
    return "current"
