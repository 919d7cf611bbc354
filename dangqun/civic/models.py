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


# --- 办事指南: service items, their catalogues, and online applications (代办) ----------------------


class CatalogueLevel(models.TextChoices):
    """Which catalogue an item is listed in; tied to the level of the item's region."""

    COMMUNITY = "community", _("村/社区")
    STREET = "street", _("街道/乡镇")
    DISTRICT = "district", _("区/县")


class ServiceItem(TimeStampedModel):
    """A service item (办事事项) of a region's catalogue: conditions, the materials to bring
    (一次性告知单: a list of ``{"name", "copies", "note"}``), the time limit in working days, fee,
    where and when, and the responsible unit (a department, or else the region's own service hall)."""

    code = models.CharField(_("事项编码"), max_length=40, unique=True)
    name = models.CharField(_("事项名称"), max_length=80)
    category = models.CharField(_("类别"), max_length=30, blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("目录层级"), max_length=10, choices=CatalogueLevel.choices, db_index=True)
    department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit_name = models.CharField(_("承办窗口"), max_length=80, blank=True)
    conditions = models.TextField(_("办理条件"), blank=True)
    materials = models.JSONField(_("申请材料"), default=list, blank=True)
    time_limit_days = models.PositiveSmallIntegerField(_("办理时限(工作日)"), default=5)
    fee = models.CharField(_("收费标准"), max_length=80, default="不收费")  # i18n: data
    location = models.CharField(_("办理地点"), max_length=120, blank=True)
    hours = models.CharField(_("办理时间"), max_length=80, blank=True)
    phone = models.CharField(_("咨询电话"), max_length=30, blank=True)
    online = models.BooleanField(_("可网上代办"), default=True)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("办事指南")
        verbose_name_plural = _("办事指南")
        ordering: ClassVar[list[str]] = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    HANDED_OVER = "handed_over", _("代办中")
    DONE = "done", _("已办结")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")


OPEN_APPLICATION_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.HANDED_OVER,
)


