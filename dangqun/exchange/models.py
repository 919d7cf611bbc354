"""Hotline exchange: column-mapping profiles per source, import jobs with their row report, and the
orders already imported (a source's order number maps to one case, so importing twice adds nothing)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dangqun.core.models import TimeStampedModel


class ImportSource(models.TextChoices):
    HOTLINE_12345 = "hotline_12345", _("12345热线")
    HOTLINE_8890 = "hotline_8890", _("8890热线")


# Our fields an import can fill, with their labels. ``order_no`` and ``description`` are required.
IMPORT_FIELDS: dict[str, str | Promise] = {
    "order_no": _("工单编号"),
    "title": _("标题"),
    "description": _("诉求内容"),
    "category": _("诉求分类(编码或名称)"),
    "case_type": _("诉求类型"),
    "priority": _("紧急程度"),
    "address": _("地址"),
    "region": _("所属区域(区划代码或名称)"),
    "lng": _("经度"),
    "lat": _("纬度"),
    "reporter_name": _("来电人"),
    "reporter_phone": _("来电号码"),
    "called_at": _("来电时间"),
}
REQUIRED_FIELDS = ("order_no", "description", "reporter_phone")


class MappingProfile(TimeStampedModel):
    """How one source's export names its columns: ``mapping`` is ``{our field: their column header}``."""

    name = models.CharField(_("方案名称"), max_length=80)
    source = models.CharField(_("来源"), max_length=20, choices=ImportSource.choices)
    mapping = models.JSONField(_("列对应"), default=dict)
    crs = models.CharField(
        _("坐标系"),
        max_length=8,
        default="gcj02",
        choices=[("wgs84", "WGS-84"), ("gcj02", "GCJ-02"), ("bd09", "BD-09")],
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("导入列对应方案")
        verbose_name_plural = _("导入列对应方案")
        ordering = ["source", "name"]
        constraints = [
            models.UniqueConstraint(fields=["source", "name"], name="exchange_profile_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} · {self.name}"


class JobStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ImportJob(models.Model):
    """One pass over an uploaded file: a dry run (nothing written but this row) or the real import."""

    profile = models.ForeignKey(
        MappingProfile, verbose_name=_("方案"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("来源"), max_length=20, choices=ImportSource.choices)
    dry_run = models.BooleanField(_("试运行"), default=True)
    file = models.CharField(_("文件"), max_length=255)
    file_name = models.CharField(_("原文件名"), max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64)
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    message = models.CharField(_("说明"), max_length=300, blank=True)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理"), default=0)
    created_count = models.PositiveIntegerField(_("新建"), default=0)
    skipped_count = models.PositiveIntegerField(_("已导入跳过"), default=0)
    error_count = models.PositiveIntegerField(_("错误行"), default=0)
    errors = models.JSONField(_("错误明细"), default=list, blank=True)
    preview = models.JSONField(_("预览"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return int(self.processed_rows * 100 / self.total_rows) if self.total_rows else 0


class ImportedOrder(models.Model):
    """A source's order number and the case it became. Never deleted with the job."""

    source = models.CharField(_("来源"), max_length=20, choices=ImportSource.choices)
    order_no = models.CharField(_("工单编号"), max_length=64)
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("诉求"), on_delete=models.PROTECT, related_name="+"
    )
    job = models.ForeignKey(
        ImportJob, verbose_name=_("导入任务"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("已导入工单")
        verbose_name_plural = _("已导入工单")
        constraints = [
            models.UniqueConstraint(fields=["source", "order_no"], name="exchange_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.order_no}"
