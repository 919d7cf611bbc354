"""Open311 GeoReport v2: client systems with API keys, per-category service attributes, and what
each client posted (the request's token and attributes, the citizen updates it sent back)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangqun.core.models import TimeStampedModel


class Open311Client(TimeStampedModel):
    """A client system (a city app, FixMyStreet, a 12345 platform) allowed to post into one district.

    Only the SHA-256 of the key is stored; the key itself is shown once when it is issued."""

    name = models.CharField(_("客户端系统"), max_length=80)
    district = models.ForeignKey(
        "regions.Region",
        verbose_name=_("所属区县(jurisdiction)"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"parent__isnull": True},
    )
    key_prefix = models.CharField(_("密钥前缀"), max_length=12, editable=False)
    key_hash = models.CharField(_("密钥摘要"), max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("启用"), default=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True, editable=False)
    rate_per_minute = models.PositiveIntegerField(_("每分钟写入上限"), default=60)
    contact = models.CharField(_("联系人"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("Open311客户端")
        verbose_name_plural = _("Open311客户端")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"


class AttributeDatatype(models.TextChoices):
    STRING = "string", _("短文本")
    NUMBER = "number", _("数字")
    DATETIME = "datetime", _("日期时间")
    TEXT = "text", _("长文本")
    SINGLEVALUELIST = "singlevaluelist", _("单选")
    MULTIVALUELIST = "multivaluelist", _("多选")


class ServiceAttribute(models.Model):
    """A custom field of a category, offered as a GeoReport service-definition attribute."""

    category = models.ForeignKey(
        "cases.Category", verbose_name=_("诉求分类"), on_delete=models.CASCADE, related_name="+"
    )
    code = models.SlugField(_("字段编码"), max_length=40)
    variable = models.BooleanField(_("需用户填写"), default=True, help_text=_("否:仅作说明,不收集数据"))
    datatype = models.CharField(_("类型"), max_length=16, choices=AttributeDatatype.choices)
    required = models.BooleanField(_("必填"), default=False)
    datatype_description = models.CharField(_("填写说明"), max_length=200, blank=True)
    order = models.PositiveIntegerField(_("顺序"), default=1)
    description = models.CharField(_("问题"), max_length=300)
    values = models.JSONField(
        _("可选值"), default=list, blank=True, help_text=_('单选/多选的选项: [{"key": "1", "name": "名称"}]')
    )

    class Meta:
        verbose_name = _("服务字段")
        verbose_name_plural = _("服务字段")
        ordering = ["category_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="open311_attribute_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.category_id}:{self.code}"


class Open311Request(models.Model):
    """What a client posted for a case: the token, the submitter's identifiers and the attributes."""

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("诉求"), on_delete=models.PROTECT, related_name="open311_request"
    )
    client = models.ForeignKey(
        Open311Client, verbose_name=_("客户端"), on_delete=models.PROTECT, related_name="+"
    )
    token = models.UUIDField(_("令牌"), default=uuid.uuid4, unique=True, editable=False)
    device_id = models.CharField(_("设备标识"), max_length=100, blank=True)
    account_id = models.CharField(_("账号标识"), max_length=100, blank=True)
    email = models.CharField(_("邮箱"), max_length=200, blank=True)
    attributes = models.JSONField(_("附加字段"), default=dict, blank=True)
    media_url = models.CharField(_("图片地址"), max_length=500, blank=True)
    # A photo uploaded with the request (``media``): its storage path. Served by the app at a signed,
    # expiring URL (``dangqun.open311.media``), never from /media/.
    media_file = models.CharField(_("上传图片"), max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311请求")
        verbose_name_plural = _("Open311请求")
        ordering = ["-id"]

    def __str__(self) -> str:
        return str(self.token)


class Open311Update(models.Model):
    """An update a client posted back to us (servicerequestupdates POST): a citizen's comment or a
    report that the problem is fixed or still there. ``external_id`` makes retries idempotent."""

    client = models.ForeignKey(
        Open311Client, verbose_name=_("客户端"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey("cases.Case", verbose_name=_("诉求"), on_delete=models.PROTECT, related_name="+")
    external_id = models.CharField(_("对方更新编号"), max_length=100)
    status = models.CharField(_("对方状态"), max_length=40)
    description = models.TextField(_("内容"), blank=True)
    media_url = models.CharField(_("图片地址"), max_length=500, blank=True)
    submitter = models.CharField(_("提交人"), max_length=120, blank=True)
    updated_at = models.DateTimeField(_("对方更新时间"))
    created_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311回传更新")
        verbose_name_plural = _("Open311回传更新")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "external_id"], name="open311_update_unique_external"),
        ]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.external_id}"
