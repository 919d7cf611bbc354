"""网格工作 (``dangqun.gridwork``): 五访五问 visits. The due list of the reader's grids (the rules make
visits due; reading a grid's list runs them for that grid first), a visit with its 五问 checklist and
the moves the reader may make, recording a visit (with an Idempotency-Key from the phone's offline
queue: a retried upload is stored once), cancelling one, and the overdue visits by grid for those who
supervise the grids. Scope: the grid's workers and leader and the regions above; anything else is 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from dangqun.core import clock
from dangqun.core.errors import ForbiddenError
from dangqun.gridwork import selectors
from dangqun.gridwork.access import access_grid_for_visits, access_visit_by_id, own_grid, visits_for
from dangqun.gridwork.due import visits_refresh
from dangqun.gridwork.models import Patrol, Visit, VisitStatus
from dangqun.gridwork.patrols import (
    MissedRow,
    PatrolWorkflow,
    PointIn,
    access_patrol_by_id,
    missed_patrols,
    patrol_end,
    patrol_finding,
    patrol_points,
    patrol_start,
)
from dangqun.gridwork.questions import QUESTION_BY_KEY
from dangqun.gridwork.services import visit_cancel, visit_questions, visit_record
from dangqun.gridwork.visits import VisitWorkflow

router = Router(tags=["gridwork"])

LIST_LIMIT = 500


class GridworkQuestionOut(Schema):
    key: str
    label: str
    prompt: str
    answer: str


class GridworkMoveOut(Schema):
    action: str
    label: str


class GridworkVisitOut(Schema):
    id: int
    rule: str
    rule_name: str
    trigger: str
    grid_code: str
    subject: str
    resident_id: int | None
    household_id: int | None
    case_code: str | None
    due_date: dt.date
    overdue: bool
    status: str
    status_label: str
    done_at: dt.datetime | None
    notes: str
    follow_up: bool
    questions: list[GridworkQuestionOut]
    moves: list[GridworkMoveOut]


class GridworkVisitRowOut(Schema):
    id: int
    rule_name: str
    grid_code: str
    subject: str
    due_date: dt.date
    overdue: bool
    status: str


class GridworkRecordIn(Schema):
    answers: dict[str, str]
    notes: str = ""
    follow_up: bool = False


class GridworkCancelIn(Schema):
    reason: str = ""


class GridworkOverdueOut(Schema):
    grid_code: str
    grid_name: str
    overdue: int
    oldest: dt.date


def _row(visit: Visit, today: dt.date) -> dict[str, Any]:
    return {
        "id": visit.pk,
        "rule_name": visit.rule.name,
        "grid_code": visit.grid.code,
        "subject": visit.subject,
        "due_date": visit.due_date,
        "overdue": visit.status == VisitStatus.DUE and visit.due_date < today,
        "status": visit.status,
    }


def gridwork_visit_detail(visit: Visit, user: Any) -> dict[str, Any]:
    today = clock.local_today()
    return {
        **_row(visit, today),
        "rule": visit.rule.code,
        "trigger": visit.rule.trigger,
        "resident_id": visit.resident_id,
        "household_id": visit.household_id,
        "case_code": visit.case.code if visit.case_id else None,  # type: ignore[union-attr]
        "status_label": visit.get_status_display(),
        "done_at": visit.done_at,
        "notes": visit.notes,
        "follow_up": visit.follow_up,
        "questions": [
            {
                "key": key,
                "label": str(QUESTION_BY_KEY[key].label),
                "prompt": str(QUESTION_BY_KEY[key].prompt),
                "answer": str(visit.answers.get(key, "")),
            }
            for key in visit_questions(visit)
        ],
        "moves": [
            {"action": t.action, "label": str(t.label)} for t in VisitWorkflow.available_moves(visit, user)
        ],
    }


@router.get("/gridwork/visits", response=list[GridworkVisitRowOut], summary="走访名单(应访、逾期、已访)")
def gridwork_list_visits(
    request: HttpRequest, grid: str | None = None, status: str = VisitStatus.DUE, overdue: bool = False
) -> list[dict[str, Any]]:
    """The visits of the reader's grids (one grid with ``grid``; that grid's rules run first, so an
    event shows at once). ``status``: due, done or cancelled; ``overdue``: only due visits past their date."""
    if status not in VisitStatus.values:
        raise ValidationError({"status": _("未知状态: %(s)s") % {"s": status}})
    today = clock.local_today()
    qs = visits_for(request.user).filter(status=status)
    if grid:
        region = access_grid_for_visits(request.user, grid)
        visits_refresh(grid_paths=[region.path])
        qs = qs.filter(grid_path=region.path)
    if overdue:
        qs = qs.filter(status=VisitStatus.DUE, due_date__lt=today)
    qs = qs.select_related("rule", "grid").order_by("due_date", "id")
    return [_row(v, today) for v in qs[:LIST_LIMIT]]


@router.get("/gridwork/visits/overdue-by-grid", response=list[GridworkOverdueOut], summary="逾期走访(按网格)")
def gridwork_overdue_by_grid(request: HttpRequest) -> list[selectors.OverdueRow]:
    return selectors.overdue_by_grid(request.user)


@router.get("/gridwork/visits/{visit_id}", response=GridworkVisitOut, summary="走访详情(五问与可办理操作)")
def gridwork_visit(request: HttpRequest, visit_id: int) -> dict[str, Any]:
    return gridwork_visit_detail(access_visit_by_id(request.user, visit_id), request.user)


@router.post(
    "/gridwork/visits/{visit_id}/record",
    response={200: GridworkVisitOut, 201: GridworkVisitOut},
    summary="记录走访(五问);同一Idempotency-Key重发只记一次",
)
def gridwork_record_visit(request: HttpRequest, visit_id: int, payload: GridworkRecordIn) -> Status:
    result = visit_record(
        actor=request.user,
        visit_id=visit_id,
        answers=payload.answers,
        notes=payload.notes,
        follow_up=payload.follow_up,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
    )
    visit = access_visit_by_id(request.user, result.visit.pk)
    return Status(201 if result.created else 200, gridwork_visit_detail(visit, request.user))


@router.post("/gridwork/visits/{visit_id}/cancel", response=GridworkVisitOut, summary="取消走访(须填写原因)")
def gridwork_cancel_visit(request: HttpRequest, visit_id: int, payload: GridworkCancelIn) -> dict[str, Any]:
    visit_cancel(actor=request.user, visit_id=visit_id, reason=payload.reason)
    return gridwork_visit_detail(access_visit_by_id(request.user, visit_id), request.user)


# --- 一日两巡 patrols -------------------------------------------------------------------------------


class GridworkPointIn(Schema):
    at: dt.datetime
    lng: float
    lat: float


class GridworkPointsIn(Schema):
    points: list[GridworkPointIn]


class GridworkPointsOut(Schema):
    added: int
    flagged: int
    points_count: int


class GridworkFindingIn(Schema):
    title: str
    description: str
    lng: float | None = None
    lat: float | None = None
    address: str = ""


class GridworkFindingOut(Schema):
    case_code: str
    patrol_id: int


class GridworkTrackPointOut(Schema):
    at: dt.datetime
    lng: float
    lat: float
    flag: str


class GridworkPatrolOut(Schema):
    id: int
    grid_code: str
    worker: str
    day: dt.date
    slot: str
    slot_label: str
    status: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    points_count: int
    flagged_count: int
    findings: list[str]
    track: list[GridworkTrackPointOut]
    moves: list[GridworkMoveOut]


class GridworkMissedOut(Schema):
    grid_code: str
    grid_name: str
    day: dt.date
    missing: list[str]


def gridwork_patrol_detail(patrol: Patrol, user: Any) -> dict[str, Any]:
    return {
        "id": patrol.pk,
        "grid_code": patrol.grid.code,
        "worker": patrol.worker.get_username(),
        "day": patrol.day,
        "slot": patrol.slot,
        "slot_label": patrol.get_slot_display(),
        "status": patrol.status,
        "started_at": patrol.started_at,
        "ended_at": patrol.ended_at,
        "points_count": patrol.points_count,
        "flagged_count": patrol.flagged_count,
        "findings": list(patrol.findings.values_list("case__code", flat=True)),
        "track": list(patrol.points.values("at", "lng", "lat", "flag")),
        "moves": [
            {"action": t.action, "label": str(t.label)} for t in PatrolWorkflow.available_moves(patrol, user)
        ],
    }


@router.post(
    "/gridwork/patrols", response={200: GridworkPatrolOut, 201: GridworkPatrolOut}, summary="开始巡查"
)
def gridwork_start_patrol(request: HttpRequest) -> Status:
    grid = own_grid(request.user)
    if grid is None:
        raise ForbiddenError(_("只有网格员可以巡查"))
    patrol, created = patrol_start(
        actor=request.user, grid=grid, idempotency_key=request.headers.get("Idempotency-Key", "")
    )
    detail = gridwork_patrol_detail(access_patrol_by_id(request.user, patrol.pk), request.user)
    return Status(201 if created else 200, detail)


@router.get("/gridwork/patrols/missed", response=list[GridworkMissedOut], summary="漏巡(按网格和日期)")
def gridwork_missed_patrols(request: HttpRequest, day: dt.date | None = None) -> list[MissedRow]:
    return missed_patrols(request.user, day=day or clock.local_today())


@router.get("/gridwork/patrols/{patrol_id}", response=GridworkPatrolOut, summary="巡查详情与轨迹")
def gridwork_patrol(request: HttpRequest, patrol_id: int) -> dict[str, Any]:
    return gridwork_patrol_detail(access_patrol_by_id(request.user, patrol_id), request.user)


@router.post(
    "/gridwork/patrols/{patrol_id}/points", response=GridworkPointsOut, summary="上传轨迹点(同一时间只记一次)"
)
def gridwork_patrol_points(request: HttpRequest, patrol_id: int, payload: GridworkPointsIn) -> dict[str, Any]:
    points = [PointIn(at=p.at, lng=p.lng, lat=p.lat) for p in payload.points]
    added, flagged = patrol_points(actor=request.user, patrol_id=patrol_id, points=points)
    patrol = access_patrol_by_id(request.user, patrol_id)
    return {"added": added, "flagged": flagged, "points_count": patrol.points_count}


@router.post(
    "/gridwork/patrols/{patrol_id}/findings",
    response={200: GridworkFindingOut, 201: GridworkFindingOut},
    summary="巡查发现转诉求(隐患随手拍)",
)
def gridwork_patrol_finding(request: HttpRequest, patrol_id: int, payload: GridworkFindingIn) -> Status:
    case, created = patrol_finding(
        actor=request.user,
        patrol_id=patrol_id,
        title=payload.title,
        description=payload.description,
        lng=payload.lng,
        lat=payload.lat,
        address=payload.address,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
    )
    return Status(201 if created else 200, {"case_code": case.code, "patrol_id": patrol_id})


@router.post("/gridwork/patrols/{patrol_id}/end", response=GridworkPatrolOut, summary="结束巡查")
def gridwork_end_patrol(request: HttpRequest, patrol_id: int) -> dict[str, Any]:
    patrol_end(actor=request.user, patrol_id=patrol_id)
    return gridwork_patrol_detail(access_patrol_by_id(request.user, patrol_id), request.user)
