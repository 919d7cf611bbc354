"""The in-app inbox (``Notification``) and one row per external channel send (``Delivery``).

The inbox knows nothing about cases or other domains: a notification points at its subject by
plain strings (``subject_type``/``subject_id``) and at a page by a URL path (``link``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

validate_kind = RegexValidator(
    r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\Z",
    _("通知类型须为小写英文点分名称,例如 case.dispatched"),
    code="invalid_kind",
)


def validate_link(value: str) -> None:
    """A link is a path on this site (``/cases/12``): never another host, never a script."""
    if value and (not value.startswith("/") or value.startswith("//") or any(c.isspace() for c in value)):
        raise ValidationError(gettext("链接须为本站路径,以 / 开头,例如 /cases/12"), code="invalid_link")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
        # Both composite indexes below lead with the recipient; a separate one would be redundant.
        db_index=False,
    )
    kind = models.CharField(_("类型"), max_length=64, validators=[validate_kind])
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=500, blank=True, validators=[validate_link])
    subject_type = models.CharField(_("关联对象类型"), max_length=64, blank=True)
    subject_id = models.CharField(_("关联对象编号"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The whole inbox, newest first.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notify_inbox_idx"),
            # Unread only (read_at IS NULL), newest first, and the unread count.
            models.Index(
                fields=["recipient", "read_at", "-created_at", "-id"], name="notify_inbox_unread_idx"
            ),
            models.Index(fields=["subject_type", "subject_id"], name="notify_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} → {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    SKIPPED = "skipped", _("无法送达")


class Delivery(models.Model):
    """One send of one notification through one external channel (SMS, WeCom, DingTalk, e-mail).

    ``queued`` → (claimed by a worker) ``sending`` → ``sent``; a failed attempt goes back to
    ``queued`` with the error until the attempts run out (``failed``). ``skipped``: the recipient
    has no address on that channel (no phone, no e-mail).
    """

    notification = models.ForeignKey(
        Notification, verbose_name=_("通知"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("渠道"), max_length=32)
    status = models.CharField(
        _("状态"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    claimed_at = models.DateTimeField(_("开始发送时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送成功时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("外部渠道发送")
        verbose_name_plural = _("外部渠道发送")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="notify_delivery_once"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="notify_delivery_status_idx")]

    def __str__(self) -> str:
        return f"{self.channel} #{self.notification_id} {self.get_status_display()}"
