"""书记项目: projects led by party secretaries at district, street and community level (a three-level
library), with goals, planned milestones, a status on the workflow spine, the evaluation by the level
above and the 品牌 flag of the best evaluated ones."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangqun.core.models import TimeStampedModel


class SecretaryProjectLevel(models.IntegerChoices):
    DISTRICT = 1, _("区级")
    STREET = 2, _("街道级")
    COMMUNITY = 3, _("社区级")


class SecretaryProjectStatus(models.TextChoices):
    DECLARED = "declared", _("申报")
    APPROVED = "approved", _("立项")
    IN_PROGRESS = "in_progress", _("实施中")
    COMPLETED = "completed", _("已完成")
    EVALUATED = "evaluated", _("已评估")


class SecretaryProject(TimeStampedModel):
    """One 书记项目, placed in the region of its level (the district, a street or a community)."""

    code = models.CharField(_("编号"), max_length=20, unique=True)
    title = models.CharField(_("项目名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), choices=SecretaryProjectLevel.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey(
        "orgs.PartyOrg", verbose_name=_("牵头党组织"), on_delete=models.PROTECT, related_name="+"
    )
    secretary_name = models.CharField(_("领办书记"), max_length=50)
    goals = models.TextField(_("项目目标"))
    milestones = models.TextField(_("计划节点"), blank=True)  # one per line: "YYYY-MM-DD text"
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=SecretaryProjectStatus.choices,
        default=SecretaryProjectStatus.DECLARED,
    )
    result = models.TextField(_("实施成效"), blank=True)
    score = models.PositiveSmallIntegerField(_("评估得分"), null=True, blank=True)
    evaluation = models.TextField(_("评估意见"), blank=True)
    is_brand = models.BooleanField(_("品牌项目"), default=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("立项时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始实施时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    evaluated_at = models.DateTimeField(_("评估时间"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("品牌推广时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("书记项目")
        verbose_name_plural = _("书记项目")
        ordering: ClassVar[list[str]] = ["level", "region_id", "-id"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["status", "level"])]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__lte=100),
                name="community_secretary_project_score",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def milestone_list(self) -> list[str]:
        return [line.strip() for line in self.milestones.splitlines() if line.strip()]
