"""Recording an election (换届选举): the new term of an organisation's committee; and the unit's
staffing (headcount and full-time party staff) that the institution rules read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.workflow import Actor
from dangqun.orgs.models import PartyOrg
from dangqun.party.dates import add_months
from dangqun.party.events import PartyEvent
from dangqun.party.meeting_rules import BRANCH_KINDS
from dangqun.party.models import OrgStaffing, Term
from dangqun.party.services.common import bounded_text, org_in_scope
from dangqun.party.terms import ELECTED_KINDS, MAX_BRANCH_COMMITTEE, TERM_YEARS

EARLIEST = dt.date(1921, 7, 1)


def _date(value: Any, field: str) -> dt.date:
    day = value if isinstance(value, dt.date) else parse_date(str(value or "").strip() or "-")
    if day is None:
        raise ValidationError({field: _("请填写日期(YYYY-MM-DD)")})
    if day > clock.local_today():
        raise ValidationError({field: _("选举日期不能晚于今天")})
    if day < EARLIEST:
        raise ValidationError({field: _("选举日期过早")})
    return day


def _names(values: Iterable[Any] | str, field: str) -> list[str]:
    if isinstance(values, str):
        values = values.replace("，", ",").replace("、", ",").split(",")  # i18n: data
    names = [bounded_text(v, field, required=False, limit=50) for v in values]
    return [n for n in names if n]


@transaction.atomic
def term_record(
    *,
    actor: Actor,
    org: PartyOrg,
    elected_on: Any,
    secretary: str,
    deputies: Iterable[Any] | str = (),
    members: Iterable[Any] | str = (),
    term_years: Any = None,
    note: str = "",
    full_time_deputy: str = "",
) -> Term:
    """Record an elected term: its date, length (3 years for a branch or 党总支, 5 for a 基层党委 by
    default), the secretary, deputies and other members. The newest term's secretary becomes the
    organisation's 书记 on record."""
    org_in_scope(actor, org)
    if org.kind not in ELECTED_KINDS:
        raise ValidationError({"org": _("只有党支部、党总支和基层党委登记换届选举")})
    day = _date(elected_on, "elected_on")
    try:
        years = TERM_YEARS[org.kind] if term_years in (None, "") else int(term_years)
    except (TypeError, ValueError):
        raise ValidationError({"term_years": _("任期须为1至5年")}) from None
    if not 1 <= years <= 5:
        raise ValidationError({"term_years": _("任期须为1至5年")})
    secretary = bounded_text(secretary, "secretary", required=True, limit=50)
    deputy_names = _names(deputies, "deputies")
    member_names = _names(members, "members")
    full_time = bounded_text(full_time_deputy, "full_time_deputy", required=False, limit=50)
    if full_time and full_time not in deputy_names:
        deputy_names.append(full_time)  # the 专职副书记 is one of the deputies
    everyone = [secretary, *deputy_names, *member_names]
    if len(set(everyone)) != len(everyone):
        raise ValidationError({"members": _("同一人不能在委员会中重复出现")})
    if org.kind in BRANCH_KINDS and len(everyone) > MAX_BRANCH_COMMITTEE:
        raise ValidationError({"members": _("支部委员会不超过7人")})
    note = bounded_text(note, "note", required=False, limit=200)
    if Term.objects.filter(org=org, elected_on=day).exists():
        raise ValidationError({"elected_on": _("该日期的换届选举已登记")})
    newest = not Term.objects.filter(org=org, elected_on__gt=day).exists()
    term = Term.objects.create(
        org=org,
        elected_on=day,
        term_years=years,
        expires_on=add_months(day, 12 * years),
        secretary=secretary,
        deputies=deputy_names,
        members=member_names,
        full_time_deputy=full_time,
        committee_size=len(everyone),
        note=note,
        recorded_by=actor if actor is not None and actor.pk else None,  # type: ignore[misc]
    )
    if newest and org.secretary_name != secretary:
        org.secretary_name = secretary
        org.save(update_fields=["secretary_name", "updated_at"])
    record_event(
        actor=actor,
        event_type=PartyEvent.TERM_RECORDED,
        target=term,
        data={
            "org": org.code,
            "elected_on": day.isoformat(),
            "term_years": years,
            "committee_size": len(everyone),
            "full_time_deputy": bool(full_time),
            "current": newest,
        },
    )
    return term


def _count(value: Any, field: str) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({field: _("须为不小于0的整数")}) from None
    if number < 0:
        raise ValidationError({field: _("须为不小于0的整数")})
    return number


@transaction.atomic
def org_staffing_set(
    *, actor: Actor, org: PartyOrg, is_institution: bool, headcount: Any, party_staff: Any
) -> OrgStaffing:
    """Record the unit behind an organisation: an institution or not, its headcount and its full-time
    party staff (the health check holds an institution to 2 %)."""
    org_in_scope(actor, org)
    if org.kind not in ELECTED_KINDS:
        raise ValidationError({"org": _("只有党支部、党总支和基层党委登记党务力量配备")})
    heads = _count(headcount, "headcount")
    staff = _count(party_staff, "party_staff")
    if staff > heads:
        raise ValidationError({"party_staff": _("专职党务工作人员不能多于单位工作人员总数")})
    staffing, _created = OrgStaffing.objects.select_for_update().get_or_create(org=org)
    staffing.is_institution = bool(is_institution)
    staffing.headcount = heads
    staffing.party_staff = staff
    staffing.recorded_by = actor if actor is not None and actor.pk else None  # type: ignore[assignment]
    staffing.save(update_fields=["is_institution", "headcount", "party_staff", "recorded_by", "updated_at"])
    record_event(
        actor=actor,
        event_type=PartyEvent.STAFFING_SET,
        target=staffing,
        data={
            "org": org.code,
            "is_institution": staffing.is_institution,
            "headcount": heads,
            "party_staff": staff,
        },
    )
    return staffing
