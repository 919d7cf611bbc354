"""有困难,党员上: an organisation calls its members (and the members reported in to it) out for a task
with a time, a place and a number needed; each member called gets an invitation to accept or decline."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangqun.core.models import TimeStampedModel


class CallOutStatus(models.TextChoices):
    OPEN = "open", _("召集中")
    CLOSED = "closed", _("已结束")
    CANCELLED = "cancelled", _("已取消")


class CallOut(TimeStampedModel):
    org = models.ForeignKey(
        "orgs.PartyOrg", verbose_name=_("发起党组织"), on_delete=models.PROTECT, related_name="callouts"
    )
    title = models.CharField(_("任务"), max_length=100)
    detail = models.CharField(_("任务说明"), max_length=500, blank=True)
    place = models.CharField(_("地点"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    needed = models.PositiveSmallIntegerField(_("需要人数"))
    status = models.CharField(
        _("状态"), max_length=10, choices=CallOutStatus.choices, default=CallOutStatus.OPEN, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("党员召集")
        verbose_name_plural = _("党员召集")
        ordering: ClassVar[list[str]] = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ReplyStatus(models.TextChoices):
    INVITED = "invited", _("待回复")
    ACCEPTED = "accepted", _("参加")
    DECLINED = "declined", _("不参加")


class CallOutReply(TimeStampedModel):
    callout = models.ForeignKey(
        CallOut, verbose_name=_("党员召集"), on_delete=models.CASCADE, related_name="replies"
    )
    member = models.ForeignKey(
        "party.PartyMember", verbose_name=_("党员"), on_delete=models.PROTECT, related_name="callout_replies"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ReplyStatus.choices, default=ReplyStatus.INVITED, db_index=True
    )
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("召集回复")
        verbose_name_plural = _("召集回复")
        ordering: ClassVar[list[str]] = ["id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["callout", "member"], name="partywork_callout_reply_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.callout_id}:{self.member_id}"


class PartyBadge(TimeStampedModel):
    """亮身份: the member's own consent to show a party badge on the work their staff account does."""

    member = models.OneToOneField(
        "party.PartyMember", verbose_name=_("党员"), on_delete=models.CASCADE, related_name="badge"
    )
    shown = models.BooleanField(_("亮明党员身份"), default=False)

    class Meta:
        verbose_name = _("亮身份")
        verbose_name_plural = _("亮身份")

    def __str__(self) -> str:
        return f"{self.member_id}:{self.shown}"
