"""居务公开栏 (``dangqun.civic``): a region's public board (便民服务, 居务公开, 财务公开, 党务公开),
readable without logging in — a community's board also carries its street's and district's notices,
pinned first, each until its end of display — and the counts per year. Staff write notices for the
boards of their own regions, correct and pin them, publish and withdraw them through the door; another
region's notice is 404, like one that does not exist."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from dangqun.civic import notice_selectors as selectors
from dangqun.civic.access import (
    access_managed_notice_by_id,
    access_public_notice_by_id,
    require_notice_staff,
)
from dangqun.civic.models import Notice
from dangqun.civic.notice_services import notice_create, notice_update
from dangqun.civic.notices import NoticeWorkflow
from dangqun.core import clock
from dangqun.core.errors import NotFoundError
from dangqun.regions.models import Region, RegionLevel

router = Router(tags=["civic"])


class CivicNoticeMoveOut(Schema):
    action: str
    label: str
    needs: list[str]


class CivicNoticeOut(Schema):
    id: int
    region_code: str
    region_name: str
    kind: str
    kind_label: str
    title: str
    body: str  # sanitised HTML
    issuer: str
    pinned: bool
    expires_on: dt.date | None
    status: str
    status_label: str
    published_at: dt.datetime | None
    page_url: str


class CivicStaffNoticeOut(CivicNoticeOut):
    withdrawn_at: dt.datetime | None
    withdraw_reason: str
    moves: list[CivicNoticeMoveOut]


class CivicBoardOut(Schema):
    region_code: str
    region_name: str
    count: int
    items: list[CivicNoticeOut]


class CivicNoticeListOut(Schema):
    count: int
    items: list[CivicStaffNoticeOut]


class CivicNoticeCountsOut(Schema):
    region_code: str
    year: int
    total: int
    by_kind: dict[str, int]


class CivicNoticeIn(Schema):
    region: str  # a district, street or community code inside the staff member's scope
    kind: str  # service 便民服务 | affairs 居务公开 | finance 财务公开 | party 党务公开
    title: str
    body: str = ""  # rich text: sanitised (scripts, handlers and styles removed)
    issuer: str = ""  # empty: the region's name
    pinned: bool = False
    expires_on: dt.date | None = None
    publish: bool = False  # publish at once (else a draft)


class CivicNoticePatchIn(Schema):
    kind: str | None = None
    title: str | None = None
    body: str | None = None
    issuer: str | None = None
    pinned: bool | None = None
    expires_on: dt.date | None = None


class CivicNoticeMoveIn(Schema):
    reason: str = ""


def _board_region(code: str) -> Region:
    region = Region.objects.filter(code=code, level__lte=RegionLevel.COMMUNITY, is_active=True).first()
    if region is None:
        raise NotFoundError(_("公开栏不存在"))
    return region


def notice_out(notice: Notice) -> dict[str, Any]:
    return {
        "id": notice.pk,
        "region_code": notice.region.code,
        "region_name": notice.region.name,
        "kind": notice.kind,
        "kind_label": notice.get_kind_display(),
        "title": notice.title,
        "body": notice.body,
        "issuer": notice.issuer,
        "pinned": notice.pinned,
        "expires_on": notice.expires_on,
        "status": notice.status,
        "status_label": notice.get_status_display(),
        "published_at": notice.published_at,
        "page_url": f"/civic/board/notice/{notice.pk}/",
    }


def staff_notice_out(notice: Notice, user: Any) -> dict[str, Any]:
    return {
        **notice_out(notice),
        "withdrawn_at": notice.withdrawn_at,
        "withdraw_reason": notice.withdraw_reason,
        "moves": [
            {"action": t.action, "label": str(t.label), "needs": list(t.needs)}
            for t in NoticeWorkflow.available_moves(notice, user)
        ],
    }


@router.get("/civic/board/{code}", response=CivicBoardOut, auth=None, summary="公开栏(公开,无需登录)")
def civic_board(  # noqa: PLR0917 - query parameters
    request: HttpRequest, code: str, kind: str = "", q: str = "", limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    region = _board_region(code)
    qs = selectors.board(region, kind=kind, q=q[:60])
    limit = max(1, min(limit, 200))
    rows = qs[max(0, offset) : max(0, offset) + limit]
    return {
        "region_code": region.code,
        "region_name": region.name,
        "count": qs.count(),
        "items": [notice_out(n) for n in rows],
    }


@router.get(
    "/civic/board/{code}/counts", response=CivicNoticeCountsOut, auth=None, summary="公开栏年度发布数(公开)"
)
def civic_board_counts(request: HttpRequest, code: str, year: int = 0) -> dict[str, Any]:
    region = _board_region(code)
    year = year or clock.local_today().year
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("年份无效")})
    counts = selectors.year_counts(region, year)
    total = counts.pop("total")
    return {"region_code": region.code, "year": year, "total": total, "by_kind": counts}


@router.get(
    "/civic/board-notices/{notice_id}", response=CivicNoticeOut, auth=None, summary="公开栏信息(公开)"
)
def civic_public_notice(request: HttpRequest, notice_id: int) -> dict[str, Any]:
    return notice_out(access_public_notice_by_id(notice_id, clock.local_today()))


@router.get("/civic/notices", response=CivicNoticeListOut, summary="公开栏管理(本辖区)")
def civic_notices(  # noqa: PLR0917 - query parameters
    request: HttpRequest,
    status: str = "",
    kind: str = "",
    q: str = "",
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    require_notice_staff(request.user)
    qs = selectors.staff_notices(request.user, status=status, kind=kind, q=q[:60])
    limit = max(1, min(limit, 200))
    rows = qs[max(0, offset) : max(0, offset) + limit]
    return {"count": qs.count(), "items": [staff_notice_out(n, request.user) for n in rows]}


@router.post("/civic/notices", response={201: CivicStaffNoticeOut}, summary="新建公开栏信息(本辖区)")
def civic_create_notice(request: HttpRequest, payload: CivicNoticeIn) -> Status:
    require_notice_staff(request.user)
    data = payload.dict()
    notice = notice_create(actor=request.user, region_code=data.pop("region"), **data)  # type: ignore[arg-type]
    return Status(201, staff_notice_out(access_managed_notice_by_id(request.user, notice.pk), request.user))


@router.get("/civic/notices/{notice_id}", response=CivicStaffNoticeOut, summary="公开栏信息(管理)")
def civic_notice(request: HttpRequest, notice_id: int) -> dict[str, Any]:
    require_notice_staff(request.user)
    return staff_notice_out(access_managed_notice_by_id(request.user, notice_id), request.user)


@router.patch("/civic/notices/{notice_id}", response=CivicStaffNoticeOut, summary="修改、置顶公开栏信息")
def civic_update_notice(request: HttpRequest, notice_id: int, payload: CivicNoticePatchIn) -> dict[str, Any]:
    require_notice_staff(request.user)
    notice = access_managed_notice_by_id(request.user, notice_id)
    notice_update(actor=request.user, notice=notice, changes=payload.dict(exclude_unset=True))  # type: ignore[arg-type]
    return staff_notice_out(access_managed_notice_by_id(request.user, notice_id), request.user)


@router.post(
    "/civic/notices/{notice_id}/{action}",
    response=CivicStaffNoticeOut,
    summary="公开栏信息:publish 发布、withdraw 撤回(reason)",
)
def civic_move_notice(
    request: HttpRequest, notice_id: int, action: str, payload: CivicNoticeMoveIn
) -> dict[str, Any]:
    require_notice_staff(request.user)
    notice = access_managed_notice_by_id(request.user, notice_id)
    NoticeWorkflow.apply(obj=notice.pk, action=action, actor=request.user, reason=payload.reason)
    return staff_notice_out(access_managed_notice_by_id(request.user, notice_id), request.user)
