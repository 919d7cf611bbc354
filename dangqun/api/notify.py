"""The inbox: a user's own notifications. Another user's notification id answers 404."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from dangqun.accounts.models import User
from dangqun.core.errors import NotFoundError
from dangqun.notify import selectors, services
from dangqun.notify.models import Notification

router = Router(tags=["inbox"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    link: str
    subject_type: str
    subject_id: str
    created_at: datetime
    read_at: datetime | None
    is_read: bool


class UnreadCountOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int
    unread: int


def _me(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # django_auth lets only signed-in users through
        raise NotFoundError()
    return user


@router.get("/inbox", response=list[NotificationOut], summary="我的通知")
@paginate(LimitOffsetPagination)
def inbox(request: HttpRequest, unread: bool = False) -> Any:
    return selectors.inbox_for(request.user, unread_only=unread)


@router.get("/inbox/unread-count", response=UnreadCountOut, summary="未读通知数")
def inbox_unread_count(request: HttpRequest) -> dict[str, int]:
    return {"unread": selectors.unread_count(request.user)}


@router.post("/inbox/read-all", response=MarkedOut, summary="全部标为已读")
def inbox_read_all(request: HttpRequest) -> dict[str, int]:
    marked = services.notifications_mark_all_read(actor=_me(request))
    return {"marked": marked, "unread": selectors.unread_count(request.user)}


@router.post("/inbox/{notification_id}/read", response=NotificationOut, summary="标为已读")
def inbox_read(request: HttpRequest, notification_id: int) -> Notification:
    me = _me(request)
    notification = selectors.access_notification_by_id(me, notification_id)
    return services.notification_mark_read(actor=me, notification=notification)
