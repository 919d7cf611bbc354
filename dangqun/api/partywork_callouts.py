"""有困难,党员上 (``dangqun.partywork``): an organisation calls its members (and the members reported in
to it) out for a task with a time, a place and a number needed; members accept or decline; the caller
sees who is coming. And 亮身份: the member's consent to show a party badge on their staff work.
Scope: the caller's side and the members invited; anything else is 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from dangqun.core.errors import ForbiddenError
from dangqun.partywork import pairing_selectors as selectors
from dangqun.partywork.access import own_member, serves_community
from dangqun.partywork.callout_services import badge_set, callout_create
from dangqun.partywork.models import CallOut, CallOutReply
from dangqun.partywork.pairing_access import access_callout_by_id, access_org_by_code, access_reply_by_id
from dangqun.partywork.pairing_workflow import CallOutWorkflow, ReplyWorkflow

router = Router(tags=["partywork"])


class CallOutOut(Schema):
    id: int
    org_code: str
    org_name: str
    title: str
    detail: str
    place: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    needed: int
    coming: int
    status: str
    status_label: str
    moves: list[str]


def _callout(c: CallOut, user: Any) -> dict[str, Any]:
    coming = getattr(c, "coming", None)
    return {
        "id": c.pk,
        "org_code": c.org.code,
        "org_name": c.org.name,
        "title": c.title,
        "detail": c.detail,
        "place": c.place,
        "starts_at": c.starts_at,
        "ends_at": c.ends_at,
        "needed": c.needed,
        "coming": selectors.callout_coming(c) if coming is None else coming,
        "status": c.status,
        "status_label": c.get_status_display(),
        "moves": [t.action for t in CallOutWorkflow.available_moves(c, user)],
    }


class ReplyOut(Schema):
    id: int
    callout_id: int
    member_id: int
    member_name: str
    status: str
    status_label: str
    replied_at: dt.datetime | None
    moves: list[str]


def _reply(r: CallOutReply, user: Any) -> dict[str, Any]:
    return {
        "id": r.pk,
        "callout_id": r.callout_id,
        "member_id": r.member_id,
        "member_name": r.member.name,
        "status": r.status,
        "status_label": r.get_status_display(),
        "replied_at": r.replied_at,
        "moves": [t.action for t in ReplyWorkflow.available_moves(r, user)],
    }


@router.get("/partywork/orgs/{code}/callouts", response=list[CallOutOut], summary="党组织发起的党员召集")
def partywork_org_callouts(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    org = access_org_by_code(request.user, code)
    return [_callout(c, request.user) for c in selectors.org_callouts(org)[:200]]


class CallOutIn(Schema):
    title: str
    place: str
    starts_at: str
    ends_at: str
    needed: int
    detail: str = ""


@router.post(
    "/partywork/orgs/{code}/callouts",
    response={201: CallOutOut},
    summary="有困难,党员上:召集本组织党员和报到党员(时间、地点、需要人数),推送到站内信",
)
def partywork_callout_create(request: HttpRequest, code: str, payload: CallOutIn) -> Status[dict[str, Any]]:
    org = access_org_by_code(request.user, code)
    callout = callout_create(
        actor=request.user, org=org, title=payload.title, place=payload.place, starts_at=payload.starts_at,
        ends_at=payload.ends_at, needed=payload.needed, detail=payload.detail,
    )  # fmt: skip
    return Status(201, _callout(callout, request.user))


class CallOutDetailOut(CallOutOut):
    replies: list[ReplyOut]


@router.get(
    "/partywork/callouts/{callout_id}",
    response=CallOutDetailOut,
    summary="召集详情:发起方看到每位党员的回复,党员只看到自己的",
)
def partywork_callout_detail(request: HttpRequest, callout_id: int) -> dict[str, Any]:
    callout = access_callout_by_id(request.user, callout_id)
    replies = selectors.callout_replies(callout)
    if not serves_community(request.user, callout.org):
        replies = replies.filter(member__user_id=request.user.pk or 0)
    return {**_callout(callout, request.user), "replies": [_reply(r, request.user) for r in replies[:1000]]}


class CallOutMoveIn(Schema):
    reason: str = ""


@router.post(
    "/partywork/callouts/{callout_id}/{action}",
    response=CallOutOut,
    summary="办理召集:close 结束、cancel 取消(须填原因)",
)
def partywork_callout_move(
    request: HttpRequest, callout_id: int, action: str, payload: CallOutMoveIn
) -> dict[str, Any]:
    callout = access_callout_by_id(request.user, callout_id)
    CallOutWorkflow.apply(obj=callout.pk, action=action, actor=request.user, reason=payload.reason)
    return _callout(access_callout_by_id(request.user, callout_id), request.user)


@router.post(
    "/partywork/callout-replies/{reply_id}/{action}",
    response=ReplyOut,
    summary="党员回复召集:accept 参加(满员时 409)、decline 不参加",
)
def partywork_reply_move(request: HttpRequest, reply_id: int, action: str) -> dict[str, Any]:
    reply = access_reply_by_id(request.user, reply_id)
    ReplyWorkflow.apply(obj=reply.pk, action=action, actor=request.user)
    return _reply(access_reply_by_id(request.user, reply_id), request.user)


class InvitationOut(Schema):
    reply: ReplyOut
    callout: CallOutOut


@router.get("/partywork/me/callouts", response=list[InvitationOut], summary="我收到的党员召集")
def partywork_my_callouts(request: HttpRequest) -> list[dict[str, Any]]:
    member = own_member(request.user)
    if member is None:
        raise ForbiddenError(_("当前账号未关联党员档案"))
    return [
        {"reply": _reply(r, request.user), "callout": _callout(r.callout, request.user)}
        for r in selectors.member_invitations(member).select_related("member")[:100]
    ]


class BadgeIn(Schema):
    shown: bool


class BadgeOut(Schema):
    shown: bool


@router.get("/partywork/me/badge", response=BadgeOut, summary="亮身份:是否在工作中显示党员徽章")
def partywork_my_badge(request: HttpRequest) -> dict[str, Any]:
    member = own_member(request.user)
    if member is None:
        raise ForbiddenError(_("当前账号未关联党员档案"))
    return {"shown": selectors.badge_shown(member)}


@router.put("/partywork/me/badge", response=BadgeOut, summary="亮身份:党员本人同意或取消显示党员徽章")
def partywork_set_badge(request: HttpRequest, payload: BadgeIn) -> dict[str, Any]:
    return {"shown": badge_set(actor=request.user, shown=payload.shown).shown}
