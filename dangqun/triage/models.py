"""Trained triage models, versioned in the database so that every app process loads the same one.

Exactly one row is active at a time (a partial unique constraint); training adds a row and makes it
active; rolling back makes an older row active again. The fitted classifier is a pickled blob written
only by ``triage.services`` (never uploaded), so loading it trusts nothing from outside.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy


class TriageModel(models.Model):
    version = models.PositiveIntegerField(gettext_lazy("版本"), unique=True)
    created_at = models.DateTimeField(gettext_lazy("训练时间"))
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("训练人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField(gettext_lazy("在用"), default=False)
    level = models.PositiveSmallIntegerField(gettext_lazy("分类层级"), default=2)
    labels = models.JSONField(gettext_lazy("分类编码"), default=list)
    n_labelled = models.PositiveIntegerField(gettext_lazy("标注样本数"), default=0)
    n_unlabelled = models.PositiveIntegerField(gettext_lazy("未标注样本数"), default=0)
    n_taxonomy_docs = models.PositiveIntegerField(gettext_lazy("分类词条数"), default=0)
    train_seconds = models.FloatField(gettext_lazy("训练耗时(秒)"), default=0)
    scores = models.JSONField(gettext_lazy("评估分数"), default=dict, blank=True)
    size_bytes = models.PositiveIntegerField(gettext_lazy("模型大小(字节)"), default=0)
    blob = models.BinaryField(gettext_lazy("模型"), editable=False)
    note = models.CharField(gettext_lazy("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = gettext_lazy("分拨模型")
        verbose_name_plural = gettext_lazy("分拨模型")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="triage_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version}"

    @property
    def version_label(self) -> str:
        return f"v{self.version}"


class Hotspot(models.Model):
    """A cluster of recent cases about one problem at one place in one period (热点), refreshed by the
    ``triage.jobs.refresh_hotspots`` job (``triage.hotspots_services``). Rows someone acted on (turned
    into a proactive case, or supervised) are kept across refreshes; the others are replaced."""

    computed_at = models.DateTimeField(gettext_lazy("计算时间"), db_index=True)
    rank = models.PositiveSmallIntegerField(gettext_lazy("热度排名"))
    heat = models.FloatField(gettext_lazy("热度指数"))
    title = models.CharField(gettext_lazy("问题描述"), max_length=200)
    place = models.CharField(gettext_lazy("地点/人群"), max_length=100, blank=True)
    start_at = models.DateTimeField(gettext_lazy("开始时间"))
    end_at = models.DateTimeField(gettext_lazy("结束时间"))
    n_cases = models.PositiveIntegerField(gettext_lazy("诉求数"))
    n_reporters = models.PositiveIntegerField(gettext_lazy("诉求人数"))
    factors = models.JSONField(gettext_lazy("热度因子"), default=dict, blank=True)
    cases = models.ManyToManyField(
        "cases.Case", verbose_name=gettext_lazy("成员诉求"), through="HotspotCase", related_name="hotspots"
    )
    proactive_case = models.ForeignKey(
        "cases.Case",
        verbose_name=gettext_lazy("未诉先办诉求"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    supervised_at = models.DateTimeField(gettext_lazy("督办时间"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("热点问题")
        verbose_name_plural = gettext_lazy("热点问题")
        ordering = ["-computed_at", "rank"]

    def __str__(self) -> str:
        return f"#{self.rank} {self.title}"

    @property
    def acted_on(self) -> bool:
        return self.proactive_case_id is not None or self.supervised_at is not None


class HotspotCase(models.Model):
    hotspot = models.ForeignKey(Hotspot, on_delete=models.CASCADE, related_name="memberships")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = gettext_lazy("热点成员诉求")
        verbose_name_plural = gettext_lazy("热点成员诉求")
        constraints = [models.UniqueConstraint(fields=["hotspot", "case"], name="triage_hotspot_case_unique")]

    def __str__(self) -> str:
        return f"{self.hotspot_id}:{self.case_id}"
