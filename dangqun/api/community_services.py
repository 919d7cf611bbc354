"""社区服务清单 (``dangqun.community``): a community's service items (public, like the list posted at
the service hall), a resident's requests and the staff's moves on them through the door; each request
is due its item's time limit in working days. Out of scope is 404; a move the door refuses is 409."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from dangqun.community import service_list_selectors, service_requests
from dangqun.community.access import access_service_request_by_id, service_requests_for
from dangqun.community.models import ServiceRequest
from dangqun.core import clock
from dangqun.core.errors import NotFoundError
from dangqun.regions.models import Region, RegionLevel

router = Router(tags=["community"])


class ServiceItemOut(Schema):
    id: int
    number: int
    name: str
    desk: str
    time_limit_days: int
    materials: list[str]


@router.get(
    "/community/services/{code}", auth=None, response=list[ServiceItemOut], summary="社区服务清单(公开)"
)
def community_service_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    region = Region.objects.filter(code=code, is_active=True, level=RegionLevel.COMMUNITY).first()
    if region is None:
        raise NotFoundError()
    return [
        {
            "id": i.pk,
            "number": i.number,
            "name": i.name,
            "desk": i.desk,
            "time_limit_days": i.time_limit_days,
            "materials": i.material_list,
        }
        for i in service_list_selectors.items_of(region)
    ]


class ServiceRequestIn(Schema):
    item_id: int
    note: str = ""


class ServiceMoveOut(Schema):
    action: str
    label: str


class ServiceRequestOut(Schema):
    id: int
    code: str
    item_id: int
    item: str
    region: str
    status: str
    status_label: str
    note: str
    due_at: dt.datetime
    overdue: bool
    done_at: dt.datetime | None
    result: str
    moves: list[ServiceMoveOut]


def _row(r: ServiceRequest, user: Any) -> dict[str, Any]:
    return {
        "id": r.pk,
        "code": r.code,
        "item_id": r.item_id,
        "item": r.item.name,
        "region": r.region.code,
        "status": r.status,
        "status_label": r.get_status_display(),
        "note": r.note,
        "due_at": r.due_at,
        "overdue": r.status in service_list_selectors.OPEN and r.due_at < clock.now(),
        "done_at": r.done_at,
        "result": r.result,
        "moves": [
            {"action": t.action, "label": str(t.label)}
            for t in service_requests.ServiceRequestWorkflow.available_moves(r, user)
        ],
    }


@router.post("/community/service-requests", response={201: ServiceRequestOut}, summary="居民申请社区服务")
def community_request_service(request: HttpRequest, payload: ServiceRequestIn) -> Status:
    row = service_requests.service_request_create(actor=request.user, body=payload.dict())
    return Status(201, _row(access_service_request_by_id(request.user, row.pk), request.user))


@router.get("/community/service-requests", response=list[ServiceRequestOut], summary="服务申请(本人或辖区)")
def community_service_requests(request: HttpRequest, status: str | None = None) -> list[dict[str, Any]]:
    qs = service_requests_for(request.user)
    if status:
        qs = qs.filter(status=status)
    return [_row(r, request.user) for r in qs.order_by("-id")[:200]]


class ServiceMoveIn(Schema):
    reason: str = ""
    result: str = ""


@router.post(
    "/community/service-requests/{request_id}/{action}",
    response=ServiceRequestOut,
    summary="服务申请受理、办结或不予受理",
)
def community_move_service_request(
    request: HttpRequest, request_id: int, action: str, payload: ServiceMoveIn
) -> dict[str, Any]:
    row = access_service_request_by_id(request.user, request_id)
    service_requests.service_request_move(actor=request.user, request=row, action=action, body=payload.dict())
    return _row(access_service_request_by_id(request.user, request_id), request.user)
