"""党务: organisational life (三会一课: the plan, the records, the overdue list), transfers of the
members' organisational relations, dues (bases, payments, the ledger, arrears, the monthly summary,
the Excel ledger), and the party member's own page. Scope: the reader's party
organisations (党务管理员 and 党支部书记 with their subtrees); anything else is 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from dangqun.core import clock
from dangqun.core.errors import NotFoundError
from dangqun.core.masking import mask_id_number, mask_phone
from dangqun.orgs.models import PartyOrg
from dangqun.party import selectors
from dangqun.party.access import (
    access_development_by_id,
    access_meeting_by_id,
    access_party_member_by_id,
    access_party_org_by_code,
    access_transfer_by_id,
    own_party_member,
    transfers_for,
)
from dangqun.party.development import DevelopmentWorkflow, development_of, development_reminders
from dangqun.party.dues import LedgerRow, dues_ledger, dues_summary, month_start, parse_month
from dangqun.party.dues_export import XLSX, export_dues
from dangqun.party.health import health_check, required_party_staff
from dangqun.party.models import Development, Meeting, OrgStaffing, PartyMember, Term, Transfer
from dangqun.party.services import (
    development_apply,
    dues_base_set,
    dues_pay,
    meeting_record,
    transfer_issue,
    transfer_issue_bulk,
)
from dangqun.party.services.members import member_leave
from dangqun.party.services.terms import org_staffing_set, term_record
from dangqun.party.services.transfers import MAX_BULK
from dangqun.party.statistics import Row as StatRow
from dangqun.party.statistics import annual_statistics
from dangqun.party.statistics_export import export_statistics
from dangqun.party.terms import term_state, terms_of
from dangqun.party.transfers import TransferWorkflow

router = Router(tags=["party"])


# --- organisational life ----------------------------------------------------------------------------


class SlotOut(Schema):
    org_code: str
    org_name: str
    kind: str
    kind_label: str
    period: str
    period_label: str
    status: str
    held: int


class BranchPlanOut(Schema):
    code: str
    name: str
    done: int
    total: int
    rate: float
    overdue: int


class MeetingPlanOut(Schema):
    org_code: str
    year: int
    done: int
    total: int
    rate: float
    branches: list[BranchPlanOut]
    slots: list[SlotOut]  # the due meetings, when the organisation is one branch (or a group)
    overdue: list[SlotOut]


def _slot(slot: selectors.Slot) -> dict[str, Any]:
    return {
        "org_code": slot.org.code,
        "org_name": slot.org.name,
        "kind": slot.kind,
        "kind_label": slot.kind_label,
        "period": slot.period.key,
        "period_label": slot.period.label,
        "status": slot.status,
        "held": slot.held,
    }


MIN_YEAR, MAX_YEAR = 1921, 2100


def _year(year: int | None) -> int:
    """The year asked for (this year by default); outside 1921–2100 → 422 naming ``year``."""
    if year is None:
        return clock.local_today().year
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            {"year": _("年度须在%(min)s至%(max)s之间") % {"min": MIN_YEAR, "max": MAX_YEAR}}
        )
    return year


@router.get("/party/orgs/{code}/meeting-plan", response=MeetingPlanOut, summary="三会一课应开与完成率")
def meeting_plan(request: HttpRequest, code: str, year: int | None = None) -> dict[str, Any]:
    org = access_party_org_by_code(request.user, code)
    plans = selectors.meeting_plan(org, _year(year))
    done, total, rate = selectors.plan_totals(plans)
    single = len(plans) == 1
    return {
        "org_code": org.code,
        "year": _year(year),
        "done": done,
        "total": total,
        "rate": rate,
        "branches": [
            {
                "code": p.branch.code,
                "name": p.branch.name,
                "done": p.done,
                "total": p.total,
                "rate": p.rate,
                "overdue": len(p.overdue),
            }
            for p in plans
        ],
        "slots": [_slot(s) for s in plans[0].slots] if single else [],
        "overdue": [_slot(s) for s in selectors.overdue_slots(plans)],
    }


class MeetingOut(Schema):
    id: int
    org_code: str
    kind: str
    kind_label: str
    topic: str
    held_at: dt.datetime
    place: str
    host: str
    attendee_count: int
    absentee_count: int


def _meeting(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "org_code": meeting.org.code,
        "kind": meeting.kind,
        "kind_label": meeting.get_kind_display(),
        "topic": meeting.topic,
        "held_at": meeting.held_at,
        "place": meeting.place,
        "host": meeting.host,
        "attendee_count": meeting.attendee_count,
        "absentee_count": meeting.absentee_count,
    }


class AttendanceOut(Schema):
    member_id: int
    name: str
    present: bool
    reason: str


class MeetingDetailOut(MeetingOut):
    minutes: str
    decisions: str
    attendance: list[AttendanceOut]


class AbsenteeIn(Schema):
    member_id: int
    reason: str = ""


class MeetingIn(Schema):
    kind: str
    topic: str
    held_at: dt.datetime
    place: str
    host: str
    minutes: str = ""
    decisions: str = ""
    attendees: list[int] = Field(default_factory=list)
    absentees: list[AbsenteeIn] = Field(default_factory=list)


def _meeting_detail(meeting: Meeting) -> dict[str, Any]:
    out = _meeting(meeting)
    out.update(
        minutes=meeting.minutes,
        decisions=meeting.decisions,
        attendance=[
            {"member_id": m.pk, "name": m.name, "present": present, "reason": reason}
            for m, present, reason in selectors.meeting_attendance(meeting)
        ],
    )
    return out


@router.get("/party/orgs/{code}/meetings", response=list[MeetingOut], summary="组织生活会议记录")
def list_meetings(request: HttpRequest, code: str, year: int | None = None) -> Any:
    org = access_party_org_by_code(request.user, code)
    return [_meeting(m) for m in selectors.meetings_of(org, _year(year))[:500]]


@router.post("/party/orgs/{code}/meetings", response={201: MeetingDetailOut}, summary="记录已召开的会议")
def record_meeting(request: HttpRequest, code: str, payload: MeetingIn) -> Status:
    org = access_party_org_by_code(request.user, code)
    meeting = meeting_record(
        actor=request.user,
        org=org,
        kind=payload.kind,
        topic=payload.topic,
        held_at=payload.held_at,
        place=payload.place,
        host=payload.host,
        minutes=payload.minutes,
        decisions=payload.decisions,
        attendees=payload.attendees,
        absentees={a.member_id: a.reason for a in payload.absentees},
    )
    return Status(201, _meeting_detail(meeting))


@router.get("/party/meetings/{meeting_id}", response=MeetingDetailOut, summary="会议记录详情")
def meeting_detail(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    return _meeting_detail(access_meeting_by_id(request.user, meeting_id))


# --- transfers --------------------------------------------------------------------------------------


class MoveOut(Schema):
    action: str
    label: str


class TransferOut(Schema):
    id: int
    letter_no: str
    member_id: int
    member_name: str
    from_org_code: str
    from_org_name: str
    to_org_code: str | None
    destination: str
    valid_months: int
    issued_on: dt.date
    expires_on: dt.date
    status: str
    status_label: str
    receipt_no: str
    note: str
    moves: list[MoveOut]


def _transfer(transfer: Transfer, user: Any) -> dict[str, Any]:
    return {
        "id": transfer.pk,
        "letter_no": transfer.letter_no,
        "member_id": transfer.member_id,
        "member_name": transfer.member.name,
        "from_org_code": transfer.from_org.code,
        "from_org_name": transfer.from_org.name,
        "to_org_code": transfer.to_org.code if transfer.to_org else None,
        "destination": transfer.destination,
        "valid_months": transfer.valid_months,
        "issued_on": transfer.issued_on,
        "expires_on": transfer.expires_on,
        "status": transfer.status,
        "status_label": transfer.get_status_display(),
        "receipt_no": transfer.receipt_no,
        "note": transfer.note,
        "moves": [
            {"action": t.action, "label": str(t.label)}
            for t in TransferWorkflow.available_moves(transfer, user)
        ],
    }


class TransferIn(Schema):
    member_id: int
    letter_no: str
    valid_months: int
    to_org: str | None = None  # the receiving branch's code, inside the deployment
    destination: str = ""  # the receiving organisation out of the deployment


class TransferMoveIn(Schema):
    reason: str = ""
    receipt_no: str = ""


@router.post("/party/transfers", response={201: TransferOut}, summary="开具组织关系介绍信")
def issue_transfer(request: HttpRequest, payload: TransferIn) -> Status:
    member = access_party_member_by_id(request.user, payload.member_id)
    transfer = transfer_issue(
        actor=request.user,
        member=member,
        letter_no=payload.letter_no,
        valid_months=payload.valid_months,
        to_org=selectors.receiving_org(payload.to_org),
        destination=payload.destination,
    )
    return Status(201, _transfer(access_transfer_by_id(request.user, transfer.pk), request.user))


class BulkTransferIn(Schema):
    member_ids: list[int]
    letter_no_prefix: str  # the letters are numbered <prefix>-001, <prefix>-002, ...
    valid_months: int
    to_org: str | None = None  # the receiving branch's code, inside the deployment
    destination: str = ""  # the receiving organisation out of the deployment


@router.post(
    "/party/transfers/bulk",
    response={201: list[TransferOut]},
    summary="集中转接:多名党员转往同一党组织(全部成功或全部不办)",
)
def issue_transfers_bulk(request: HttpRequest, payload: BulkTransferIn) -> Status:
    if len(payload.member_ids) > MAX_BULK:
        raise ValidationError({"member_ids": _("一次最多转接%(max)s名党员") % {"max": MAX_BULK}})
    members = [access_party_member_by_id(request.user, pk) for pk in payload.member_ids]
    transfers = transfer_issue_bulk(
        actor=request.user,
        members=members,
        letter_no_prefix=payload.letter_no_prefix,
        valid_months=payload.valid_months,
        to_org=selectors.receiving_org(payload.to_org),
        destination=payload.destination,
    )
    ids = [t.pk for t in transfers]
    issued = transfers_for(request.user).filter(pk__in=ids).order_by("letter_no")
    return Status(201, [_transfer(t, request.user) for t in issued])


@router.get("/party/transfers", response=list[TransferOut], summary="组织关系转接(转入与转出)")
def list_transfers(request: HttpRequest, status: str | None = None) -> list[dict[str, Any]]:
    qs = transfers_for(request.user).order_by("-issued_on", "-id")
    if status:
        qs = qs.filter(status=status)
    return [_transfer(t, request.user) for t in qs[:200]]


@router.get("/party/transfers/{transfer_id}", response=TransferOut, summary="转接详情与可办理操作")
def transfer_detail(request: HttpRequest, transfer_id: int) -> dict[str, Any]:
    return _transfer(access_transfer_by_id(request.user, transfer_id), request.user)


@router.post(
    "/party/transfers/{transfer_id}/{action}",
    response=TransferOut,
    summary="办理转接:accept 接收、return 退回、receipt 登记回执、expire 过期作废",
)
def move_transfer(
    request: HttpRequest, transfer_id: int, action: str, payload: TransferMoveIn
) -> dict[str, Any]:
    transfer = access_transfer_by_id(request.user, transfer_id)
    TransferWorkflow.apply(
        obj=transfer.pk,
        action=action,
        actor=request.user,
        reason=payload.reason,
        receipt_no=payload.receipt_no,
    )
    return _transfer(access_transfer_by_id(request.user, transfer_id), request.user)


@router.get(
    "/party/members/{member_id}/transfers", response=list[TransferOut], summary="党员组织关系转接历史"
)
def member_transfers(request: HttpRequest, member_id: int) -> list[dict[str, Any]]:
    member = access_party_member_by_id(request.user, member_id)
    return [_transfer(t, request.user) for t in selectors.member_history(member)]


# --- the party member's own page ----------------------------------------------------------------------


class MyMemberOut(Schema):
    id: int
    name: str
    party_org_code: str
    party_org_name: str
    party_group_name: str
    joined_on: dt.date | None
    is_probationary: bool
    id_number: str
    phone: str
    meetings: list[MeetingOut]
    transfers: list[TransferOut]


@router.get("/party/me", response=MyMemberOut, summary="我的党组织、会议与转接")
def my_membership(request: HttpRequest) -> dict[str, Any]:
    member = own_party_member(request.user)
    if member is None:
        raise NotFoundError(_("您的账号未关联党员档案"))
    return _my_member(member, request.user)


def _my_member(member: PartyMember, user: Any) -> dict[str, Any]:
    meetings = [_meeting(a.meeting) for a in selectors.member_meetings(member)[:50]]
    return {
        "id": member.pk,
        "name": member.name,
        "party_org_code": member.party_org.code,
        "party_org_name": member.party_org.name,
        "party_group_name": member.party_group.name if member.party_group else "",
        "joined_on": member.joined_on,
        "is_probationary": member.is_probationary,
        "id_number": mask_id_number(member.id_number),
        "phone": mask_phone(member.phone),
        "meetings": meetings,
        "transfers": [_transfer(t, user) for t in selectors.member_history(member)],
    }


# --- dues -------------------------------------------------------------------------------------------


class DuesRowOut(Schema):
    member_id: int
    name: str
    party_org_code: str
    category: str
    monthly_amount: Decimal
    paid_months: list[int]
    paid_total: Decimal
    arrears_months: list[str]
    arrears_amount: Decimal
    advance_months: int
    six_months_unpaid: bool


def _dues_row(row: LedgerRow) -> dict[str, Any]:
    return {
        "member_id": row.member.pk,
        "name": row.member.name,
        "party_org_code": row.member.party_org.code,
        "category": row.base.category if row.base else "",
        "monthly_amount": row.monthly_amount,
        "paid_months": sorted(row.paid_months),
        "paid_total": row.paid_total,
        "arrears_months": [m.strftime("%Y-%m") for m in row.arrears],
        "arrears_amount": row.arrears_amount,
        "advance_months": row.advance,
        "six_months_unpaid": row.six_months_unpaid,
    }


@router.get("/party/orgs/{code}/dues/ledger", response=list[DuesRowOut], summary="党费台账(按党员、按月)")
def dues_ledger_view(request: HttpRequest, code: str, year: int | None = None) -> list[dict[str, Any]]:
    org = access_party_org_by_code(request.user, code)
    return [_dues_row(r) for r in dues_ledger(org, _year(year), limit=2000)]


@router.get(
    "/party/orgs/{code}/dues/arrears", response=list[DuesRowOut], summary="欠缴党费名单(含连续6个月未缴)"
)
def dues_arrears(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    org = access_party_org_by_code(request.user, code)
    rows = [
        r
        for r in dues_ledger(org, clock.local_today().year, limit=200_000)
        if r.arrears or r.six_months_unpaid
    ]
    rows.sort(key=lambda r: (not r.six_months_unpaid, -len(r.arrears), r.member.pk))
    return [_dues_row(r) for r in rows]


class DuesSummaryOut(Schema):
    code: str
    name: str
    members: int
    expected: Decimal
    paid_members: int
    collected: Decimal


def _month_param(month: str | None) -> dt.date:
    if not month:
        return month_start(clock.local_today())
    parsed = parse_month(month)
    if parsed is None:
        raise ValidationError({"month": _("所缴月份须为“年-月”,如 2026-03")})
    return parsed


@router.get("/party/orgs/{code}/dues/summary", response=list[DuesSummaryOut], summary="党费月度收缴汇总")
def dues_summary_view(request: HttpRequest, code: str, month: str | None = None) -> list[dict[str, Any]]:
    org = access_party_org_by_code(request.user, code)
    return [
        {
            "code": s.org.code,
            "name": s.org.name,
            "members": s.members,
            "expected": s.expected,
            "paid_members": s.paid_members,
            "collected": s.collected,
        }
        for s in dues_summary(org, _month_param(month))
    ]


@router.get(
    "/party/orgs/{code}/dues.xlsx",
    summary="导出党费收缴台账(Excel)",
    response={200: None},
    url_name="party_dues_export",
)
def dues_export(
    request: HttpRequest, code: str, year: int | None = None, month: str | None = None
) -> HttpResponse:
    org = access_party_org_by_code(request.user, code)
    data = export_dues(org, _year(year), _month_param(month))
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="dues-{org.code}-{_year(year)}.xlsx"'
    return response


class DuesBaseIn(Schema):
    year: int
    category: str
    monthly_income: str = "0"


class DuesBaseOut(Schema):
    member_id: int
    year: int
    category: str
    monthly_income: Decimal
    rate: Decimal
    monthly_amount: Decimal


@router.put("/party/members/{member_id}/dues/base", response=DuesBaseOut, summary="核定党员年度党费基数")
def set_dues_base(request: HttpRequest, member_id: int, payload: DuesBaseIn) -> dict[str, Any]:
    member = access_party_member_by_id(request.user, member_id)
    base = dues_base_set(
        actor=request.user,
        member=member,
        year=_year(payload.year),
        category=payload.category,
        monthly_income=payload.monthly_income,
    )
    return {
        "member_id": member.pk,
        "year": base.year,
        "category": base.category,
        "monthly_income": base.monthly_income,
        "rate": base.rate,
        "monthly_amount": base.monthly_amount,
    }


class DuesPaymentIn(Schema):
    month: str
    amount: str  # a decimal as text: "12.50" (a number is accepted too)
    paid_on: str = ""
    method: str = "cash"
    receipt_no: str = ""


class DuesPaymentOut(Schema):
    id: int
    member_id: int
    month: str
    amount: Decimal
    paid_on: dt.date
    method: str
    receipt_no: str


@router.post(
    "/party/members/{member_id}/dues/payments", response={201: DuesPaymentOut}, summary="登记党费缴纳"
)
def pay_dues(request: HttpRequest, member_id: int, payload: DuesPaymentIn) -> Status:
    member = access_party_member_by_id(request.user, member_id)
    payment = dues_pay(
        actor=request.user,
        member=member,
        month=payload.month,
        amount=payload.amount,
        paid_on=payload.paid_on,
        method=payload.method,
        receipt_no=payload.receipt_no,
    )
    return Status(
        201,
        {
            "id": payment.pk,
            "member_id": member.pk,
            "month": payment.month.strftime("%Y-%m"),
            "amount": payment.amount,
            "paid_on": payment.paid_on,
            "method": payment.method,
            "receipt_no": payment.receipt_no,
        },
    )


# --- 发展党员 -------------------------------------------------------------------------------------------


class DevelopmentOut(Schema):
    id: int
    branch_code: str
    name: str
    stage: str
    stage_label: str
    applied_on: dt.date
    talked_on: dt.date | None
    activist_on: dt.date | None
    candidate_on: dt.date | None
    admitted_on: dt.date | None
    probation_ends_on: dt.date | None
    full_on: dt.date | None
    extended: bool
    member_id: int | None
    moves: list[MoveOut]


class ReminderOut(Schema):
    development_id: int
    name: str
    text: str
    due_on: dt.date
    overdue: bool


class DevelopmentListOut(Schema):
    items: list[DevelopmentOut]
    reminders: list[ReminderOut]


def _development(d: Development, user: Any) -> dict[str, Any]:
    return {
        "id": d.pk,
        "branch_code": d.branch.code,
        "name": d.name,
        "stage": d.stage,
        "stage_label": d.get_stage_display(),
        "applied_on": d.applied_on,
        "talked_on": d.talked_on,
        "activist_on": d.activist_on,
        "candidate_on": d.candidate_on,
        "admitted_on": d.admitted_on,
        "probation_ends_on": d.probation_ends_on,
        "full_on": d.full_on,
        "extended": d.extended,
        "member_id": d.member_id,
        "moves": [
            {"action": t.action, "label": str(t.label)} for t in DevelopmentWorkflow.available_moves(d, user)
        ],
    }


@router.get("/party/orgs/{code}/development", response=DevelopmentListOut, summary="发展党员名册与到期提醒")
def development_list(request: HttpRequest, code: str, stage: str | None = None) -> dict[str, Any]:
    org = access_party_org_by_code(request.user, code)
    rows = list(development_of(org).order_by("branch__path", "applied_on", "id")[:1000])
    items = [d for d in rows if stage is None or d.stage == stage]
    return {
        "items": [_development(d, request.user) for d in items],
        "reminders": [
            {
                "development_id": r.development.pk,
                "name": r.development.name,
                "text": r.text,
                "due_on": r.due_on,
                "overdue": r.overdue,
            }
            for r in development_reminders(rows)
        ],
    }


class ApplicationIn(Schema):
    name: str
    gender: str
    applied_on: dt.date
    birth_date: dt.date | None = None


@router.post("/party/orgs/{code}/development", response={201: DevelopmentOut}, summary="登记入党申请")
def development_create(request: HttpRequest, code: str, payload: ApplicationIn) -> Status:
    org = access_party_org_by_code(request.user, code)
    development = development_apply(
        actor=request.user,
        branch=org,
        name=payload.name,
        gender=payload.gender,
        applied_on=payload.applied_on,
        birth_date=payload.birth_date,
    )
    return Status(201, _development(development, request.user))


class DevelopmentMoveIn(Schema):
    meeting: int | None = None  # the 支部党员大会 that decided (admit, confirm, extend, cancel)
    reason: str = ""


@router.post(
    "/party/development/{development_id}/{action}",
    response=DevelopmentOut,
    summary="发展党员环节:talk、activist、candidate、admit、confirm、extend、cancel",
)
def development_move(
    request: HttpRequest, development_id: int, action: str, payload: DevelopmentMoveIn
) -> dict[str, Any]:
    development = access_development_by_id(request.user, development_id)
    moved = DevelopmentWorkflow.apply(
        obj=development.pk, action=action, actor=request.user, reason=payload.reason, meeting=payload.meeting
    )
    return _development(access_development_by_id(request.user, moved.pk), request.user)


# --- organisation rules ---------------------------------------------------------------------------------


class ViolationOut(Schema):
    org_code: str
    org_name: str
    rule: str
    text: str


@router.get(
    "/party/orgs/{code}/health", response=list[ViolationOut], summary="组织设置规则检查(按下级组织列出)"
)
def org_health(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    org = access_party_org_by_code(request.user, code)
    return [
        {"org_code": v.org.code, "org_name": v.org.name, "rule": v.rule, "text": v.text}
        for v in health_check(org)
    ]


# --- 党内统计年报 ---------------------------------------------------------------------------------------


class StatRowOut(Schema):
    key: str
    label: str
    count: int


class StatOrgOut(Schema):
    code: str
    name: str


class StatisticsOut(Schema):
    org_code: str
    year: int
    as_of: dt.date
    total: int
    full: int
    probationary: int
    minority: int
    by_gender: list[StatRowOut]
    by_age: list[StatRowOut]
    by_education: list[StatRowOut]
    by_ethnicity: list[StatRowOut]
    by_occupation: list[StatRowOut]
    by_standing: list[StatRowOut]
    developed: int
    transferred_in: int
    transferred_out: int
    died: int
    out_of_party: int
    left: int
    left_by_reason: list[StatRowOut]
    orgs_by_kind: list[StatRowOut]
    committee_required: int
    committee_set: int
    committee_missing: list[StatOrgOut]


def _statistics_year(year: int | None) -> int:
    """A year of the 年报: 1921 to this year (a year to come has no statistics) → else 422 ``year``."""
    value = _year(year)
    if value > clock.local_today().year:
        raise ValidationError({"year": _("年度不能晚于今年")})
    return value


def _stat_rows(rows: list[StatRow]) -> list[dict[str, Any]]:
    return [{"key": r.key, "label": r.label, "count": r.count} for r in rows]


@router.get("/party/orgs/{code}/statistics", response=StatisticsOut, summary="党内统计年报")
def party_statistics(request: HttpRequest, code: str, year: int | None = None) -> dict[str, Any]:
    org = access_party_org_by_code(request.user, code)
    s = annual_statistics(org, _statistics_year(year))
    return {
        "org_code": org.code,
        "year": s.year,
        "as_of": s.as_of,
        "total": s.total,
        "full": s.full,
        "probationary": s.probationary,
        "minority": s.minority,
        **{
            name: _stat_rows(getattr(s, name))
            for name in (
                "by_gender",
                "by_age",
                "by_education",
                "by_ethnicity",
                "by_occupation",
                "by_standing",
                "left_by_reason",
                "orgs_by_kind",
            )
        },
        "developed": s.developed,
        "transferred_in": s.transferred_in,
        "transferred_out": s.transferred_out,
        "died": s.died,
        "out_of_party": s.out_of_party,
        "left": s.left,
        "committee_required": s.committee_required,
        "committee_set": s.committee_set,
        "committee_missing": [{"code": o.code, "name": o.name} for o in s.committee_missing],
    }


@router.get(
    "/party/orgs/{code}/statistics.xlsx",
    summary="导出党内统计年报(Excel)",
    response={200: None},
    url_name="party_statistics_export",
)
def party_statistics_export(request: HttpRequest, code: str, year: int | None = None) -> HttpResponse:
    org = access_party_org_by_code(request.user, code)
    stats = annual_statistics(org, _statistics_year(year))
    response = HttpResponse(export_statistics(stats), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="statistics-{org.code}-{stats.year}.xlsx"'
    return response


# --- 减少党员 -----------------------------------------------------------------------------------------------


class MemberLeaveIn(Schema):
    left_reason: str
    left_on: str


class MemberLeftOut(Schema):
    id: int
    name: str
    status: str
    status_label: str
    left_on: dt.date | None
    left_reason: str
    left_reason_label: str


@router.post("/party/members/{member_id}/leave", response=MemberLeftOut, summary="减少党员(死亡、出党等)")
def party_member_leave(request: HttpRequest, member_id: int, payload: MemberLeaveIn) -> dict[str, Any]:
    member = access_party_member_by_id(request.user, member_id)
    left = member_leave(
        actor=request.user, member=member, left_reason=payload.left_reason, left_on=payload.left_on
    )
    return {
        "id": left.pk,
        "name": left.name,
        "status": left.status,
        "status_label": left.get_status_display(),
        "left_on": left.left_on,
        "left_reason": left.left_reason,
        "left_reason_label": left.get_left_reason_display(),
    }


# --- 换届选举 -------------------------------------------------------------------------------------------


class TermIn(Schema):
    elected_on: str
    secretary: str
    deputies: list[str] = Field(default_factory=list)
    members: list[str] = Field(default_factory=list)
    term_years: int | None = None
    note: str = ""
    full_time_deputy: str = ""  # 专职副书记 (added to the deputies when not among them)


class TermOut(Schema):
    id: int
    org_code: str
    elected_on: dt.date
    term_years: int
    expires_on: dt.date
    secretary: str
    deputies: list[str]
    full_time_deputy: str
    members: list[str]
    committee_size: int
    note: str


class TermsOut(Schema):
    org_code: str
    state: str  # none / current / due (runs out within six months) / expired
    current: TermOut | None
    terms: list[TermOut]


def _term(term: Term) -> dict[str, Any]:
    return {
        "id": term.pk,
        "org_code": term.org.code,
        "elected_on": term.elected_on,
        "term_years": term.term_years,
        "expires_on": term.expires_on,
        "secretary": term.secretary,
        "deputies": list(term.deputies),
        "full_time_deputy": term.full_time_deputy,
        "members": list(term.members),
        "committee_size": term.committee_size,
        "note": term.note,
    }


@router.get("/party/orgs/{code}/terms", response=TermsOut, summary="换届选举记录与任期状态")
def party_terms(request: HttpRequest, code: str) -> dict[str, Any]:
    org = access_party_org_by_code(request.user, code)
    terms = terms_of(org)
    current = terms[0] if terms else None
    return {
        "org_code": org.code,
        "state": term_state(current, clock.local_today()),
        "current": _term(current) if current else None,
        "terms": [_term(t) for t in terms],
    }


@router.post("/party/orgs/{code}/terms", response={201: TermOut}, summary="登记换届选举")
def party_term_record(request: HttpRequest, code: str, payload: TermIn) -> Status:
    org = access_party_org_by_code(request.user, code)
    term = term_record(
        actor=request.user,
        org=org,
        elected_on=payload.elected_on,
        secretary=payload.secretary,
        deputies=payload.deputies,
        members=payload.members,
        term_years=payload.term_years,
        note=payload.note,
        full_time_deputy=payload.full_time_deputy,
    )
    return Status(201, _term(term))


# --- 党务力量配备 (institutions) ---------------------------------------------------------------------------


class StaffingIn(Schema):
    is_institution: bool
    headcount: int
    party_staff: int


class StaffingOut(Schema):
    org_code: str
    is_institution: bool
    headcount: int
    party_staff: int
    required_party_staff: int  # 2 % of the headcount, rounded up (institutions only)


def _staffing(org: PartyOrg, staffing: OrgStaffing | None) -> dict[str, Any]:
    if staffing is None:
        return {
            "org_code": org.code,
            "is_institution": False,
            "headcount": 0,
            "party_staff": 0,
            "required_party_staff": 0,
        }
    return {
        "org_code": org.code,
        "is_institution": staffing.is_institution,
        "headcount": staffing.headcount,
        "party_staff": staffing.party_staff,
        "required_party_staff": required_party_staff(staffing),
    }


@router.get("/party/orgs/{code}/staffing", response=StaffingOut, summary="单位人员与专职党务工作人员配备")
def party_staffing(request: HttpRequest, code: str) -> dict[str, Any]:
    org = access_party_org_by_code(request.user, code)
    return _staffing(org, OrgStaffing.objects.filter(org=org).first())


@router.put("/party/orgs/{code}/staffing", response=StaffingOut, summary="登记单位人员与专职党务工作人员数")
def party_staffing_set(request: HttpRequest, code: str, payload: StaffingIn) -> dict[str, Any]:
    org = access_party_org_by_code(request.user, code)
    staffing = org_staffing_set(
        actor=request.user,
        org=org,
        is_institution=payload.is_institution,
        headcount=payload.headcount,
        party_staff=payload.party_staff,
    )
    return _staffing(org, staffing)
