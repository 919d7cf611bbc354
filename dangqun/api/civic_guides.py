"""办事指南 (``dangqun.civic``): the public catalogue of service items (village/community, street and
district; readable without logging in), the staff's upkeep of their regions' items, and online
applications (代办): a resident submits one with materials, the responsible unit accepts it, records
each hand-over and brings it to 办结 within the item's time limit, or returns it with a reason.
A resident sees only their own applications, staff only their unit's: anything else is 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from dangqun.cases.services.attachments import upload_from
from dangqun.civic import guide_selectors as selectors
from dangqun.civic.access import (
    access_application_by_id,
    access_managed_item_by_code,
    access_public_item_by_code,
    require_service_staff,
)
from dangqun.civic.guide_services import application_submit, service_item_create, service_item_update
from dangqun.civic.guides import ApplicationWorkflow, unit_of
from dangqun.civic.models import ServiceApplication, ServiceItem
from dangqun.core.errors import ForbiddenError
from dangqun.regions.models import Region

router = Router(tags=["civic"])


class CivicMaterialOut(Schema):
    name: str
    copies: int
    note: str


class CivicServiceOut(Schema):
    code: str
    name: str
    category: str
    level: str
    level_label: str
    region_code: str
    region_name: str
    unit: str
    department_code: str | None
    conditions: str
    materials: list[CivicMaterialOut]
    time_limit_days: int
    fee: str
    location: str
    hours: str
    phone: str
    online: bool
    page_url: str
    qr_url: str


class CivicServiceListOut(Schema):
    count: int
    items: list[CivicServiceOut]


class CivicServiceIn(Schema):
    region: str  # a region code inside the staff member's scope (district, street or community/village)
    name: str
    time_limit_days: int
    materials: list[Any] = []
    department: str | None = None  # the responsible department's code; empty: the region's service hall
    category: str = ""
    unit_name: str = ""
    conditions: str = ""
    fee: str = "不收费"  # i18n: data
    location: str = ""
    hours: str = ""
    phone: str = ""
    online: bool = True


class CivicServicePatchIn(Schema):
    name: str | None = None
    category: str | None = None
    unit_name: str | None = None
    conditions: str | None = None
    materials: list[Any] | None = None
    time_limit_days: int | None = None
    fee: str | None = None
    location: str | None = None
    hours: str | None = None
    phone: str | None = None
    online: bool | None = None
    is_active: bool | None = None
    department: str | None = None


class CivicHandoverOut(Schema):
    from_place: str
    to_place: str
    at: dt.datetime
    note: str


class CivicFileOut(Schema):
    name: str
    content_type: str
    size: int


class CivicApplicationMoveOut(Schema):
    action: str
    label: str
    needs: list[str]


class CivicApplicationOut(Schema):
    id: int
    code: str
    item_code: str
    item_name: str
    unit: str
    status: str
    status_label: str
    note: str
    submitted_at: dt.datetime
    due_at: dt.datetime
    accepted_at: dt.datetime | None
    done_at: dt.datetime | None
    returned_at: dt.datetime | None
    result: str
    return_reason: str
    light: str
    overdue: bool
    files: list[CivicFileOut]
    handovers: list[CivicHandoverOut]
    moves: list[CivicApplicationMoveOut]


class CivicApplicationListOut(Schema):
    count: int
    items: list[CivicApplicationOut]


class CivicApplicationMoveIn(Schema):
    reason: str = ""
    to: str = ""  # hand_over: who receives the papers (e.g. 县政务服务中心民政窗口)
    note: str = ""
    result: str = ""  # complete: the result


def _service(item: ServiceItem) -> dict[str, Any]:
    return {
        "code": item.code,
        "name": item.name,
        "category": item.category,
        "level": item.level,
        "level_label": item.get_level_display(),
        "region_code": item.region.code,
        "region_name": item.region.name,
        "unit": unit_of(item),
        "department_code": item.department.code if item.department is not None else None,
        "conditions": item.conditions,
        "materials": item.materials,
        "time_limit_days": item.time_limit_days,
        "fee": item.fee,
        "location": item.location,
        "hours": item.hours,
        "phone": item.phone,
        "online": item.online,
        "page_url": f"/civic/services/{item.code}/",
        "qr_url": f"/civic/services/{item.code}/qr.svg",
    }


def application_out(application: ServiceApplication, user: Any) -> dict[str, Any]:
    light = selectors.light_of(application)
    return {
        "id": application.pk,
        "code": application.code,
        "item_code": application.item.code,
        "item_name": application.item.name,
        "unit": unit_of(application.item),
        "status": application.status,
        "status_label": application.get_status_display(),
        "note": application.note,
        "submitted_at": application.submitted_at,
        "due_at": application.due_at,
        "accepted_at": application.accepted_at,
        "done_at": application.done_at,
        "returned_at": application.returned_at,
        "result": application.result,
        "return_reason": application.return_reason,
        "light": light.colour,
        "overdue": light.overdue,
        "files": [
            {"name": f.original_name, "content_type": f.content_type, "size": f.size}
            for f in application.files.all()
        ],
        "handovers": [
            {"from_place": h.from_place, "to_place": h.to_place, "at": h.at, "note": h.note}
            for h in application.handovers.all()
        ],
        "moves": [
            {"action": t.action, "label": str(t.label), "needs": list(t.needs)}
            for t in ApplicationWorkflow.available_moves(application, user)
        ],
    }


@router.get("/civic/services", response=CivicServiceListOut, auth=None, summary="办事指南目录(公开)")
def civic_services(  # noqa: PLR0917 - query parameters
    request: HttpRequest, region: str = "", level: str = "", q: str = "", limit: int = 100, offset: int = 0
) -> dict[str, Any]:
    where = Region.objects.filter(code=region).first() if region else None
    if region and where is None:
        raise ValidationError({"region": _("区域不存在:%(code)s") % {"code": region}})
    qs = selectors.catalogue(region=where, level=level, q=q[:60])
    limit = max(1, min(limit, 200))
    return {"count": qs.count(), "items": [_service(i) for i in qs[max(0, offset) : max(0, offset) + limit]]}


@router.post("/civic/services", response={201: CivicServiceOut}, summary="新建办事事项(本辖区)")
def civic_create_service(request: HttpRequest, payload: CivicServiceIn) -> Status:
    require_service_staff(request.user)
    data = payload.dict()
    item = service_item_create(
        actor=request.user,  # type: ignore[arg-type]
        region_code=data.pop("region"),
        name=data.pop("name"),
        materials=data.pop("materials"),
        time_limit_days=data.pop("time_limit_days"),
        department_code=data.pop("department"),
        **data,
    )
    return Status(201, _service(item))


@router.get("/civic/services/{code}", response=CivicServiceOut, auth=None, summary="办事事项详情(公开)")
def civic_service(request: HttpRequest, code: str) -> dict[str, Any]:
    return _service(access_public_item_by_code(code))


@router.patch("/civic/services/{code}", response=CivicServiceOut, summary="修改办事事项(本辖区)")
def civic_update_service(request: HttpRequest, code: str, payload: CivicServicePatchIn) -> dict[str, Any]:
    require_service_staff(request.user)
    item = access_managed_item_by_code(request.user, code)
    service_item_update(actor=request.user, item=item, changes=payload.dict(exclude_unset=True))  # type: ignore[arg-type]
    return _service(access_managed_item_by_code(request.user, code))


@router.post(
    "/civic/services/{code}/applications",
    response={201: CivicApplicationOut},
    summary="网上代办:提交申请及材料(multipart,files 可多个)",
)
def civic_apply(
    request: HttpRequest, code: str, files: File[list[UploadedFile]], note: Form[str] = ""
) -> Status:
    item = access_public_item_by_code(code)
    application = application_submit(
        actor=request.user,  # type: ignore[arg-type]
        item=item,
        note=note,
        uploads=[upload_from(f) for f in files],
    )
    return Status(201, application_out(access_application_by_id(request.user, application.pk), request.user))


@router.get("/civic/me/applications", response=list[CivicApplicationOut], summary="我的代办申请")
def civic_my_applications(request: HttpRequest) -> list[dict[str, Any]]:
    rows = selectors.my_applications(request.user).prefetch_related("files", "handovers")[:100]
    return [application_out(a, request.user) for a in rows]


@router.get(
    "/civic/applications", response=CivicApplicationListOut, summary="代办工作台(本单位承办,超期在前)"
)
def civic_workbench(
    request: HttpRequest, status: str = "", q: str = "", limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    require_service_staff(request.user)
    qs = selectors.workbench(request.user, status=status, q=q[:60])
    limit = max(1, min(limit, 200))
    rows = qs.prefetch_related("files", "handovers")[max(0, offset) : max(0, offset) + limit]
    return {"count": qs.count(), "items": [application_out(a, request.user) for a in rows]}


@router.get("/civic/applications/{application_id}", response=CivicApplicationOut, summary="代办申请详情")
def civic_application(request: HttpRequest, application_id: int) -> dict[str, Any]:
    return application_out(access_application_by_id(request.user, application_id), request.user)


@router.post(
    "/civic/applications/{application_id}/{action}",
    response=CivicApplicationOut,
    summary="办理代办申请:accept 受理、hand_over 交接(to)、complete 办结(result)、"
    "return 退回(reason)、withdraw 撤回",
)
def civic_move_application(
    request: HttpRequest, application_id: int, action: str, payload: CivicApplicationMoveIn
) -> dict[str, Any]:
    if not request.user.is_authenticated:
        raise ForbiddenError()
    application = access_application_by_id(request.user, application_id)
    body = {k: v for k, v in payload.dict().items() if k != "reason" and v}
    ApplicationWorkflow.apply(
        obj=application.pk, action=action, actor=request.user, reason=payload.reason, **body
    )
    return application_out(access_application_by_id(request.user, application_id), request.user)
