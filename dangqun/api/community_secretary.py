"""书记项目 library (``dangqun.community``): the three-level library filtered by level, status and
region, the 品牌 showcase and counts, a project with the moves the door accepts, declaring one for
one's own level, the moves, and the library as Excel. Out of scope is 404; a move the door refuses
is 409; bad input is 422 naming the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from dangqun.community import secretary_project_selectors as selectors
from dangqun.community import secretary_projects
from dangqun.community.access import access_secretary_project_by_id
from dangqun.community.models import SecretaryProject, SecretaryProjectLevel, SecretaryProjectStatus
from dangqun.core import clock
from dangqun.regions.models import Region

router = Router(tags=["community"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class MoveOut(Schema):
    action: str
    label: str


class SecretaryProjectOut(Schema):
    id: int
    code: str
    title: str
    level: int
    level_label: str
    region: str
    region_name: str
    org_id: int
    org: str
    secretary_name: str
    goals: str
    milestones: list[str]
    status: str
    status_label: str
    result: str
    score: int | None
    evaluation: str
    is_brand: bool
    evaluated_at: dt.datetime | None
    moves: list[MoveOut]


def _row(p: SecretaryProject, user: Any) -> dict[str, Any]:
    return {
        "id": p.pk,
        "code": p.code,
        "title": p.title,
        "level": p.level,
        "level_label": p.get_level_display(),
        "region": p.region.code,
        "region_name": p.region.name,
        "org_id": p.org_id,
        "org": p.org.name,
        "secretary_name": p.secretary_name,
        "goals": p.goals,
        "milestones": p.milestone_list,
        "status": p.status,
        "status_label": p.get_status_display(),
        "result": p.result,
        "score": p.score,
        "evaluation": p.evaluation,
        "is_brand": p.is_brand,
        "evaluated_at": p.evaluated_at,
        "moves": [
            {"action": t.action, "label": str(t.label)}
            for t in secretary_projects.SecretaryProjectWorkflow.available_moves(p, user)
        ],
    }


def filters(params: Any) -> dict[str, Any]:
    """The library's filters from a query string: each bad value is 422 naming it."""
    out: dict[str, Any] = {}
    level = str(params.get("level") or "")
    if level:
        if not level.isdigit() or int(level) not in SecretaryProjectLevel.values:
            raise ValidationError({"level": _("取值无效: %(v)s") % {"v": level}})
        out["level"] = int(level)
    status = str(params.get("status") or "")
    if status:
        if status not in SecretaryProjectStatus.values:
            raise ValidationError({"status": _("取值无效: %(v)s") % {"v": status}})
        out["status"] = status
    code = str(params.get("region") or "")
    if code:
        region = Region.objects.filter(code=code, is_active=True).first()
        if region is None:
            raise ValidationError({"region": _("取值无效: %(v)s") % {"v": code}})
        out["region"] = region
    return out


class LibraryOut(Schema):
    counts: dict[str, Any]
    showcase: list[SecretaryProjectOut]
    projects: list[SecretaryProjectOut]


@router.get(
    "/community/secretary-projects", response=LibraryOut, summary="书记项目库(按层级、状态、区域筛选)"
)
def secretary_project_library(request: HttpRequest) -> dict[str, Any]:
    qs = selectors.library(request.user, **filters(request.GET))
    return {
        "counts": selectors.counts(request.user),
        "showcase": [_row(p, request.user) for p in selectors.showcase(request.user)[:12]],
        "projects": [_row(p, request.user) for p in qs[:200]],
    }


@router.get("/community/secretary-projects.xlsx", response={200: None}, summary="导出书记项目库")
def secretary_project_export(request: HttpRequest) -> HttpResponse:
    data = selectors.export_library(selectors.library(request.user, **filters(request.GET)))
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="secretary-projects-{clock.now():%Y%m%d}.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


class SecretaryProjectIn(Schema):
    title: str = ""
    region: str = ""
    org_id: int | None = None
    secretary_name: str = ""
    goals: str = ""
    milestones: str = ""


@router.post("/community/secretary-projects", response={201: SecretaryProjectOut}, summary="申报书记项目")
def secretary_project_declare(request: HttpRequest, payload: SecretaryProjectIn) -> Status:
    project = secretary_projects.secretary_project_declare(actor=request.user, body=payload.dict())
    return Status(201, _row(access_secretary_project_by_id(request.user, project.pk), request.user))


@router.get("/community/secretary-projects/{project_id}", response=SecretaryProjectOut, summary="书记项目")
def secretary_project_detail(request: HttpRequest, project_id: int) -> dict[str, Any]:
    return _row(access_secretary_project_by_id(request.user, project_id), request.user)


class SecretaryMoveIn(Schema):
    result: str = ""
    score: str | int | None = None
    comment: str = ""


@router.post(
    "/community/secretary-projects/{project_id}/{action}",
    response=SecretaryProjectOut,
    summary="书记项目立项、实施、完成、评估、推广为品牌",
)
def secretary_project_move(
    request: HttpRequest, project_id: int, action: str, payload: SecretaryMoveIn
) -> dict[str, Any]:
    project = access_secretary_project_by_id(request.user, project_id)
    secretary_projects.secretary_project_move(
        actor=request.user, project=project, action=action, body=payload.dict()
    )
    return _row(access_secretary_project_by_id(request.user, project_id), request.user)
