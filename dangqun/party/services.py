"""Writes of the party side, each with its actor and an audit row: recording a meeting (三会一课),
issuing a transfer letter, setting a dues base and recording a dues payment. A transfer's later
moves go through ``transfers.TransferWorkflow``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from dangqun.accounts.scope import get_scope
from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.errors import ConflictError, NotFoundError
from dangqun.core.workflow import Actor
from dangqun.orgs.models import PartyOrg, PartyOrgKind
from dangqun.party.dues import CENT, dues_rate, month_start, parse_month, shift_month
from dangqun.party.events import PartyEvent
from dangqun.party.meeting_rules import BRANCH_KINDS, kinds_for
from dangqun.party.models import (
    Development,
    DuesBase,
    DuesCategory,
    DuesPayment,
    Meeting,
    MeetingAttendance,
    MeetingKind,
    MemberStatus,
    PartyMember,
    PaymentMethod,
    Transfer,
    TransferStatus,
)
from dangqun.party.transfers import TransferWorkflow

MAX_VALID_MONTHS = 6


def _in_scope(actor: Actor, org: PartyOrg) -> None:
    if actor is not None and not get_scope(actor).covers_party_org_path(org.path):
        raise NotFoundError(_("党组织不存在或无权访问"))


def _member_ids(values: Iterable[Any], field: str) -> list[int]:
    try:
        ids = [int(v) for v in values]
    except (TypeError, ValueError):
        raise ValidationError({field: _("党员编号须为整数")}) from None
    if len(set(ids)) != len(ids):
        raise ValidationError({field: _("同一党员不能重复登记")})
    return ids


def _text(value: Any, field: str, *, required: bool, limit: int) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: _("此项必填")})
    if len(text) > limit:
        raise ValidationError({field: _("不能超过%(limit)s个字") % {"limit": limit}})
    return text


@transaction.atomic
def meeting_record(
    *,
    actor: Actor,
    org: PartyOrg,
    kind: str,
    topic: str,
    held_at: dt.datetime,
    place: str,
    host: str,
    minutes: str = "",
    decisions: str = "",
    attendees: Iterable[Any] = (),
    absentees: Mapping[Any, str] | None = None,
) -> Meeting:
    """Record a held meeting of a branch (or of a 党小组, for 党小组会) with who came and who did not
    (with reasons). Every attendee and absentee must be an active member of that organisation; a
    meeting cannot be recorded as held in the future."""
    _in_scope(actor, org)
    allowed = kinds_for(org.kind)
    if kind not in allowed:
        if not allowed:
            raise ValidationError({"org": _("只有党支部、党总支和党小组记录组织生活会议")})
        raise ValidationError(
            {
                "kind": _("%(org)s不能记录“%(kind)s”")
                % {
                    "org": org.get_kind_display(),
                    "kind": MeetingKind(kind).label if kind in MeetingKind.values else kind,
                }
            }
        )
    if timezone.is_naive(held_at):
        held_at = timezone.make_aware(held_at)
    if held_at > clock.now():
        raise ValidationError({"held_at": _("召开时间不能晚于当前时间(未召开的会议不能记录为已召开)")})
    topic = _text(topic, "topic", required=True, limit=200)
    place = _text(place, "place", required=True, limit=200)
    host = _text(host, "host", required=True, limit=50)
    present_ids = _member_ids(attendees, "attendees")
    absent = dict(absentees or {})
    absent_ids = _member_ids(absent.keys(), "absentees")
    reasons = {int(k): str(v or "").strip()[:200] for k, v in absent.items()}
    if not present_ids:
        raise ValidationError({"attendees": _("请登记出席的党员")})
    if set(present_ids) & set(absent_ids):
        raise ValidationError({"absentees": _("同一党员不能既出席又缺席")})
    if missing := [pk for pk in absent_ids if not reasons[pk]]:
        raise ValidationError({"absentees": _("请填写缺席原因(党员编号 %(ids)s)") % {"ids": missing}})
    members = PartyMember.objects.filter(status=MemberStatus.ACTIVE)
    members = (
        members.filter(party_group=org) if org.kind == PartyOrgKind.GROUP else members.filter(party_org=org)
    )
    valid = set(members.filter(pk__in=[*present_ids, *absent_ids]).values_list("pk", flat=True))
    for field, ids in (("attendees", present_ids), ("absentees", absent_ids)):
        if strangers := [pk for pk in ids if pk not in valid]:
            raise ValidationError(
                {
                    field: _("党员编号 %(ids)s 不是%(org)s的党员")
                    % {"ids": ", ".join(map(str, strangers)), "org": org.name}
                }
            )
    meeting = Meeting.objects.create(
        org=org,
        kind=kind,
        topic=topic,
        held_at=held_at,
        place=place,
        host=host,
        minutes=str(minutes or "").strip(),
        decisions=str(decisions or "").strip(),
        attendee_count=len(present_ids),
        absentee_count=len(absent_ids),
        recorded_by=actor if actor is not None and actor.pk else None,  # type: ignore[misc]
    )
    MeetingAttendance.objects.bulk_create(
        [MeetingAttendance(meeting=meeting, member_id=pk, present=True) for pk in present_ids]
        + [
            MeetingAttendance(meeting=meeting, member_id=pk, present=False, reason=reasons[pk])
            for pk in absent_ids
        ]
    )
    record_event(
        actor=actor,
        event_type=PartyEvent.MEETING_RECORDED,
        target=meeting,
        data={
            "org": org.code,
            "kind": kind,
            "held_at": held_at.isoformat(),
            "attendees": len(present_ids),
            "absentees": len(absent_ids),
        },
    )
    return meeting


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th


@transaction.atomic
def transfer_issue(
    *,
    actor: Actor,
    member: PartyMember,
    letter_no: str,
    valid_months: Any,
    to_org: PartyOrg | None = None,
    destination: str = "",
) -> Transfer:
    """The sending branch issues an introduction letter: to a branch of the deployment (``to_org``)
    or out of it (``destination``). The member stays where they are until the letter is accepted."""
    member = PartyMember.objects.select_for_update().select_related("party_org").get(pk=member.pk)
    _in_scope(actor, member.party_org)
    letter_no = _text(letter_no, "letter_no", required=True, limit=40)
    destination = _text(destination, "destination", required=False, limit=200)
    try:
        months = int(valid_months)
    except (TypeError, ValueError):
        raise ValidationError(
            {"valid_months": _("有效期须为1至%(max)s个月") % {"max": MAX_VALID_MONTHS}}
        ) from None
    if not 1 <= months <= MAX_VALID_MONTHS:
        raise ValidationError({"valid_months": _("有效期须为1至%(max)s个月") % {"max": MAX_VALID_MONTHS}})
    if to_org is None and not destination:
        raise ValidationError({"to_org": _("请选择转入党组织,或填写转往的系统外单位")})
    if to_org is not None:
        if to_org.kind not in BRANCH_KINDS or not to_org.is_active:
            raise ValidationError({"to_org": _("组织关系只能转入党支部或党总支")})
        if to_org.pk == member.party_org_id:
            raise ConflictError(_("转入党组织就是该党员所在的党组织"), code="same_org")
        destination = destination or to_org.name
    if member.status != MemberStatus.ACTIVE:
        raise ConflictError(_("该党员当前不在册,不能办理转接"), code="member_inactive")
    if Transfer.objects.filter(member=member, status=TransferStatus.ISSUED).exists():
        raise ConflictError(_("该党员已有一份待接收的介绍信"), code="transfer_open")
    if Transfer.objects.filter(letter_no=letter_no).exists():
        raise ValidationError({"letter_no": _("介绍信编号已被使用")})
    issued_on = clock.local_today()
    transfer = Transfer.objects.create(
        member=member,
        from_org=member.party_org,
        to_org=to_org,
        destination=destination,
        letter_no=letter_no,
        valid_months=months,
        issued_on=issued_on,
        expires_on=add_months(issued_on, months),
        issued_by=actor if actor is not None and actor.pk else None,  # type: ignore[misc]
    )
    record_event(
        actor=actor,
        event_type=PartyEvent.TRANSFER_ISSUED,
        target=transfer,
        data={
            "member": member.pk,
            "from_org": member.party_org.code,
            "to_org": to_org.code if to_org else None,
            "destination": destination,
            "letter_no": letter_no,
            "valid_months": months,
        },
    )
    return transfer


def transfers_expire() -> int:
    """The daily job: every letter past its validity expires (the system's move through the door)."""
    today = clock.local_today()
    due = list(
        Transfer.objects.filter(status=TransferStatus.ISSUED, expires_on__lt=today).values_list(
            "pk", flat=True
        )
    )
    for pk in due:
        TransferWorkflow.apply(obj=pk, action="expire", actor=None)
    return len(due)


def _decimal(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("须为数字")}) from None
    if not number.is_finite():
        raise ValidationError({field: _("须为数字")})
    return number


