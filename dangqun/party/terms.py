"""换届选举: the terms of the organisations' committees. A 党支部 and a 党总支 are elected for 3 years,
a 基层党委 for 5 (党章, 中国共产党支部工作条例); the newest term is the current one. What the health
check reads: which organisations have no term on record, whose term has run out, and whose runs out
within six months (换届 is then prepared)."""

from __future__ import annotations

import datetime as dt

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


def current_terms(path: str) -> dict[int, Term]:
    """The newest term of every organisation in the subtree (one query, joined by the path)."""
    latest: dict[int, Term] = {}
    for term in Term.objects.filter(org__path__subtree=path).order_by("org_id", "elected_on", "id"):
        latest[term.org_id] = term
    return latest


def terms_of(org: PartyOrg) -> list[Term]:
    return list(Term.objects.filter(org=org).order_by("-elected_on", "-id"))


def term_state(term: Term | None, today: dt.date) -> str:
    """``none``, ``expired``, ``due`` (runs out within six months) or ``current``."""
    if term is None:
        return "none"
    if term.expires_on < today:
        return "expired"
    if term.expires_on <= add_months(today, DUE_WITHIN_MONTHS):
        return "due"
    return "current"
