"""区域化党建: the co-building units (共建单位) and the four lists (四项清单) of a community — needs
(需求), resources (资源), projects (项目) and responsibilities (责任)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangqun.core.models import TimeStampedModel


class Category(models.TextChoices):
    """What a need asks for and what a resource offers (the matching compares them)."""

    ELDERLY = "elderly", _("为老服务")
    CHILDREN = "children", _("青少年")
    DISABILITY = "disability", _("助残")
    EMPLOYMENT = "employment", _("就业创业")
    ENVIRONMENT = "environment", _("环境整治")
    CULTURE = "culture", _("文体活动")
    HEALTH = "health", _("医疗健康")
    SAFETY = "safety", _("平安建设")
    OTHER = "other", _("其他")


class CoUnit(TimeStampedModel):
    """A resident unit (驻区单位) that joined a street's 大工委 or a community's 大党委 as 共建单位."""

    name = models.CharField(_("单位名称"), max_length=100)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("共建区域"), on_delete=models.PROTECT, related_name="+"
    )
    business = models.ForeignKey(
        "registry.Business",
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    institution = models.ForeignKey(
        "registry.Institution",
        verbose_name=_("机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    member_name = models.CharField(_("兼职委员"), max_length=50, blank=True)
    joined_on = models.DateField(_("加入日期"))
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("共建单位")
        verbose_name_plural = _("共建单位")
        ordering: ClassVar[list[str]] = ["id"]

    def __str__(self) -> str:
        return self.name


class NeedSource(models.TextChoices):
    RESIDENT = "resident", _("居民提出")
    GRID = "grid", _("网格员收集")
    COMMUNITY = "community", _("社区梳理")
    CASE = "case", _("诉求转入")


class NeedStatus(models.TextChoices):
    PUBLISHED = "published", _("待认领")
    CLAIMED = "claimed", _("已认领")
    IN_PROGRESS = "in_progress", _("实施中")
    RESOLVED = "resolved", _("已解决")
    CANCELLED = "cancelled", _("已撤销")


class Need(TimeStampedModel):
    """A need (需求) of residents in a community: 一汇 (collected), then claimed, done and answered."""

    code = models.CharField(_("编号"), max_length=20, unique=True)
    title = models.CharField(_("标题"), max_length=100)
    description = models.TextField(_("描述"), blank=True)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices, db_index=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("地点"), max_length=100, blank=True)
    beneficiaries = models.PositiveIntegerField(_("受益人数"), default=1)
    source = models.CharField(_("来源"), max_length=20, choices=NeedSource.choices)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("关联诉求"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    raised_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("提出人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    raiser_name = models.CharField(_("提出人姓名"), max_length=50, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.PUBLISHED, db_index=True
    )
    claimed_by = models.ForeignKey(
        CoUnit,
        verbose_name=_("认领单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claimed_needs",
    )
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    result = models.TextField(_("办理结果"), blank=True)
    is_public = models.BooleanField(_("上民情回音壁"), default=True)
    rating = models.PositiveSmallIntegerField(_("居民评价"), null=True, blank=True)
    feedback = models.CharField(_("居民反馈"), max_length=200, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("需求")
        verbose_name_plural = _("需求")
        ordering: ClassVar[list[str]] = ["-id"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ResourceKind(models.TextChoices):
    ROOM = "room", _("场地")
    FUNDS = "funds", _("资金")
    SKILL = "skill", _("技能服务")
    JOB = "job", _("就业岗位")
    GOODS = "goods", _("物资")


class Resource(TimeStampedModel):
    """A resource (资源) a co-building unit or department offers, with quantity and availability."""

    title = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices, db_index=True)
    kind = models.CharField(_("资源类型"), max_length=20, choices=ResourceKind.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("服务区域"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        CoUnit,
        verbose_name=_("提供单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resources",
    )
    provider = models.CharField(_("提供方"), max_length=100)
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    remaining = models.PositiveIntegerField(_("剩余"), default=1)
    available_until = models.DateField(_("有效期至"), null=True, blank=True)
    # The words of the title and the description (rjieba), kept for the matching.
    keywords = models.TextField(_("关键词"), blank=True, editable=False)

    class Meta:
        verbose_name = _("资源")
        verbose_name_plural = _("资源")
        ordering: ClassVar[list[str]] = ["-id"]

    def __str__(self) -> str:
        return self.title


class ProjectStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("实施中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已终止")


class Project(TimeStampedModel):
    """A project (项目): a need matched to resources, with an owner unit, a plan and a due date."""

    code = models.CharField(_("编号"), max_length=20, unique=True)
    need = models.OneToOneField(
        Need, verbose_name=_("需求"), on_delete=models.PROTECT, related_name="project"
    )
    title = models.CharField(_("名称"), max_length=100)
    owner_unit = models.ForeignKey(
        CoUnit, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="projects"
    )
    owner_name = models.CharField(_("责任人"), max_length=50)
    plan = models.TextField(_("实施计划"), blank=True)
    milestone = models.CharField(_("节点"), max_length=100, blank=True)
    due_on = models.DateField(_("完成时限"))
    resources = models.ManyToManyField(Resource, verbose_name=_("资源"), related_name="projects", blank=True)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=ProjectStatus.choices,
        default=ProjectStatus.IN_PROGRESS,
        db_index=True,
    )
    result = models.TextField(_("结果"), blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering: ClassVar[list[str]] = ["-id"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ResponsibilityStatus(models.TextChoices):
    OPEN = "open", _("履责中")
    DONE = "done", _("已完成")


class Responsibility(TimeStampedModel):
    """A responsibility (责任): who answers for what, per unit and per year, with its due date — from
    a project, or a decision of a joint meeting (联席会议)."""

    unit = models.ForeignKey(
        CoUnit, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="responsibilities"
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+"
    )
    project = models.OneToOneField(
        Project,
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="responsibility",
    )
    meeting = models.ForeignKey(
        "community.JointMeeting",
        verbose_name=_("联席会议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("责任事项"), max_length=100)
    owner_name = models.CharField(_("责任人"), max_length=50)
    due_on = models.DateField(_("完成时限"))
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=ResponsibilityStatus.choices,
        default=ResponsibilityStatus.OPEN,
        db_index=True,
    )
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_note = models.CharField(_("落实情况"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("责任")
        verbose_name_plural = _("责任")
        ordering: ClassVar[list[str]] = ["-id"]

    def __str__(self) -> str:
        return self.title