@transaction.atomic
def dues_base_set(
    *, actor: Actor, member: PartyMember, year: int, category: str, monthly_income: Any
) -> DuesBase:
    """Set a member's dues base for a year by the national rule's bands (once a year; setting it
    again replaces it)."""
    _in_scope(actor, member.party_org)
    if category not in DuesCategory.values:
        raise ValidationError({"category": _("未知党费类别: %(value)s") % {"value": category}})
    income = _decimal(monthly_income if monthly_income not in (None, "") else 0, "monthly_income")
    if income < 0:
        raise ValidationError({"monthly_income": _("月收入不能为负数")})
    income = income.quantize(CENT)
    rate, amount = dues_rate(category, income)
    base, _created = DuesBase.objects.update_or_create(
        member=member,
        year=year,
        defaults={"category": category, "monthly_income": income, "rate": rate, "monthly_amount": amount},
    )
    record_event(
        actor=actor,
        event_type=PartyEvent.DUES_BASE_SET,
        target=member,
        data={"year": year, "category": category, "rate": str(rate), "monthly_amount": str(amount)},
    )
    return base


MAX_ADVANCE_MONTHS = 12


@transaction.atomic
def dues_pay(
    *,
    actor: Actor,
    member: PartyMember,
    month: str,
    amount: Any,
    paid_on: dt.date | str | None = None,
    method: str = PaymentMethod.CASH,
    receipt_no: str = "",
) -> DuesPayment:
    """Record one month's dues for a member (a later month than the current one is an advance)."""
    _in_scope(actor, member.party_org)
    paid_for = parse_month(month)
    if paid_for is None:
        raise ValidationError({"month": _("所缴月份须为“年-月”,如 2026-03")})
    value = _decimal(amount, "amount")
    if value <= 0:
        raise ValidationError({"amount": _("金额须大于零")})
    if value != value.quantize(CENT) or value >= Decimal("1000000"):
        raise ValidationError({"amount": _("金额须为不超过两位小数的数字")})
    today = clock.local_today()
    if isinstance(paid_on, str):
        text = paid_on.strip()
        try:
            paid_on = parse_date(text) if text else None
        except ValueError:
            paid_on = None
        if text and paid_on is None:
            raise ValidationError({"paid_on": _("缴纳日期格式应为 年-月-日")})
    paid_on = paid_on or today
    if paid_on > today:
        raise ValidationError({"paid_on": _("缴纳日期不能晚于今天")})
    if paid_for > shift_month(month_start(today), MAX_ADVANCE_MONTHS):
        raise ValidationError({"month": _("最多预缴%(n)s个月") % {"n": MAX_ADVANCE_MONTHS}})
    if member.joined_on and paid_for < month_start(member.joined_on):
        raise ValidationError({"month": _("所缴月份早于入党时间")})
    if method not in PaymentMethod.values:
        raise ValidationError({"method": _("未知缴纳方式: %(value)s") % {"value": method}})
    if DuesPayment.objects.filter(member=member, month=paid_for).exists():
        raise ConflictError(
            _("%(name)s %(month)s的党费已登记") % {"name": member.name, "month": paid_for.strftime("%Y-%m")},
            code="dues_paid",
        )
    payment = DuesPayment.objects.create(
        member=member,
        month=paid_for,
        amount=value,
        paid_on=paid_on,
        method=method,
        receipt_no=_text(receipt_no, "receipt_no", required=False, limit=40),
        recorded_by=actor if actor is not None and actor.pk else None,  # type: ignore[misc]
    )
    record_event(
        actor=actor,
        event_type=PartyEvent.DUES_PAID,
        target=member,
        data={"month": paid_for.strftime("%Y-%m"), "amount": str(value), "method": method},
    )
    return payment


@transaction.atomic
def development_apply(
    *,
    actor: Actor,
    branch: PartyOrg,
    name: str,
    gender: str,
    applied_on: dt.date,
    birth_date: dt.date | None = None,
) -> Development:
    """Register an application to join the Party at a branch (入党申请人)."""
    _in_scope(actor, branch)
    if branch.kind not in BRANCH_KINDS:
        raise ValidationError({"branch": _("入党申请由党支部或党总支受理")})
    name = _text(name, "name", required=True, limit=50)
    if gender not in ("M", "F"):
        raise ValidationError({"gender": _("性别须为 M 或 F")})
    if applied_on > clock.local_today():
        raise ValidationError({"applied_on": _("递交申请日期不能晚于今天")})
    if birth_date is not None and (applied_on.year - birth_date.year) < 18:
        raise ValidationError({"birth_date": _("申请入党须年满十八岁")})
    development = Development.objects.create(
        branch=branch, name=name, gender=gender, birth_date=birth_date, applied_on=applied_on
    )
    record_event(
        actor=actor,
        event_type=PartyEvent.DEVELOPMENT_APPLIED,
        target=development,
        data={"branch": branch.code, "applied_on": applied_on.isoformat()},
    )
    return development
