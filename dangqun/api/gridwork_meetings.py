"""研判 meetings (``dangqun.gridwork.meetings``): the meetings of the reader's regions by kind and
region, recording a held one with its cases and decisions (owner by username, due date), one meeting
with its decisions, the open decisions (``mine=true``: those the reader owns) and marking one done
through the door. Scope: the regions the reader works in; anything else is 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from dangqun.core import clock
from dangqun.gridwork.meetings import (
    DecisionIn,
    DecisionWorkflow,
    access_decision_by_id,
    access_meeting_by_id,
    decision_done,
    meeting_record,
    meetings_for,
    open_decisions,
)
from dangqun.gridwork.models import Decision, Meeting, MeetingKind

router = Router(tags=["gridwork"])
LIST_LIMIT = 200


class DecisionInSchema(Schema):
    text: str
    owner: str
    due_date: dt.date


class MeetingIn(Schema):
    region: str
    kind: str
    held_on: dt.date
    topic: str
    place: str = ""
    attendees: str = ""
    minutes: str = ""
    cases: list[str] = []
    decisions: list[DecisionInSchema] = []


class DecisionOut(Schema):
    id: int
    meeting_id: int
    text: str
    owner: str
    due_date: dt.date
    status: str
    status_label: str
    overdue: bool
    done_at: dt.datetime | None
    done_note: str
    moves: list[str]


class MeetingRowOut(Schema):
    id: int
    kind: str
    kind_label: str
    region_code: str
    region_name: str
    held_on: dt.date
    topic: str


class MeetingOut(MeetingRowOut):
    place: str
    attendees: str
    minutes: str
    recorded_by: str
    cases: list[str]
    decisions: list[DecisionOut]


class DoneIn(Schema):
    note: str = ""


def decision_out(decision: Decision, user: Any, today: dt.date) -> dict[str, Any]:
    return {
        "id": decision.pk,
        "meeting_id": decision.meeting_id,
        "text": decision.text,
        "owner": str(decision.owner),
        "due_date": decision.due_date,
        "status": decision.status,
        "status_label": str(DecisionWorkflow.status_label(decision.status)),
        "overdue": decision.status == "open" and decision.due_date < today,
        "done_at": decision.done_at,
        "done_note": decision.done_note,
        "moves": [t.action for t in DecisionWorkflow.available_moves(decision, user)],
    }


def meeting_row(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "kind": meeting.kind,
        "kind_label": str(MeetingKind(meeting.kind).label),
        "region_code": meeting.region.code,
        "region_name": meeting.region.name,
        "held_on": meeting.held_on,
        "topic": meeting.topic,
    }


def meeting_detail(meeting: Meeting, user: Any) -> dict[str, Any]:
    today = clock.local_today()
    decisions = meeting.decisions.select_related("owner").order_by("due_date", "id")
    return {
        **meeting_row(meeting),
        "place": meeting.place,
        "attendees": meeting.attendees,
        "minutes": meeting.minutes,
        "recorded_by": str(meeting.recorded_by),
        "cases": list(meeting.cases.order_by("code").values_list("code", flat=True)),
        "decisions": [decision_out(d, user, today) for d in decisions],
    }


@router.get("/gridwork/meetings", response=list[MeetingRowOut], summary="研判会议(日碰头、周研判、月会商…)")
def gridwork_list_meetings(request: HttpRequest, kind: str = "", region: str = "") -> list[dict[str, Any]]:
    qs = meetings_for(request.user).select_related("region")
    if kind:
        qs = qs.filter(kind=kind)
    if region:
        qs = qs.filter(region__code=region)
    return [meeting_row(m) for m in qs.order_by("-held_on", "-id")[:LIST_LIMIT]]


@router.post("/gridwork/meetings", response={201: MeetingOut}, summary="记录研判会议(诉求与决定事项)")
def gridwork_record_meeting(request: HttpRequest, payload: MeetingIn) -> Status:
    meeting = meeting_record(
        actor=request.user,
        region_code=payload.region,
        kind=payload.kind,
        held_on=payload.held_on,
        values={"topic": payload.topic, "place": payload.place, "attendees": payload.attendees,
                "minutes": payload.minutes},
        case_codes=payload.cases,
        decisions=[DecisionIn(d.text, d.owner, d.due_date) for d in payload.decisions],
    )  # fmt: skip
    return Status(201, meeting_detail(access_meeting_by_id(request.user, meeting.pk), request.user))


@router.get("/gridwork/meetings/{meeting_id}", response=MeetingOut, summary="研判会议详情")
def gridwork_meeting(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    return meeting_detail(access_meeting_by_id(request.user, meeting_id), request.user)


@router.get("/gridwork/decisions", response=list[DecisionOut], summary="未落实的研判决定")
def gridwork_open_decisions(request: HttpRequest, mine: bool = False) -> list[dict[str, Any]]:
    today = clock.local_today()
    return [
        decision_out(d, request.user, today) for d in open_decisions(request.user, mine=mine)[:LIST_LIMIT]
    ]


@router.post("/gridwork/decisions/{decision_id}/done", response=DecisionOut, summary="落实研判决定")
def gridwork_decision_done(request: HttpRequest, decision_id: int, payload: DoneIn) -> dict[str, Any]:
    decision_done(actor=request.user, decision_id=decision_id, note=payload.note)
    decision = access_decision_by_id(request.user, decision_id)
    return decision_out(decision, request.user, clock.local_today())
