"""党的声音: articles, notices and videos that a party organisation or the district publishes to a
chosen audience, pushed to each reader's inbox, with one read receipt per reader.

Why here and not in the 居务公开栏 (``Notice``): a board notice is public (no login), placed on a
region's board and read by anyone, so it has no readers to count; a 党的声音 item goes to a list of
accounts fixed when it is published (the members of an organisation's subtree, the residents of a
region, the staff of a region), and the point is who has and hasn't read it. What the two share is
reused rather than copied: the rich-text sanitiser (``civic.services``, nh3), the workflow spine
(draft → published → withdrawn, ``civic.voice``), the inbox and external channels
(``notify.notify_users``) and the batched background push of 惠民政策 (``civic.jobs``), whose
``PolicyReach`` the receipt mirrors. It lives in ``civic`` (a domain app above ``party``) so that it
can read party members and the registry without another app, and adds no migration to ``party``."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangqun.core.models import TimeStampedModel


class VoiceKind(models.TextChoices):
    ARTICLE = "article", _("文章")
    NOTICE = "notice", _("通知")
    VIDEO = "video", _("视频")


class VoiceAudience(models.TextChoices):
    MEMBERS = "members", _("本组织及下级党组织党员")
    RESIDENTS = "residents", _("区域内全体居民")
    STAFF = "staff", _("区域内工作人员")


class VoiceStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class VoicePush(models.TextChoices):
    NONE = "none", _("未推送")
    QUEUED = "queued", _("推送中")
    DONE = "done", _("已推送")


class VoiceItem(TimeStampedModel):
    """One 党的声音 item. ``org`` is the publishing organisation (the audience's subtree when the
    audience is ``members``); ``region`` the region whose residents or staff receive it. Statuses
    change only through ``VoiceWorkflow.apply`` (``civic.voice``)."""

    kind = models.CharField(_("类别"), max_length=10, choices=VoiceKind.choices)
    title = models.CharField(_("标题"), max_length=120)
    summary = models.CharField(_("摘要"), max_length=200, blank=True)
    body = models.TextField(_("正文"), blank=True)  # sanitised HTML (images allowed)
    video_url = models.CharField(_("视频地址"), max_length=500, blank=True)
    issuer = models.CharField(_("发布单位"), max_length=80)
    audience = models.CharField(_("发送对象"), max_length=10, choices=VoiceAudience.choices)
    org = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name=_("党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    channels = models.JSONField(_("外部渠道"), default=list, blank=True)
    pinned = models.BooleanField(_("置顶"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=VoiceStatus.choices, default=VoiceStatus.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdraw_reason = models.CharField(_("撤回原因"), max_length=200, blank=True)
    push_status = models.CharField(
        _("推送状态"), max_length=10, choices=VoicePush.choices, default=VoicePush.NONE
    )
    recipient_count = models.PositiveIntegerField(_("接收人数"), default=0)
    pushed_at = models.DateTimeField(_("推送完成时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("党的声音")
        verbose_name_plural = _("党的声音")
        ordering: ClassVar[list[str]] = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


class VoiceReceipt(models.Model):
    """One item delivered to one reader, and when (if ever) they read it. ``org`` (a member's branch)
    or ``region`` (a resident's or a staff member's) is the group the receipt counts under."""

    item = models.ForeignKey(
        VoiceItem, verbose_name=_("党的声音"), on_delete=models.CASCADE, related_name="receipts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="+"
    )
    org = models.ForeignKey(
        "orgs.PartyOrg", verbose_name=_("所在党组织"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所在区域"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    pushed_at = models.DateTimeField(_("送达时间"))
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("党的声音阅读回执")
        verbose_name_plural = _("党的声音阅读回执")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["item", "user"], name="civic_voice_receipt_once")
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["user", "item"], name="civic_voice_feed"),
            models.Index(fields=["item", "read_at"], name="civic_voice_read"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}→{self.user_id}"
