"""区域化党建 (``dangqun.community``): the four lists (需求、资源、项目、责任) of a community, the
matching of a need to resources, claims and projects through the workflow door, and the public
民情回音壁. Scope: the regions of the staff who read the grid registries; a resident sees the needs
they raised; anything else is 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from dangqun.community import selectors, services
from dangqun.community.access import (
    access_need_by_id,
    access_project_by_id,
    access_region_by_code,
    needs_for,
    resources_for,
    units_for,
)
from dangqun.community.models import Need, Project, Resource
from dangqun.community.workflow import NeedWorkflow, ProjectWorkflow
from dangqun.core.errors import NotFoundError
from dangqun.regions.models import Region

router = Router(tags=["community"])


class CommunityMoveOut(Schema):
    action: str
    label: str


class CommunityProjectOut(Schema):
    id: int
    code: str
    title: str
    need_id: int
    owner_unit_id: int
    owner_unit: str
    owner_name: str
    milestone: str
    due_on: dt.date
    status: str
    status_label: str
    result: str
    resource_ids: list[int]
    moves: list[CommunityMoveOut]


class CommunityNeedOut(Schema):
    id: int
    code: str
    title: str
    description: str
    category: str
    category_label: str
    region: str
    region_name: str
    place: str
    beneficiaries: int
    source: str
    status: str
    status_label: str
    claimed_by_id: int | None
    claimed_by: str
    result: str
    rating: int | None
    feedback: str
    project: CommunityProjectOut | None
    moves: list[CommunityMoveOut]


def _project(project: Project, user: Any) -> dict[str, Any]:
    return {
        "id": project.pk,
        "code": project.code,
        "title": project.title,
        "need_id": project.need_id,
        "owner_unit_id": project.owner_unit_id,
        "owner_unit": project.owner_unit.name,
        "owner_name": project.owner_name,
        "milestone": project.milestone,
        "due_on": project.due_on,
        "status": project.status,
        "status_label": project.get_status_display(),
        "result": project.result,
        "resource_ids": sorted(r.pk for r in project.resources.all()),
        "moves": [
            {"action": t.action, "label": str(t.label)}
            for t in ProjectWorkflow.available_moves(project, user)
        ],
    }


def _need(need: Need, user: Any, *, detail: bool = True) -> dict[str, Any]:
    project = (
        Project.objects.select_related("owner_unit", "need__region").filter(need=need).first()
        if detail
        else None
    )
    return {
        "id": need.pk,
        "code": need.code,
        "title": need.title,
        "description": need.description,
        "category": need.category,
        "category_label": need.get_category_display(),
        "region": need.region.code,
        "region_name": need.region.name,
        "place": need.place,
        "beneficiaries": need.beneficiaries,
        "source": need.source,
        "status": need.status,
        "status_label": need.get_status_display(),
        "claimed_by_id": need.claimed_by_id,
        "claimed_by": need.claimed_by.name if need.claimed_by else "",
        "result": need.result,
        "rating": need.rating,
        "feedback": need.feedback,
        "project": _project(project, user) if project is not None else None,
        "moves": [
            {"action": t.action, "label": str(t.label)} for t in NeedWorkflow.available_moves(need, user)
        ]
        if detail
        else [],
    }


class CommunityNeedIn(Schema):
    title: str
    description: str = ""
    category: str
    region: str  # a community's or grid's code
    place: str = ""
    beneficiaries: int = 1


@router.post("/community/needs", response={201: CommunityNeedOut}, summary="登记需求(居民、网格员、社区)")
def community_create_need(request: HttpRequest, payload: CommunityNeedIn) -> Status:
    need = services.need_create(actor=request.user, body=payload.dict())
    return Status(201, _need(access_need_by_id(request.user, need.pk), request.user))


@router.get("/community/needs", response=list[CommunityNeedOut], summary="需求清单")
def community_list_needs(
    request: HttpRequest, region: str | None = None, status: str | None = None
) -> list[dict[str, Any]]:
    qs = needs_for(request.user)
    if region:
        qs = qs.filter(region__path__subtree=access_region_by_code(request.user, region).path)
    if status:
        qs = qs.filter(status=status)
    return [_need(n, request.user, detail=False) for n in qs.order_by("-id")[:200]]


@router.get("/community/needs/{need_id}", response=CommunityNeedOut, summary="需求详情与可办理操作")
def community_need_detail(request: HttpRequest, need_id: int) -> dict[str, Any]:
    return _need(access_need_by_id(request.user, need_id), request.user)


class CommunityMatchOut(Schema):
    resource_id: int
    title: str
    provider: str
    unit_id: int | None
    category: str
    region_name: str
    remaining: int
    score: float
    same_category: bool
    place: str
    shared_words: list[str]


@router.get("/community/needs/{need_id}/matches", response=list[CommunityMatchOut], summary="为需求推荐资源")
def community_need_matches(request: HttpRequest, need_id: int, limit: int = 10) -> list[dict[str, Any]]:
    need = access_need_by_id(request.user, need_id)
    return [
        {
            "resource_id": r.pk,
            "title": r.title,
            "provider": r.provider,
            "unit_id": r.unit_id,
            "category": r.category,
            "region_name": r.region.name,
            "remaining": r.remaining,
            "score": m.score,
            "same_category": m.category,
            "place": m.place,
            "shared_words": list(m.shared),
        }
        for m, r in selectors.matches_for(request.user, need, max(1, min(limit, 50)))
    ]


class CommunityClaimIn(Schema):
    unit_id: int


@router.post("/community/needs/{need_id}/claim", response=CommunityNeedOut, summary="共建单位认领需求")
def community_claim_need(request: HttpRequest, need_id: int, payload: CommunityClaimIn) -> dict[str, Any]:
    need = services.need_claim(
        actor=request.user, need=access_need_by_id(request.user, need_id), body=payload.dict()
    )
    return _need(need, request.user)


class CommunityProjectIn(Schema):
    owner_name: str
    due_on: str
    title: str = ""
    plan: str = ""
    milestone: str = ""
    unit_id: int | None = None  # the owner unit; by default the claiming unit
    resource_ids: list[int] = []


@router.post("/community/needs/{need_id}/project", response={201: CommunityNeedOut}, summary="需求立项")
def community_start_project(request: HttpRequest, need_id: int, payload: CommunityProjectIn) -> Status:
    need = access_need_by_id(request.user, need_id)
    services.project_start(actor=request.user, need=need, body=payload.dict())
    return Status(201, _need(access_need_by_id(request.user, need_id), request.user))


class CommunityNeedMoveIn(Schema):
    reason: str = ""
    rating: int | None = None
    feedback: str = ""


@router.post(
    "/community/needs/{need_id}/{action}", response=CommunityNeedOut, summary="需求的其他操作(撤销、评价)"
)
def community_move_need(
    request: HttpRequest, need_id: int, action: str, payload: CommunityNeedMoveIn
) -> dict[str, Any]:
    need = access_need_by_id(request.user, need_id)
    need = services.need_move(actor=request.user, need=need, action=action, body=payload.dict())
    return _need(access_need_by_id(request.user, need_id), request.user)


class CommunityProjectMoveIn(Schema):
    reason: str = ""
    result: str = ""


@router.post(
    "/community/projects/{project_id}/{action}", response=CommunityProjectOut, summary="项目完成或终止"
)
def community_move_project(
    request: HttpRequest, project_id: int, action: str, payload: CommunityProjectMoveIn
) -> dict[str, Any]:
    project = access_project_by_id(request.user, project_id)
    services.project_move(actor=request.user, project=project, action=action, body=payload.dict())
    return _project(access_project_by_id(request.user, project_id), request.user)


class CommunityResourceIn(Schema):
    title: str
    description: str = ""
    category: str
    kind: str
    region: str
    unit_id: int | None = None
    provider: str = ""
    quantity: int = 1
    available_until: str | None = None


class CommunityResourceOut(Schema):
    id: int
    title: str
    category: str
    kind: str
    region: str
    provider: str
    unit_id: int | None
    quantity: int
    remaining: int
    available_until: dt.date | None


def _resource(r: Resource) -> dict[str, Any]:
    return {
        "id": r.pk,
        "title": r.title,
        "category": r.category,
        "kind": r.kind,
        "region": r.region.code,
        "provider": r.provider,
        "unit_id": r.unit_id,
        "quantity": r.quantity,
        "remaining": r.remaining,
        "available_until": r.available_until,
    }


@router.post("/community/resources", response={201: CommunityResourceOut}, summary="登记资源")
def community_create_resource(request: HttpRequest, payload: CommunityResourceIn) -> Status:
    resource = services.resource_create(actor=request.user, body=payload.dict())
    return Status(201, _resource(resource))


@router.get("/community/resources", response=list[CommunityResourceOut], summary="资源清单")
def community_list_resources(request: HttpRequest, region: str | None = None) -> list[dict[str, Any]]:
    qs = resources_for(request.user)
    if region:
        qs = qs.filter(region__path__subtree=access_region_by_code(request.user, region).path)
    return [_resource(r) for r in qs.order_by("-id")[:200]]


class CommunityUnitOut(Schema):
    id: int
    name: str
    region: str
    member_name: str


@router.get("/community/units", response=list[CommunityUnitOut], summary="共建单位")
def community_list_units(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"id": u.pk, "name": u.name, "region": u.region.code, "member_name": u.member_name}
        for u in units_for(request.user).order_by("id")[:500]
    ]


class CommunityCountOut(Schema):
    status: str
    label: str
    count: int


class CommunityListOut(Schema):
    key: str
    total: int
    by_status: list[CommunityCountOut]


@router.get("/community/regions/{code}/lists", response=list[CommunityListOut], summary="四项清单统计")
def community_four_lists(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    region = access_region_by_code(request.user, code)
    return [
        {
            "key": c.key,
            "total": c.total,
            "by_status": [{"status": s, "label": label, "count": n} for s, label, n in c.by_status],
        }
        for c in selectors.four_lists(request.user, region)
    ]


class CommunityWallItemOut(Schema):
    code: str
    title: str
    category: str
    place: str
    raised_by: str
    raised_on: str
    status: str
    taken_by: str
    result: str
    rating: int | None
    feedback: str


class CommunityWallOut(Schema):
    region: str
    region_name: str
    raised: int
    resolved: int
    in_progress: int
    items: list[CommunityWallItemOut]


@router.get("/community/wall/{code}", auth=None, response=CommunityWallOut, summary="民情回音壁(公开)")
def community_wall(request: HttpRequest, code: str) -> dict[str, Any]:
    region = Region.objects.filter(code=code, is_active=True).first()
    if region is None:
        raise NotFoundError()
    summary, items = selectors.wall(region)
    return {"region": region.code, "region_name": region.name, **summary, "items": [vars(i) for i in items]}
