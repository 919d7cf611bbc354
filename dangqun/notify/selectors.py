"""Reads of the inbox. A user only ever reads their own notifications."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from dangqun.core.errors import NotFoundError
from dangqun.notify.models import Notification


def _owner_id(user: Any) -> int | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return int(user.pk)


def inbox_for(user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    """``user``'s notifications, newest first (served by the inbox indexes)."""
    owner = _owner_id(user)
    if owner is None:
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient_id=owner)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    owner = _owner_id(user)
    if owner is None:
        return 0
    return Notification.objects.filter(recipient_id=owner, read_at__isnull=True).count()


def access_notification_by_id(user: Any, notification_id: int) -> Notification:
    """The only way to load one notification for a user: someone else's looks nonexistent (404)."""
    owner = _owner_id(user)
    obj = None
    if owner is not None:
        obj = Notification.objects.filter(pk=notification_id, recipient_id=owner).first()
    if obj is None:
        raise NotFoundError(_("通知不存在"))
    return obj
