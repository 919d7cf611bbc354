"""Organisation rules, checked (党章 and the 支部工作条例): which organisations of a subtree break
them. Read from the members' counts in two queries:

- a branch with fewer than 3 full members should join others in a 联合党支部;
- a branch with more than 50 members may become a 党总支, one with 100 or more a 基层党委;
- a branch with 7 or more full members must have a 支部委员会 (its 支委会 meets monthly: none this
  quarter is flagged) of 3 to 5 people (a current term with fewer is ``committee_size``: 应设尽设),
  and every branch needs a 书记 on record;
- every 党支部, 党总支 and 基层党委 has an elected term on record (``no_term``), not run out
  (``term_expired``); one running out within six months is a reminder to prepare 换届 (``term_due``);
- an institution's organisation (机关事业单位, seed 000) has full-time party staff of at least 2 % of the
  unit's headcount (``party_staff``) and a 专职副书记 rotated after two terms (``full_time_deputy``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dangqun.core import clock
from dangqun.orgs.models import PartyOrg
from dangqun.party.meeting_rules import BRANCH_KINDS
from dangqun.party.models import Meeting, MeetingKind, MemberStatus, OrgStaffing, PartyMember, Term
from dangqun.party.terms import ELECTED_KINDS, CurrentTerm, current_terms, term_state

JOINT_BRANCH_BELOW = 3
COMMITTEE_FROM = 7
COMMITTEE_SIZE_MIN = 3
GENERAL_BRANCH_ABOVE = 50
BASE_COMMITTEE_FROM = 100
PARTY_STAFF_PERCENT = 2  # an institution's full-time party staff: at least 2 % of its headcount
DEPUTY_MAX_TERMS = 2  # an institution's 专职副书记 is rotated after two terms


@dataclass(frozen=True)
class Violation:
    org: PartyOrg
    rule: str
    text: str


def health_check(root: PartyOrg) -> list[Violation]:
    # Only what the rules and the listing read: a district holds thousands of organisations.
    elected = list(
        PartyOrg.objects.filter(path__subtree=root.path, kind__in=ELECTED_KINDS, is_active=True)
        .only("pk", "code", "name", "kind", "path", "secretary_name")
        .order_by("path")
    )
    branches = [o for o in elected if o.kind in BRANCH_KINDS]
    counts = {
        row["party_org"]: row
        for row in PartyMember.objects.filter(party_org__path__subtree=root.path, status=MemberStatus.ACTIVE)
        .order_by()
        .values("party_org")
        .annotate(total=Count("id"), full=Count("id", filter=Q(is_probationary=False)))
    }
    today = clock.local_today()
    quarter_start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    tz = timezone.get_current_timezone()
    since = dt.datetime(quarter_start.year, quarter_start.month, 1, tzinfo=tz)
    met: Counter[int] = Counter(
        Meeting.objects.filter(org__path__subtree=root.path, kind=MeetingKind.COMMITTEE, held_at__gte=since)
        .values_list("org_id", flat=True)
        .order_by()
    )
    terms = current_terms(root.path)
    out: list[Violation] = []
    for branch in branches:
        row = counts.get(branch.pk, {"total": 0, "full": 0})
        total, full = row["total"], row["full"]
        if full < JOINT_BRANCH_BELOW:
            out.append(
                Violation(
                    branch, "joint_branch", _("正式党员不足3人(%(n)s人),应联合成立党支部") % {"n": full}
                )
            )
        if total >= BASE_COMMITTEE_FROM:
            out.append(
                Violation(branch, "base_committee", _("党员%(n)s人,已达100人,应成立基层党委") % {"n": total})
            )
        elif total > GENERAL_BRANCH_ABOVE and branch.kind != "general_branch":
            out.append(
                Violation(branch, "general_branch", _("党员%(n)s人,超过50人,可成立党总支") % {"n": total})
            )
        if full >= COMMITTEE_FROM and not met[branch.pk] and today > quarter_start:
            out.append(
                Violation(
                    branch, "committee", _("正式党员%(n)s人,应设支部委员会,本季度未召开支委会") % {"n": full}
                )
            )
        term = terms.get(branch.pk)
        if full >= COMMITTEE_FROM and term is not None and term.committee_size < COMMITTEE_SIZE_MIN:
            out.append(
                Violation(
                    branch,
                    "committee_size",
                    _("正式党员%(n)s人,支部委员会应由3至5人组成(本届%(k)s人),应设尽设")
                    % {"n": full, "k": term.committee_size},
                )
            )
        if not branch.secretary_name:
            out.append(Violation(branch, "secretary", _("未配备党支部书记")))
    out.extend(term_violations(root, today, terms))
    out.extend(institution_violations(root, {o.pk: o for o in elected}))
    return out


def _required(headcount: int) -> int:
    return -(-headcount * PARTY_STAFF_PERCENT // 100)  # 2 %, rounded up, in integers


def required_party_staff(staffing: OrgStaffing) -> int:
    """The full-time party staff an institution needs (none is required of other units)."""
    return _required(staffing.headcount) if staffing.is_institution else 0


def institution_violations(root: PartyOrg, elected: dict[int, PartyOrg]) -> list[Violation]:
    """An institution's organisation (seed 000): full-time party staff at least 2 % of the unit's
    headcount (``party_staff``), and a 专职副书记 on its current term who has not already served two
    terms running (``full_time_deputy``: none on record, or one to rotate). Two queries: the subtree's
    institutions, then their terms."""
    staffing = {
        org_id: (headcount, staff)
        for org_id, headcount, staff in OrgStaffing.objects.filter(
            org__path__subtree=root.path, is_institution=True
        )
        .order_by()
        .values_list("org_id", "headcount", "party_staff")
        if org_id in elected
    }
    if not staffing:
        return []
    deputies: dict[int, list[str]] = {}  # newest term first
    for org_id, name in (
        Term.objects.filter(org_id__in=list(staffing))
        .order_by("org_id", "-elected_on", "-id")
        .values_list("org_id", "full_time_deputy")
    ):
        deputies.setdefault(org_id, []).append(name)
    out: list[Violation] = []
    for org_id, (headcount, staff) in sorted(staffing.items(), key=lambda kv: elected[kv[0]].path):
        org = elected[org_id]
        need = _required(headcount)
        if staff < need:
            out.append(
                Violation(
                    org,
                    "party_staff",
                    _("单位工作人员%(n)s人,专职党务工作人员应不少于2%%(%(need)s人),现有%(k)s人")
                    % {"n": headcount, "need": need, "k": staff},
                )
            )
        names = deputies.get(org_id, [])
        if not names:
            continue  # no term on record: the 换届 rules flag it
        current = names[0]
        if not current:
            out.append(Violation(org, "full_time_deputy", _("本届未配备专职副书记")))
            continue
        run = 0
        for name in names:
            if name != current:
                break
            run += 1
        if run > DEPUTY_MAX_TERMS:
            out.append(
                Violation(
                    org,
                    "full_time_deputy",
                    _("专职副书记%(name)s已连续任职%(n)s届,任满两届应当交流") % {"name": current, "n": run},
                )
            )
    return out


def term_violations(root: PartyOrg, today: dt.date, terms: dict[int, CurrentTerm]) -> list[Violation]:
    """换届: organisations with no term on record, a term run out, or one running out within six months
    (``terms``: the subtree's current terms, read once by ``health_check``)."""
    out: list[Violation] = []
    for org in PartyOrg.objects.filter(
        path__subtree=root.path, kind__in=ELECTED_KINDS, is_active=True
    ).order_by("path"):
        term = terms.get(org.pk)
        state = term_state(term, today)
        if state == "none":
            out.append(Violation(org, "no_term", _("没有换届选举记录")))
        elif state == "expired" and term is not None:
            out.append(
                Violation(org, "term_expired", _("任期已于%(day)s届满,应按期换届") % {"day": term.expires_on})
            )
        elif state == "due" and term is not None:
            out.append(
                Violation(org, "term_due", _("任期将于%(day)s届满,请做好换届准备") % {"day": term.expires_on})
            )
    return out
