"""结对帮扶 (``dangqun.partywork``): an organisation's pairings with households in need and 困难党员,
their visits (what was found, money, goods, problems solved), the organisation's totals and the ledger
in Excel. Scope: the organisation's side sees its subtree's pairings, a paired member their own;
anything else is 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from dangqun.core import clock
from dangqun.partywork import pairing_selectors as selectors
from dangqun.partywork.models import Pairing, PairingVisit
from dangqun.partywork.pairing_access import access_org_by_code, access_pairing_by_id
from dangqun.partywork.pairing_export import XLSX, export_pairings, pairing_target
from dangqun.partywork.pairing_services import pairing_create, pairing_visit_record
from dangqun.partywork.pairing_workflow import PairingWorkflow

router = Router(tags=["partywork"])


def _year(year: int | None) -> int:
    if year is None:
        return clock.local_today().year
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("年度须在2000至2100之间")})
    return year


class PairingOut(Schema):
    id: int
    kind: str
    kind_label: str
    org_code: str
    org_name: str
    member_id: int | None
    member_name: str
    household: str | None
    hardship_member_id: int | None
    target: str
    every_days: int
    started_on: dt.date
    last_visit_on: dt.date | None
    next_due: dt.date
    overdue: bool
    status: str
    status_label: str
    note: str
    moves: list[str]


def _pairing(p: Pairing, user: Any) -> dict[str, Any]:
    return {
        "id": p.pk,
        "kind": p.kind,
        "kind_label": p.get_kind_display(),
        "org_code": p.org.code,
        "org_name": p.org.name,
        "member_id": p.member_id,
        "member_name": p.member.name if p.member else "",
        "household": p.household.code if p.household else None,
        "hardship_member_id": p.hardship_member_id,
        "target": pairing_target(p),
        "every_days": p.every_days,
        "started_on": p.started_on,
        "last_visit_on": p.last_visit_on,
        "next_due": selectors.next_due(p),
        "overdue": selectors.is_overdue(p, clock.local_today()),
        "status": p.status,
        "status_label": p.get_status_display(),
        "note": p.note,
        "moves": [t.action for t in PairingWorkflow.available_moves(p, user)],
    }


@router.get(
    "/partywork/orgs/{code}/pairings",
    response=list[PairingOut],
    summary="党组织(含下级)的结对帮扶,标出逾期未走访的;overdue=true 只看逾期",
)
def partywork_org_pairings(request: HttpRequest, code: str, overdue: bool = False) -> list[dict[str, Any]]:
    org = access_org_by_code(request.user, code)
    rows = [_pairing(p, request.user) for p in selectors.org_pairings(org)[:1000]]
    return [r for r in rows if r["overdue"]] if overdue else rows


class PairingIn(Schema):
    kind: str
    household: str = ""
    hardship_member: int | None = None
    member: int | None = None
    every_days: int = 90
    started_on: str = ""
    note: str = ""


@router.post(
    "/partywork/orgs/{code}/pairings",
    response={201: PairingOut},
    summary="建立结对帮扶:帮扶家庭(household 户编码)或困难党员(hardship_member)二选一",
)
def partywork_pairing_create(request: HttpRequest, code: str, payload: PairingIn) -> Status[dict[str, Any]]:
    org = access_org_by_code(request.user, code)
    pairing = pairing_create(
        actor=request.user, org=org, kind=payload.kind, household=payload.household,
        hardship_member=payload.hardship_member, member=payload.member, every_days=payload.every_days,
        started_on=payload.started_on or None, note=payload.note,
    )  # fmt: skip
    return Status(201, _pairing(access_pairing_by_id(request.user, pairing.pk), request.user))


class PairingTotalsOut(Schema):
    year: int
    pairings: int
    members: int
    families: int
    hardship_members: int
    visits: int
    problems_solved: int
    money: Decimal
    overdue: int


@router.get(
    "/partywork/orgs/{code}/pairing-totals",
    response=PairingTotalsOut,
    summary="结对帮扶统计:结对党员、帮扶家庭、困难党员,年度走访、解决问题和帮扶资金,逾期数",
)
def partywork_pairing_totals(request: HttpRequest, code: str, year: int | None = None) -> dict[str, Any]:
    org = access_org_by_code(request.user, code)
    return vars(selectors.org_totals(org, _year(year), clock.local_today()))


@router.get(
    "/partywork/orgs/{code}/pairings.xlsx",
    summary="导出结对帮扶台账与年度走访记录(Excel)",
    response={200: None},
    url_name="partywork_pairings_export",
)
def partywork_pairings_export(request: HttpRequest, code: str, year: int | None = None) -> HttpResponse:
    org = access_org_by_code(request.user, code)
    y = _year(year)
    response = HttpResponse(export_pairings(org, y, clock.local_today()), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="pairings-{org.code}-{y}.xlsx"'
    return response


class PairingVisitOut(Schema):
    id: int
    visited_on: dt.date
    found: str
    help_given: str
    money: Decimal
    goods: str
    problems_solved: int


def _visit(v: PairingVisit) -> dict[str, Any]:
    return {
        "id": v.pk,
        "visited_on": v.visited_on,
        "found": v.found,
        "help_given": v.help_given,
        "money": v.money,
        "goods": v.goods,
        "problems_solved": v.problems_solved,
    }


class PairingDetailOut(PairingOut):
    visits: list[PairingVisitOut]


@router.get("/partywork/pairings/{pairing_id}", response=PairingDetailOut, summary="结对帮扶详情与走访记录")
def partywork_pairing_detail(request: HttpRequest, pairing_id: int) -> dict[str, Any]:
    pairing = access_pairing_by_id(request.user, pairing_id)
    return {
        **_pairing(pairing, request.user),
        "visits": [_visit(v) for v in selectors.pairing_visits(pairing)[:200]],
    }


class PairingVisitIn(Schema):
    visited_on: str
    found: str
    help_given: str = ""
    money: str = "0"
    goods: str = ""
    problems_solved: int = 0


@router.post(
    "/partywork/pairings/{pairing_id}/visits",
    response={201: PairingVisitOut},
    summary="记录帮扶走访:走访发现、帮扶措施、资金、物资、解决问题件数",
)
def partywork_pairing_visit(
    request: HttpRequest, pairing_id: int, payload: PairingVisitIn
) -> Status[dict[str, Any]]:
    pairing = access_pairing_by_id(request.user, pairing_id)
    visit = pairing_visit_record(
        actor=request.user, pairing=pairing, visited_on=payload.visited_on, found=payload.found,
        help_given=payload.help_given, money=payload.money, goods=payload.goods,
        problems_solved=payload.problems_solved,
    )  # fmt: skip
    return Status(201, _visit(visit))


class PairingMoveIn(Schema):
    reason: str = ""


@router.post(
    "/partywork/pairings/{pairing_id}/{action}",
    response=PairingOut,
    summary="办理结对帮扶:end 结束(须填原因)、resume 恢复",
)
def partywork_pairing_move(
    request: HttpRequest, pairing_id: int, action: str, payload: PairingMoveIn
) -> dict[str, Any]:
    pairing = access_pairing_by_id(request.user, pairing_id)
    PairingWorkflow.apply(obj=pairing.pk, action=action, actor=request.user, reason=payload.reason)
    return _pairing(access_pairing_by_id(request.user, pairing_id), request.user)
