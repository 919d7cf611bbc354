"""入户排查 (``dangqun.gridwork.campaigns``): a street's or community's staff draft a door-to-door
campaign over their region with its form (the kind's ready-made form when ``questions`` is omitted),
open it (every household listed, each to its grid's worker) and close it; the grids' workers record
each door — the answers, or 无人在家 to try again. Completion per grid rolls up to community and street;
the answers are tallied; the office downloads the households as Excel. A door recorded twice (the
phone's offline queue) or of a campaign not open is a 409; a form or answer that does not fit is a 422
naming the field (``answers.gas``); a region or door outside the reader's scope a 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from dangqun.gridwork.campaign_progress import (
    XLSX,
    answer_tally,
    export_campaign,
    my_doors,
    overall,
    progress,
)
from dangqun.gridwork.campaigns import (
    CampaignWorkflow,
    DoorWorkflow,
    access_campaign_by_id,
    access_door_by_id,
    campaign_create,
    campaigns_for,
)
from dangqun.gridwork.models import Campaign, CampaignHousehold

router = Router(tags=["gridwork"])


class CampaignIn(Schema):
    region: str  # a street's or community's code
    title: str
    kind: str  # safety 安全隐患排查 / population 人口信息核查 / epidemic 疫情防控排查 / other
    starts_on: dt.date
    ends_on: dt.date
    questions: list[dict[str, Any]] | None = (
        None  # key, label, type (yes_no/choice/number/text), choices, required
    )


class MoveOut(Schema):
    action: str
    label: str


class ProgressOut(Schema):
    region: str
    level: int
    households: int
    done: int
    absent: int
    pending: int
    pct: int


class TallyOut(Schema):
    key: str
    label: str
    type: str
    items: list[tuple[str, int]]


class CampaignRowOut(Schema):
    id: int
    title: str
    kind: str
    region: str
    status: str
    starts_on: dt.date
    ends_on: dt.date
    households: int
    done: int
    pct: int


class CampaignOut(CampaignRowOut):
    questions: list[dict[str, Any]]
    moves: list[MoveOut]
    progress: list[ProgressOut]
    tally: list[TallyOut]


class DoorOut(Schema):
    id: int
    campaign: int
    grid: str
    building: str
    room: str
    status: str
    attempts: int
    answers: dict[str, Any]
    note: str
    moves: list[MoveOut]


class DoorIn(Schema):
    answers: dict[str, Any] = {}
    note: str = ""


class NoteIn(Schema):
    note: str = ""


class MoveIn(Schema):
    reason: str = ""


def _moves(workflow: Any, obj: Any, user: object) -> list[dict[str, str]]:
    return [{"action": t.action, "label": str(t.label)} for t in workflow.available_moves(obj, user)]


def _row(campaign: Campaign, user: object) -> dict[str, Any]:
    total = overall(progress(campaign, user))
    return {
        "id": campaign.pk, "title": campaign.title, "kind": campaign.kind, "region": campaign.region.name,
        "status": campaign.status, "starts_on": campaign.starts_on, "ends_on": campaign.ends_on,
        "households": total.total, "done": total.done, "pct": total.pct,
    }  # fmt: skip


def campaign_detail(campaign: Campaign, user: object) -> dict[str, Any]:
    rows = progress(campaign, user)
    return {
        **_row(campaign, user),
        "questions": campaign.questions,
        "moves": _moves(CampaignWorkflow, campaign, user),
        "progress": [
            {"region": r.name, "level": r.level, "households": r.total, "done": r.done, "absent": r.absent,
             "pending": r.pending, "pct": r.pct}
            for r in rows
        ],
        "tally": answer_tally(campaign, user),
    }  # fmt: skip


def door_detail(door: CampaignHousehold, user: object) -> dict[str, Any]:
    household = door.household
    return {
        "id": door.pk, "campaign": door.campaign_id, "grid": door.grid.name,
        "building": household.building.name, "room": household.room, "status": door.status,
        "attempts": door.attempts, "answers": door.answers, "note": door.note,
        "moves": _moves(DoorWorkflow, door, user),
    }  # fmt: skip


@router.get("/gridwork/campaigns", response=list[CampaignRowOut], summary="入户排查(本辖区及覆盖本网格的)")
def gridwork_campaigns(request: HttpRequest) -> list[dict[str, Any]]:
    campaigns = campaigns_for(request.user).select_related("region")[:100]
    return [_row(c, request.user) for c in campaigns]


@router.post("/gridwork/campaigns", response={201: CampaignOut}, summary="发起入户排查(草稿)")
def gridwork_create_campaign(request: HttpRequest, payload: CampaignIn) -> Status:
    campaign = campaign_create(
        actor=request.user,  # type: ignore[arg-type]
        region_code=payload.region,
        title=payload.title,
        kind=payload.kind,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        questions=payload.questions,
    )
    return Status(201, campaign_detail(access_campaign_by_id(request.user, campaign.pk), request.user))


@router.get("/gridwork/campaigns/{campaign_id}", response=CampaignOut, summary="入户排查进度与结果")
def gridwork_campaign(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    return campaign_detail(access_campaign_by_id(request.user, campaign_id), request.user)


@router.get(
    "/gridwork/campaigns/{campaign_id}/doors", response=list[DoorOut], summary="我负责的排查住户(待入户在前)"
)
def gridwork_campaign_doors(request: HttpRequest, campaign_id: int, status: str = "") -> list[dict[str, Any]]:
    campaign = access_campaign_by_id(request.user, campaign_id)
    return [door_detail(d, request.user) for d in my_doors(campaign, request.user, status)]


@router.get(
    "/gridwork/campaigns/{campaign_id}/export.xlsx",
    summary="导出入户排查台账(Excel)",
    response={200: None},
    url_name="gridwork_campaign_export",
)
def gridwork_campaign_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = access_campaign_by_id(request.user, campaign_id)
    response = HttpResponse(export_campaign(campaign, request.user), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}.xlsx"'
    return response


@router.post("/gridwork/doors/{door_id}/record", response=DoorOut, summary="登记入户排查结果")
def gridwork_record_door(request: HttpRequest, door_id: int, payload: DoorIn) -> dict[str, Any]:
    door = access_door_by_id(request.user, door_id)
    DoorWorkflow.apply(
        obj=door, action="record", actor=request.user, answers=payload.answers, note=payload.note
    )
    return door_detail(access_door_by_id(request.user, door_id), request.user)


@router.post("/gridwork/doors/{door_id}/absent", response=DoorOut, summary="入户无人在家(保留待再次入户)")
def gridwork_door_absent(request: HttpRequest, door_id: int, payload: NoteIn) -> dict[str, Any]:
    door = access_door_by_id(request.user, door_id)
    actor: Any = request.user
    DoorWorkflow.apply(obj=door, action="absent", actor=actor, note=payload.note)
    return door_detail(access_door_by_id(request.user, door_id), request.user)


# after the fixed paths (…/doors, …/export.xlsx): the first URL pattern that matches wins
@router.post("/gridwork/campaigns/{campaign_id}/{action}", response=CampaignOut, summary="启动或结束入户排查")
def gridwork_move_campaign(
    request: HttpRequest, campaign_id: int, action: str, payload: MoveIn
) -> dict[str, Any]:
    campaign = access_campaign_by_id(request.user, campaign_id)
    actor: Any = request.user
    CampaignWorkflow.apply(obj=campaign, action=action, actor=actor, reason=payload.reason)
    return campaign_detail(access_campaign_by_id(request.user, campaign_id), request.user)
