"""党的声音 (``dangqun.civic``): articles, notices and videos that a party organisation or the
district publishes to the members of an organisation's subtree, the residents of a region or the staff
of a region, pushed to their inboxes in the background. Publishers (party administrators and branch
secretaries for their subtree; community, street and district staff for their regions) write, pin,
publish and withdraw items through the door and see who has and hasn't read them, per branch; a reader
gets their feed (pinned, today's, the rest) and opens an item, which stamps its read receipt. Another
publisher's item is 404, like one that does not exist; an item not sent to the reader is 404 too."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from dangqun.civic import voice_selectors as selectors
from dangqun.civic.voice import VoiceWorkflow
from dangqun.civic.voice_access import access_managed_voice_by_id, access_my_voice_by_id, require_voice_staff
from dangqun.civic.voice_models import VoiceItem, VoiceReceipt
from dangqun.civic.voice_services import voice_create, voice_mark_read, voice_update

router = Router(tags=["voice"])


class VoiceMoveOut(Schema):
    action: str
    label: str
    needs: list[str]


class VoiceItemOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    summary: str
    body: str  # sanitised HTML
    video_url: str
    issuer: str
    pinned: bool
    published_at: dt.datetime | None
    page_url: str


class VoiceFeedItemOut(VoiceItemOut):
    read_at: dt.datetime | None


class VoiceFeedOut(Schema):
    unread: int
    pinned: list[VoiceFeedItemOut]
    today: list[VoiceFeedItemOut]
    earlier: list[VoiceFeedItemOut]


class VoiceStaffItemOut(VoiceItemOut):
    audience: str
    audience_label: str
    org_code: str
    region_code: str
    channels: list[str]
    status: str
    status_label: str
    push_status: str
    recipient_count: int
    read_count: int
    withdrawn_at: dt.datetime | None
    withdraw_reason: str
    moves: list[VoiceMoveOut]


class VoiceListOut(Schema):
    count: int
    items: list[VoiceStaffItemOut]


class VoiceGroupOut(Schema):
    code: str
    name: str
    total: int
    read: int
    unread: int


class VoiceReaderOut(Schema):
    name: str
    group: str
    read_at: dt.datetime | None


class VoiceReceiptsOut(Schema):
    total: int
    read: int
    groups: list[VoiceGroupOut]
    readers: list[VoiceReaderOut]


class VoiceIn(Schema):
    kind: str  # article 文章 | notice 通知 | video 视频
    title: str
    audience: str  # members (of org's subtree) | residents (of region) | staff (of region)
    org: str = ""  # a party organisation code, for members
    region: str = ""  # a region code, for residents and staff
    summary: str = ""
    body: str = ""  # rich text with images: sanitised (scripts, handlers and styles removed)
    video_url: str = ""  # a path on this site or an https address; required for a video
    issuer: str = ""  # empty: the organisation's or region's name
    pinned: bool = False
    channels: list[str] = []  # external channels besides the inbox (sms, wecom, dingtalk, email)
    publish: bool = False  # publish and push at once (else a draft)


class VoicePatchIn(Schema):
    kind: str | None = None
    title: str | None = None
    summary: str | None = None
    body: str | None = None
    video_url: str | None = None
    issuer: str | None = None
    pinned: bool | None = None
    channels: list[str] | None = None


class VoiceMoveIn(Schema):
    reason: str = ""


def item_out(item: VoiceItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "kind": item.kind,
        "kind_label": item.get_kind_display(),
        "title": item.title,
        "summary": item.summary,
        "body": item.body,
        "video_url": item.video_url,
        "issuer": item.issuer,
        "pinned": item.pinned,
        "published_at": item.published_at,
        "page_url": f"/voice/{item.pk}/",
    }


def feed_item_out(receipt: VoiceReceipt) -> dict[str, Any]:
    return {**item_out(receipt.item), "read_at": receipt.read_at}


def staff_item_out(item: VoiceItem, user: Any) -> dict[str, Any]:
    read_count = getattr(item, "read_count", None)
    if read_count is None:
        read_count = selectors.receipt_totals(item)["read"]
    return {
        **item_out(item),
        "audience": item.audience,
        "audience_label": item.get_audience_display(),
        "org_code": item.org.code if item.org else "",
        "region_code": item.region.code if item.region else "",
        "channels": list(item.channels),
        "status": item.status,
        "status_label": item.get_status_display(),
        "push_status": item.push_status,
        "recipient_count": item.recipient_count,
        "read_count": read_count,
        "withdrawn_at": item.withdrawn_at,
        "withdraw_reason": item.withdraw_reason,
        "moves": [
            {"action": t.action, "label": str(t.label), "needs": list(t.needs)}
            for t in VoiceWorkflow.available_moves(item, user)
        ],
    }


@router.get("/voice/feed", response=VoiceFeedOut, summary="我的党的声音(置顶、今日、往期)")
def voice_feed(request: HttpRequest, limit: int = 30) -> dict[str, Any]:
    got = selectors.feed(request.user, limit=max(1, min(limit, 100)))
    return {
        "unread": got.unread,
        "pinned": [feed_item_out(r) for r in got.pinned],
        "today": [feed_item_out(r) for r in got.today],
        "earlier": [feed_item_out(r) for r in got.earlier],
    }


@router.get(
    "/voice/feed/{item_id}", response=VoiceFeedItemOut, summary="阅读党的声音(已读回执另以 POST …/read 记录)"
)
def voice_read(request: HttpRequest, item_id: int) -> dict[str, Any]:
    receipt = access_my_voice_by_id(request.user, item_id)
    return feed_item_out(receipt)


@router.post("/voice/feed/{item_id}/read", response=VoiceFeedItemOut, summary="标记党的声音已读(回执)")
def voice_mark(request: HttpRequest, item_id: int) -> dict[str, Any]:
    receipt = access_my_voice_by_id(request.user, item_id)
    return feed_item_out(voice_mark_read(actor=request.user, receipt=receipt))  # type: ignore[arg-type]


@router.get("/voice/items", response=VoiceListOut, summary="党的声音管理(本组织、本辖区)")
def voice_items(  # noqa: PLR0917 - query parameters
    request: HttpRequest, status: str = "", kind: str = "", q: str = "", limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    require_voice_staff(request.user)
    qs = selectors.staff_voice(request.user, status=status, kind=kind, q=q[:60])
    limit = max(1, min(limit, 200))
    rows = qs[max(0, offset) : max(0, offset) + limit]
    return {"count": qs.count(), "items": [staff_item_out(i, request.user) for i in rows]}


@router.post("/voice/items", response={201: VoiceStaffItemOut}, summary="新建党的声音(草稿或立即发布)")
def voice_create_item(request: HttpRequest, payload: VoiceIn) -> Status:
    require_voice_staff(request.user)
    item = voice_create(actor=request.user, **payload.dict())  # type: ignore[arg-type]
    return Status(201, staff_item_out(access_managed_voice_by_id(request.user, item.pk), request.user))


@router.get("/voice/items/{item_id}", response=VoiceStaffItemOut, summary="党的声音(管理)")
def voice_item(request: HttpRequest, item_id: int) -> dict[str, Any]:
    require_voice_staff(request.user)
    return staff_item_out(access_managed_voice_by_id(request.user, item_id), request.user)


@router.patch("/voice/items/{item_id}", response=VoiceStaffItemOut, summary="修改、置顶党的声音")
def voice_update_item(request: HttpRequest, item_id: int, payload: VoicePatchIn) -> dict[str, Any]:
    require_voice_staff(request.user)
    item = access_managed_voice_by_id(request.user, item_id)
    voice_update(actor=request.user, item=item, changes=payload.dict(exclude_unset=True))  # type: ignore[arg-type]
    return staff_item_out(access_managed_voice_by_id(request.user, item_id), request.user)


@router.get("/voice/items/{item_id}/receipts", response=VoiceReceiptsOut, summary="阅读回执:按支部统计及人员")
def voice_receipts(request: HttpRequest, item_id: int, read: bool = False, group: str = "") -> dict[str, Any]:
    """Counts per branch (or grid/region) and the readers who have (``read=true``) or haven't read it."""
    require_voice_staff(request.user)
    item = access_managed_voice_by_id(request.user, item_id)
    totals = selectors.receipt_totals(item)
    groups = [{**g.__dict__, "unread": g.unread} for g in selectors.receipts_by_group(item)]
    return {**totals, "groups": groups, "readers": selectors.readers(item, read=read, group=group[:40])}


@router.post(
    "/voice/items/{item_id}/{action}",
    response=VoiceStaffItemOut,
    summary="党的声音:publish 发布并推送、withdraw 撤回(reason)",
)
def voice_move(request: HttpRequest, item_id: int, action: str, payload: VoiceMoveIn) -> dict[str, Any]:
    require_voice_staff(request.user)
    item = access_managed_voice_by_id(request.user, item_id)
    VoiceWorkflow.apply(obj=item.pk, action=action, actor=request.user, reason=payload.reason)
    return staff_item_out(access_managed_voice_by_id(request.user, item_id), request.user)