class ServiceApplication(TimeStampedModel):
    """A resident's online application for an item (全程代理): it goes to the item's responsible
    unit and is due ``time_limit_days`` working days after submission. Statuses change only through
    ``ApplicationWorkflow.apply`` (``civic.guides``)."""

    code = models.CharField(_("申请编号"), max_length=24, unique=True)
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("申请说明"), blank=True)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
        db_index=True,
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    due_at = models.DateTimeField(_("办结时限"), db_index=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    result = models.CharField(_("办理结果"), max_length=300, blank=True)
    return_reason = models.CharField(_("退回原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("代办申请")
        verbose_name_plural = _("代办申请")
        ordering: ClassVar[list[str]] = ["-submitted_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["applicant", "submitted_at"])]

    def __str__(self) -> str:
        return self.code


class ApplicationMaterial(models.Model):
    """An uploaded material of an application, checked and stored like a case's photos."""

    application = models.ForeignKey(
        ServiceApplication, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.CharField(_("文件"), max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering: ClassVar[list[str]] = ["id"]

    def __str__(self) -> str:
        return self.original_name or self.file


class ApplicationHandover(models.Model):
    """One hand-over of an application's papers (staff carry them on, e.g. to the service hall)."""

    application = models.ForeignKey(
        ServiceApplication, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="handovers"
    )
    from_place = models.CharField(_("交出方"), max_length=80)
    to_place = models.CharField(_("接收方"), max_length=80)
    at = models.DateTimeField(_("交接时间"))
    note = models.CharField(_("交接说明"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("交接记录")
        verbose_name_plural = _("交接记录")
        ordering: ClassVar[list[str]] = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_place}→{self.to_place}"


# --- 居务公开栏: notices a community or street publishes to a region's public board ------------------


class NoticeKind(models.TextChoices):
    SERVICE = "service", _("便民服务")
    AFFAIRS = "affairs", _("居务公开")
    FINANCE = "finance", _("财务公开")
    PARTY = "party", _("党务公开")


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class Notice(TimeStampedModel):
    """A notice on a region's public board (居务公开栏): its kind, text (sanitised HTML), whether it is
    pinned and until when it shows. A community's board also shows its street's and district's notices.
    Statuses change only through ``NoticeWorkflow.apply`` (``civic.notices``)."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("发布区域"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=NoticeKind.choices, db_index=True)
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("正文"), blank=True)
    issuer = models.CharField(_("发布单位"), max_length=80)
    pinned = models.BooleanField(_("置顶"), default=False)
    expires_on = models.DateField(_("公示截止"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdraw_reason = models.CharField(_("撤回原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("公开栏信息")
        verbose_name_plural = _("公开栏信息")
        ordering: ClassVar[list[str]] = ["-published_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["region", "status", "published_at"], name="civic_notice_board")
        ]

    def __str__(self) -> str:
        return self.title


# --- 民事民议: proposals residents discuss and vote on, one vote per household ----------------------


class ProposalStatus(models.TextChoices):
    COLLECTING = "collecting", _("征集中")
    VOTING = "voting", _("表决中")
    PASSED = "passed", _("已通过")
    DONE = "done", _("已落实")
    REJECTED = "rejected", _("未通过")


class ProposalOrigin(models.TextChoices):
    RESIDENT = "resident", _("居民提议")
    COMMUNITY = "community", _("社区提议")


class Proposal(TimeStampedModel):
    """A matter raised for a region (民事民提): discussed in moderated comments, voted on by the
    region's registered households within a window (民事民议), decided and carried out by the community
    (民事民决), the result public. Statuses change only through ``ProposalWorkflow.apply``."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("议事范围"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("议题"), max_length=120)
    body = models.TextField(_("内容"), blank=True)
    origin = models.CharField(_("提议方"), max_length=10, choices=ProposalOrigin.choices)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提议人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=ProposalStatus.choices,
        default=ProposalStatus.COLLECTING,
        db_index=True,
    )
    vote_opens_at = models.DateTimeField(_("表决开始"), null=True, blank=True)
    vote_closes_at = models.DateTimeField(_("表决截止"), null=True, blank=True)
    decision = models.CharField(_("议定结果"), max_length=500, blank=True)
    outcome = models.CharField(_("落实情况"), max_length=500, blank=True)
    decided_at = models.DateTimeField(_("议定时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("落实时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("民事民议")
        verbose_name_plural = _("民事民议")
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ProposalComment(models.Model):
    """A comment on a proposal (plain text, escaped when shown); staff may hide it with a reason."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("议题"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发言人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_name = models.CharField(_("署名"), max_length=50)
    body = models.CharField(_("内容"), max_length=500)
    created_at = models.DateTimeField(_("发表时间"))
    hidden_at = models.DateTimeField(_("屏蔽时间"), null=True, blank=True)
    hidden_reason = models.CharField(_("屏蔽原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("议事发言")
        verbose_name_plural = _("议事发言")
        ordering: ClassVar[list[str]] = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id}:{self.pk}"


class VoteChoice(models.TextChoices):
    FOR = "for", _("赞成")
    AGAINST = "against", _("反对")
    ABSTAIN = "abstain", _("弃权")


class ProposalVote(models.Model):
    """A household's one vote on a proposal, cast by a registered resident of that household (the
    unique constraint holds it under concurrency, on both databases)."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("议题"), on_delete=models.CASCADE, related_name="votes"
    )
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("住户"), on_delete=models.PROTECT, related_name="+"
    )
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("投票居民"), on_delete=models.PROTECT, related_name="+"
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("投票账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    choice = models.CharField(_("意见"), max_length=10, choices=VoteChoice.choices)
    cast_at = models.DateTimeField(_("投票时间"))

    class Meta:
        verbose_name = _("户代表表决")
        verbose_name_plural = _("户代表表决")
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["proposal", "household"], name="civic_one_vote_per_household")
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}:{self.household_id}"


# 党的声音 lives in its own module (the models are registered by this import).
from dangqun.civic.voice_models import VoiceItem, VoiceReceipt  # noqa: E402, F401
