"""Writes to the inbox. Other apps call ``notify_users`` (after their own commit, or inside their
transaction: the external sends are queued only when this one commits)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangqun.accounts.models import User
from dangqun.core.audit import record_event
from dangqun.core.errors import NotFoundError
from dangqun.notify.channels import configured_channels, validate_channel_names
from dangqun.notify.events import NotifyEvent
from dangqun.notify.jobs import deliver_pending
from dangqun.notify.models import Delivery, Notification

# Delivery ids per queued job: a mass notice to thousands is spread over several workers.
DELIVERY_BATCH = 200
_INSERT_BATCH = 1000


def _unique_recipients(recipients: Iterable[User]) -> list[User]:
    seen: dict[int, User] = {}
    for user in recipients:
        if user is None or user.pk is None:
            raise ValidationError(_("通知接收人必须是已保存的用户"), code="invalid_recipient")
        if user.is_active:
            seen.setdefault(user.pk, user)
    return list(seen.values())


def _enqueue_deliveries(delivery_ids: list[int]) -> None:
    for start in range(0, len(delivery_ids), DELIVERY_BATCH):
        deliver_pending.enqueue(delivery_ids[start : start + DELIVERY_BATCH])


@transaction.atomic
def notify_users(
    *,
    actor: User | None,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    subject_type: str = "",
    subject_id: str = "",
    channels: Sequence[str] = (),
) -> list[Notification]:
    """One inbox row per distinct active recipient, plus one ``Delivery`` per requested external
    channel that is configured; the sends are queued after commit. ``actor`` is ``None`` for jobs.

    An unknown channel name is a ``ValidationError`` and nothing is written. A known channel that
    the deployment switched off is passed over quietly.
    """
    if isinstance(channels, str):
        raise ValidationError(_("channels 须为渠道名称的列表"), code="invalid_channels")
    wanted = validate_channel_names(channels)
    enabled = configured_channels()
    active_channels = [name for name in wanted if name in enabled]
    users = _unique_recipients(recipients)
    if not users:
        return []

    now = timezone.now()
    fields: dict[str, Any] = {
        "kind": kind,
        "title": title,
        "body": body,
        "link": link,
        "subject_type": subject_type,
        "subject_id": str(subject_id),
        "created_at": now,
    }
    # Every row carries the same fields but the recipient: validate them once.
    Notification(recipient=users[0], **fields).full_clean(exclude=["recipient"])
    notifications = Notification.objects.bulk_create(
        [Notification(recipient=user, **fields) for user in users], batch_size=_INSERT_BATCH
    )

    if active_channels:
        deliveries = Delivery.objects.bulk_create(
            [
                Delivery(notification=notification, channel=channel, created_at=now)
                for notification in notifications
                for channel in active_channels
            ],
            batch_size=_INSERT_BATCH,
        )
        delivery_ids = [d.pk for d in deliveries]
        transaction.on_commit(functools.partial(_enqueue_deliveries, delivery_ids), robust=True)

    record_event(
        actor=actor,
        event_type=NotifyEvent.SENT,
        data={
            "kind": kind,
            "recipients": len(notifications),
            "channels": active_channels,
            "subject_type": subject_type,
            "subject_id": str(subject_id),
        },
    )
    return notifications


@transaction.atomic
def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    """Mark one of ``actor``'s own notifications read; reading it again changes nothing.

    Read state is the user's own bookkeeping, not a change to shared data, so it writes no audit
    row (``read_at`` is the record); otherwise every notification would double the audit trail.
    """
    if notification.recipient_id != actor.pk:
        raise NotFoundError(_("通知不存在"))
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.refresh_from_db(fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor: User) -> int:
    """Mark all of ``actor``'s unread notifications read; the number marked."""
    return Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
