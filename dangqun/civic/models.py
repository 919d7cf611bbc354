"""惠民服务: policies (惠民政策, 惠企政策) with eligibility rules over the registries, pushed to the
residents and enterprise contacts they fit; the link between an account and the registry rows it
stands for (a resident's own record, an enterprise's contact)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangqun.core.models import TimeStampedModel


class Audience(models.TextChoices):
    RESIDENT = "resident", _("居民")
    BUSINESS = "business", _("企业/商户")


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class PushStatus(models.TextChoices):
    NONE = "none", _("未推送")
    QUEUED = "queued", _("推送中")
    DONE = "done", _("已推送")


class Policy(TimeStampedModel):
    """A policy: its text (sanitised HTML), issuing body, period, and who it fits (``rules``: a list
    of ``{"field", "op", "value"}`` from the whitelist in ``civic.rules``, all of which must hold)."""

    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("正文"), blank=True)
    issuer = models.CharField(_("发布单位"), max_length=80)
    benefit = models.CharField(_("享受内容"), max_length=200, blank=True)
    how_to_apply = models.CharField(_("申请方式"), max_length=300, blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("适用区域"), on_delete=models.PROTECT, related_name="+"
    )
    audience = models.CharField(_("对象"), max_length=10, choices=Audience.choices)
    rules = models.JSONField(_("适用条件"), default=list, blank=True)
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("截止日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT, db_index=True
    )
    push_status = models.CharField(
        _("推送状态"), max_length=10, choices=PushStatus.choices, default=PushStatus.NONE
    )
    matched_count = models.PositiveIntegerField(_("匹配人数"), default=0)
    reached_count = models.PositiveIntegerField(_("推送人数"), default=0)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
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
        verbose_name = _("惠民政策")
        verbose_name_plural = _("惠民政策")
        ordering: ClassVar[list[str]] = ["-valid_from", "-id"]

    def __str__(self) -> str:
        return self.title


class CivicContact(models.Model):
    """An account's registry link: the resident it is (the citizen app's "for me"), and/or the
    business it speaks for (an enterprise contact). Kept here so the registry stays account-free."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        on_delete=models.CASCADE,
        related_name="civic_contact",
    )
    resident = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("居民"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    business = models.ForeignKey(
        "registry.Business",
        verbose_name=_("企业/商户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("账号关联")
        verbose_name_plural = _("账号关联")

    def __str__(self) -> str:
        return str(self.user_id)


class PolicyReach(models.Model):
    """One policy pushed to one account (the reach, and whether it was read)."""

    policy = models.ForeignKey(Policy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="reach")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="+"
    )
    pushed_at = models.DateTimeField(_("推送时间"))
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("政策推送")
        verbose_name_plural = _("政策推送")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["policy", "user"], name="civic_reach_once_per_user")
        ]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["user", "policy"])]

    def __str__(self) -> str:
        return f"{self.policy_id}→{self.user_id}"
