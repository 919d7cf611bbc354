"""区域化党建 co-building (``dangqun.community``): 共建单位 joining a 大工委 / 大党委 with their 兼职委员,
agreements (协议书) and their renewal, alliances (党建联盟 / 融合体) and members, pairings, and the
joint meetings (联席会议) whose decisions become responsibilities tracked to done. Scope: the regions
of the staff who read the grid registries; writes by community staff and above; out of scope is 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Router, Schema, Status

from dangqun.community import cobuilding, cobuilding_selectors, joint_meetings
from dangqun.community.access import (
    access_agreement_by_id,
    access_alliance_by_id,
    access_joint_meeting_by_id,
    access_region_by_code,
    access_responsibility_by_id,
    pairings_for,
)
from dangqun.community.agreements_export import state_labels
from dangqun.community.models import Agreement, Alliance, CoUnit, JointMeeting, Pairing, Responsibility
from dangqun.community.workflow import ResponsibilityWorkflow
from dangqun.core import clock

router = Router(tags=["community"])


class CoUnitJoinIn(Schema):
    region: str  # the street's or community's code
    business_id: int | None = None
    institution_id: int | None = None
    member_name: str
    joined_on: str | None = None


class CoUnitOut(Schema):
    id: int
    name: str
    region: str
    council: str  # 大工委 (street) or 大党委 (community)
    member_name: str
    joined_on: dt.date


def _unit(u: CoUnit) -> dict[str, Any]:
    council = gettext("大工委") if u.region.level == 2 else gettext("大党委")
    return {
        "id": u.pk,
        "name": u.name,
        "region": u.region.code,
        "council": council,
        "member_name": u.member_name,
        "joined_on": u.joined_on,
    }


@router.post("/community/cobuild/units", response={201: CoUnitOut}, summary="驻区单位加入大工委/大党委")
def community_join_unit(request: HttpRequest, payload: CoUnitJoinIn) -> Status:
    return Status(201, _unit(cobuilding.unit_join(actor=request.user, body=payload.dict())))


@router.get("/community/cobuild/regions/{code}/units", response=list[CoUnitOut], summary="共建单位与兼职委员")
def community_region_units(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    region = access_region_by_code(request.user, code)
    return [_unit(u) for u in cobuilding_selectors.region_units(request.user, region)[:500]]


class AgreementIn(Schema):
    unit_id: int
    title: str
    parties: str
    commitments: str
    starts_on: str
    ends_on: str
    signed_on: str | None = None


class AgreementRenewIn(Schema):
    ends_on: str
    commitments: str = ""


class AgreementOut(Schema):
    id: int
    code: str
    unit_id: int
    unit: str
    region: str
    title: str
    parties: str
    commitments: str
    signed_on: dt.date
    starts_on: dt.date
    ends_on: dt.date
    renews_id: int | None
    state: str
    state_label: str


def _agreement(a: Agreement, user: Any) -> dict[str, Any]:
    renewed = getattr(a, "renewed", None)
    if renewed is None:
        renewed = Agreement.objects.filter(renews=a).exists()
    state = cobuilding_selectors.agreement_state(a, clock.local_today(), bool(renewed))
    return {
        "id": a.pk,
        "code": a.code,
        "unit_id": a.unit_id,
        "unit": a.unit.name,
        "region": a.region.code,
        "title": a.title,
        "parties": a.parties,
        "commitments": a.commitments,
        "signed_on": a.signed_on,
        "starts_on": a.starts_on,
        "ends_on": a.ends_on,
        "renews_id": a.renews_id,
        "state": state,
        "state_label": state_labels()[state],
    }


@router.post("/community/cobuild/agreements", response={201: AgreementOut}, summary="登记共建协议")
def community_sign_agreement(request: HttpRequest, payload: AgreementIn) -> Status:
    agreement = cobuilding.agreement_sign(actor=request.user, body=payload.dict())
    return Status(201, _agreement(access_agreement_by_id(request.user, agreement.pk), request.user))


@router.get(
    "/community/cobuild/regions/{code}/agreements",
    response=list[AgreementOut],
    summary="共建协议(可筛选待续签)",
)
def community_region_agreements(
    request: HttpRequest, code: str, renewal_due: bool = False
) -> list[dict[str, Any]]:
    region = access_region_by_code(request.user, code)
    qs = (
        cobuilding_selectors.renewals_due(request.user, region)
        if renewal_due
        else cobuilding_selectors.region_agreements(request.user, region).order_by("ends_on", "id")
    )
    return [_agreement(a, request.user) for a in qs[:500]]


@router.post(
    "/community/cobuild/agreements/{agreement_id}/renew", response={201: AgreementOut}, summary="续签共建协议"
)
def community_renew_agreement(request: HttpRequest, agreement_id: int, payload: AgreementRenewIn) -> Status:
    agreement = access_agreement_by_id(request.user, agreement_id)
    renewal = cobuilding.agreement_renew(actor=request.user, agreement=agreement, body=payload.dict())
    return Status(201, _agreement(access_agreement_by_id(request.user, renewal.pk), request.user))


class AllianceIn(Schema):
    region: str
    name: str
    lead_org_id: int
    theme: str = ""
    founded_on: str | None = None


class AllianceMemberIn(Schema):
    unit_id: int | None = None
    org_name: str = ""
    field: str
    liaison_name: str


class AllianceMemberOut(Schema):
    id: int
    org_name: str
    unit_id: int | None
    field: str
    field_label: str
    liaison_name: str


class AllianceOut(Schema):
    id: int
    name: str
    region: str
    lead_org_id: int
    lead_org: str
    theme: str
    founded_on: dt.date
    members: list[AllianceMemberOut]


def _alliance(a: Alliance) -> dict[str, Any]:
    return {
        "id": a.pk,
        "name": a.name,
        "region": a.region.code,
        "lead_org_id": a.lead_org_id,
        "lead_org": a.lead_org.name,
        "theme": a.theme,
        "founded_on": a.founded_on,
        "members": [
            {
                "id": m.pk,
                "org_name": m.org_name,
                "unit_id": m.unit_id,
                "field": m.field,
                "field_label": m.get_field_display(),
                "liaison_name": m.liaison_name,
            }
            for m in a.members.all()
        ],
    }


@router.post("/community/cobuild/alliances", response={201: AllianceOut}, summary="成立党建联盟/融合体")
def community_found_alliance(request: HttpRequest, payload: AllianceIn) -> Status:
    alliance = cobuilding.alliance_found(actor=request.user, body=payload.dict())
    return Status(201, _alliance(access_alliance_by_id(request.user, alliance.pk)))


@router.get("/community/cobuild/regions/{code}/alliances", response=list[AllianceOut], summary="党建联盟")
def community_region_alliances(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    region = access_region_by_code(request.user, code)
    qs = cobuilding_selectors.region_alliances(request.user, region).prefetch_related("members")
    return [_alliance(a) for a in qs[:200]]


@router.post(
    "/community/cobuild/alliances/{alliance_id}/members", response={201: AllianceOut}, summary="联盟增加成员"
)
def community_add_alliance_member(
    request: HttpRequest, alliance_id: int, payload: AllianceMemberIn
) -> Status:
    alliance = access_alliance_by_id(request.user, alliance_id)
    cobuilding.alliance_add_member(actor=request.user, alliance=alliance, body=payload.dict())
    return Status(201, _alliance(access_alliance_by_id(request.user, alliance_id)))


class PairingIn(Schema):
    region: str
    kind: str
    org_id: int
    partner_name: str
    partner_kind: str
    goal: str = ""
    started_on: str | None = None


class PairingOut(Schema):
    id: int
    kind: str
    kind_label: str
    region: str
    org_id: int
    org: str
    partner_name: str
    partner_kind: str
    goal: str
    started_on: dt.date


def _pairing(p: Pairing) -> dict[str, Any]:
    return {
        "id": p.pk,
        "kind": p.kind,
        "kind_label": p.get_kind_display(),
        "region": p.region.code,
        "org_id": p.org_id,
        "org": p.org.name,
        "partner_name": p.partner_name,
        "partner_kind": p.partner_kind,
        "goal": p.goal,
        "started_on": p.started_on,
    }


@router.post("/community/cobuild/pairings", response={201: PairingOut}, summary="建立结对共建")
def community_create_pairing(request: HttpRequest, payload: PairingIn) -> Status:
    pairing = cobuilding.pairing_create(actor=request.user, body=payload.dict())
    return Status(201, _pairing(pairings_for(request.user).get(pk=pairing.pk)))


@router.get("/community/cobuild/regions/{code}/pairings", response=list[PairingOut], summary="结对共建")
def community_region_pairings(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    region = access_region_by_code(request.user, code)
    qs = pairings_for(request.user).filter(region__path__subtree=region.path).order_by("-started_on", "-id")
    return [_pairing(p) for p in qs[:500]]


class JointDecisionIn(Schema):
    text: str
    unit_id: int
    owner_name: str
    due_on: str


class JointMeetingIn(Schema):
    region: str
    alliance_id: int | None = None
    held_on: str
    topic: str
    place: str = ""
    attendees: str
    agenda: str = ""
    minutes: str = ""
    decisions: list[JointDecisionIn] = []


class DutyMoveOut(Schema):
    action: str
    label: str


class JointDecisionOut(Schema):
    id: int
    title: str
    unit_id: int
    unit: str
    owner_name: str
    due_on: dt.date
    status: str
    status_label: str
    overdue: bool
    done_note: str
    moves: list[DutyMoveOut]


class JointMeetingOut(Schema):
    id: int
    region: str
    alliance_id: int | None
    held_on: dt.date
    topic: str
    place: str
    attendees: str
    agenda: str
    minutes: str
    decisions: list[JointDecisionOut]


def _decision(r: Responsibility, user: Any) -> dict[str, Any]:
    return {
        "id": r.pk,
        "title": r.title,
        "unit_id": r.unit_id,
        "unit": r.unit.name,
        "owner_name": r.owner_name,
        "due_on": r.due_on,
        "status": r.status,
        "status_label": r.get_status_display(),
        "overdue": r.status == "open" and r.due_on < clock.local_today(),
        "done_note": r.done_note,
        "moves": [
            {"action": t.action, "label": str(t.label)}
            for t in ResponsibilityWorkflow.available_moves(r, user)
        ],
    }


def _meeting(m: JointMeeting, user: Any) -> dict[str, Any]:
    return {
        "id": m.pk,
        "region": m.region.code,
        "alliance_id": m.alliance_id,
        "held_on": m.held_on,
        "topic": m.topic,
        "place": m.place,
        "attendees": m.attendees,
        "agenda": m.agenda,
        "minutes": m.minutes,
        "decisions": [_decision(r, user) for r in cobuilding_selectors.meeting_decisions(m)],
    }


@router.post("/community/cobuild/meetings", response={201: JointMeetingOut}, summary="记录联席会议及其决定")
def community_record_meeting(request: HttpRequest, payload: JointMeetingIn) -> Status:
    meeting = joint_meetings.joint_meeting_record(actor=request.user, body=payload.dict())
    return Status(201, _meeting(access_joint_meeting_by_id(request.user, meeting.pk), request.user))


class JointMeetingRowOut(Schema):
    id: int
    region: str
    held_on: dt.date
    topic: str
    decision_count: int
    done_count: int


@router.get(
    "/community/cobuild/regions/{code}/meetings", response=list[JointMeetingRowOut], summary="联席会议"
)
def community_region_meetings(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    region = access_region_by_code(request.user, code)
    return [
        {
            "id": m.pk,
            "region": m.region.code,
            "held_on": m.held_on,
            "topic": m.topic,
            "decision_count": m.decision_count,  # type: ignore[attr-defined]
            "done_count": m.done_count,  # type: ignore[attr-defined]
        }
        for m in cobuilding_selectors.region_meetings(request.user, region)[:200]
    ]


@router.get("/community/cobuild/meetings/{meeting_id}", response=JointMeetingOut, summary="联席会议详情")
def community_meeting_detail(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    return _meeting(access_joint_meeting_by_id(request.user, meeting_id), request.user)


class DutyDoneIn(Schema):
    note: str = ""


@router.post(
    "/community/responsibilities/{responsibility_id}/complete",
    response=JointDecisionOut,
    summary="责任落实(联席会议决定)",
)
def community_complete_responsibility(
    request: HttpRequest, responsibility_id: int, payload: DutyDoneIn
) -> dict[str, Any]:
    duty = access_responsibility_by_id(request.user, responsibility_id)
    joint_meetings.responsibility_complete(actor=request.user, responsibility=duty, body=payload.dict())
    return _decision(access_responsibility_by_id(request.user, responsibility_id), request.user)
