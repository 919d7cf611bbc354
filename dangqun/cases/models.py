"""诉求 (cases): the case, its append-only timeline, per-unit tasks, attachments, categories,
routing rules and deadline policies. Status changes only through ``cases.services.transition``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dangqun.cases.enums import (
    CaseChannel,
    CaseEventType,
    CaseStatus,
    CaseType,
    ExtensionStatus,
    Priority,
    Satisfaction,
    TaskRole,
    TaskStatus,
)
from dangqun.core import pii
from dangqun.core.encrypted_fields import BlindIndexedModel, BlindIndexField, EncryptedCharField
from dangqun.core.fields import PathField
from dangqun.core.models import TimeStampedModel


class Category(TimeStampedModel):
    """Three-level category tree (一级/二级/三级分类); administrators edit it in admin."""

    code = models.CharField(_("分类编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    level = models.PositiveSmallIntegerField(
        _("层级"), choices=[(1, _("一级")), (2, _("二级")), (3, _("三级"))]
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = PathField(_("路径"), unique=True, editable=False)
    keywords = models.TextField(
        _("关键词"), blank=True, help_text=_("以逗号或空格分隔,用于分类建议与派单规则")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("诉求分类")
        verbose_name_plural = _("诉求分类")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_unique_name_in_parent")
        ]

    def __str__(self) -> str:
        return self.name


class SlaPolicy(TimeStampedModel):
    """限时办结: sign-by in working hours and resolve-by in working days, per category and priority.

    The most specific row wins: the case's category, then its ancestors, then the row without category.
    """

    category = models.ForeignKey(
        Category,
        verbose_name=_("分类"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sla_policies",
    )
    priority = models.CharField(
        _("紧急程度"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    sign_hours = models.DecimalField(_("签收时限(工作小时)"), max_digits=6, decimal_places=2)
    resolve_days = models.DecimalField(_("办结时限(工作日)"), max_digits=6, decimal_places=2)
    escalate_on_breach = models.BooleanField(_("超时自动上报"), default=True)

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")
        constraints = [
            models.UniqueConstraint(fields=["category", "priority"], name="sla_unique_category_priority"),
            models.UniqueConstraint(
                fields=["priority"], condition=Q(category__isnull=True), name="sla_unique_default_priority"
            ),
            models.CheckConstraint(
                condition=Q(sign_hours__gt=0) & Q(resolve_days__gt=0), name="sla_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category or gettext('默认')} · {self.get_priority_display()}"


class RoutingRule(TimeStampedModel):
    """分流交办 rules: category × region (× keywords) → lead unit and co-units. Lower ``order`` first;
    the first rule that matches wins; no match leaves the case in the dispatcher's queue."""

    name = models.CharField(_("规则名称"), max_length=80)
    order = models.PositiveIntegerField(_("优先顺序"), default=100)
    category = models.ForeignKey(
        Category,
        verbose_name=_("分类(含下级)"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("区域(含下级)"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    keywords = models.CharField(_("关键词(任一命中)"), max_length=300, blank=True)
    lead_department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("主办部门"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    lead_region_level = models.PositiveSmallIntegerField(
        _("主办属地层级"),
        null=True,
        blank=True,
        choices=[(2, _("所在街道/乡镇")), (3, _("所在社区/村"))],
        help_text=_("不指定主办部门时,由诉求所在的街道或社区主办"),
    )
    co_departments = models.ManyToManyField(
        "orgs.Department", verbose_name=_("协办部门"), blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("派单规则")
        verbose_name_plural = _("派单规则")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Case(BlindIndexedModel):
    code = models.CharField(_("诉求编号"), max_length=32, unique=True)
    channel = models.CharField(_("来源渠道"), max_length=20, choices=CaseChannel.choices)
    case_type = models.CharField(_("诉求类型"), max_length=12, choices=CaseType.choices)
    category = models.ForeignKey(
        Category, verbose_name=_("分类"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    priority = models.CharField(
        _("紧急程度"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED
    )
    title = models.CharField(_("标题"), max_length=120)
    description = models.TextField(_("内容"))
    # WGS-84; GCJ-02/BD-09 input is converted at intake (regions.coords).
    lng = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    grid = models.ForeignKey(
        "regions.Region",
        verbose_name=_("所在网格"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The deepest region known for the case (the grid when located): scope filters use its path.
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="+"
    )
    region_path = PathField(_("区域路径"))
    # Who dispatches the case now (首问负责 → 上报 moves it up): grid, community, street or district.
    handling_region = models.ForeignKey(
        "regions.Region", verbose_name=_("当前受理层级"), on_delete=models.PROTECT, related_name="+"
    )
    first_contact_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("首问责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("诉求人账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_cases",
    )
    reporter_name = models.CharField(_("诉求人"), max_length=50, blank=True)
    reporter_phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)
    reporter_phone_hash = BlindIndexField(source="reporter_phone", kind=pii.PHONE)
    # Tracking by code + the phone's last four digits, and the staff's case search by those digits,
    # compare this hash, never the plain phone. Indexed (migration 0004 made the index: the field's
    # ``db_index=False`` here did not reach the migration state, so it only misdescribed the table).
    reporter_phone_last4_hash = BlindIndexField(source="reporter_phone", kind=pii.PHONE_LAST4)
    is_anonymous = models.BooleanField(_("匿名"), default=False)
    source_ref = models.CharField(_("来源系统单号"), max_length=64, blank=True)
    lead_department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("主办部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    suggested_route = models.JSONField(_("建议派单"), default=dict, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("并入诉求"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_cases",
    )
    is_supervised = models.BooleanField(_("督办中"), default=False)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    escalation_count = models.PositiveSmallIntegerField(_("上报次数"), default=0)
    satisfaction = models.CharField(_("满意度"), max_length=12, choices=Satisfaction.choices, blank=True)
    rating_comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    result = models.TextField(_("办理结果"), blank=True)
    # Clocks (限时办结): the lead task's deadlines, mirrored here for lists and sweeps.
    sign_due_at = models.DateTimeField(_("签收时限"), null=True, blank=True, db_index=True)
    resolve_due_at = models.DateTimeField(_("办结时限"), null=True, blank=True, db_index=True)
    breached_at = models.DateTimeField(_("超时时间"), null=True, blank=True)
    # One timestamp per state.
    submitted_at = models.DateTimeField(_("登记时间"), db_index=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    resolved_on_time = models.BooleanField(_("按时办结"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(_("版本"), default=0)

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["region_path", "submitted_at"]),
            models.Index(fields=["category", "submitted_at"]),
            models.Index(fields=["lead_department", "submitted_at"]),
            models.Index(fields=["channel", "source_ref"]),
            # the triage queue: the few cases waiting for acceptance or dispatch, oldest first (at
            # scale 20 the planner otherwise walked the submitted_at index over every case: 184 ms)
            models.Index(
                fields=["submitted_at", "id"],
                condition=Q(status__in=["submitted", "accepted"]),
                name="case_waiting_idx",
            ),
            # the supervision board: the few supervised cases, newest first, without reading the rest
            models.Index(
                fields=["-submitted_at", "-id"], condition=Q(is_supervised=True), name="case_supervised_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "source_ref"], condition=~Q(source_ref=""), name="case_unique_source_ref"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class CaseTask(models.Model):
    """One unit's share of a case: the lead (主办) or a co-unit (协办), each with its own clocks."""

    case = models.ForeignKey(Case, verbose_name=_("诉求"), on_delete=models.PROTECT, related_name="tasks")
    role = models.CharField(_("角色"), max_length=4, choices=TaskRole.choices)
    department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("属地单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.PENDING
    )
    sign_due_at = models.DateTimeField(_("签收时限"))
    resolve_due_at = models.DateTimeField(_("办结时限"))
    allowed_seconds = models.FloatField(_("办理时限(工作秒)"), default=0)
    assigned_at = models.DateTimeField(_("派发时间"))
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签收人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    result = models.TextField(_("办理结果"), blank=True)
    extension_status = models.CharField(
        _("延期"), max_length=10, choices=ExtensionStatus.choices, blank=True, default=ExtensionStatus.NONE
    )
    extension_days = models.DecimalField(
        _("申请延期(工作日)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    extension_reason = models.CharField(_("延期理由"), max_length=300, blank=True)
    sign_breached = models.BooleanField(_("签收超时"), default=False)
    resolve_breached = models.BooleanField(_("办结超时"), default=False)

    class Meta:
        verbose_name = _("办理任务")
        verbose_name_plural = _("办理任务")
        ordering = ["case_id", "role", "id"]
        indexes = [
            models.Index(fields=["department", "status"]),
            models.Index(fields=["region", "status"]),
            models.Index(fields=["status", "resolve_due_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(department__isnull=False) & Q(region__isnull=True))
                | (Q(department__isnull=True) & Q(region__isnull=False)),
                name="task_one_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_role_display()} {self.unit_name}"

    @property
    def unit_name(self) -> str:
        unit: Any = self.department or self.region
        return unit.name if unit else ""


class CaseEvent(models.Model):
    """The append-only timeline of a case. Never updated, never deleted (PROTECT everywhere)."""

    case = models.ForeignKey(Case, verbose_name=_("诉求"), on_delete=models.PROTECT, related_name="events")
    task = models.ForeignKey(
        CaseTask,
        verbose_name=_("任务"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    event_type = models.CharField(_("事件"), max_length=24, choices=CaseEventType.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    actor_unit = models.CharField(_("操作单位"), max_length=120, blank=True)
    from_status = models.CharField(_("原状态"), max_length=12, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=CaseStatus.choices, blank=True)
    reason = models.TextField(_("说明"), blank=True)
    payload = models.JSONField(_("数据"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        verbose_name = _("诉求事件")
        verbose_name_plural = _("诉求事件")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.event_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("case events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("case events are never deleted")


class AttachmentStage(models.TextChoices):
    REPORT = "report", _("诉求材料")
    HANDLING = "handling", _("处置过程")
    RESULT = "result", _("办结材料")


class Attachment(models.Model):
    case = models.ForeignKey(
        Case, verbose_name=_("诉求"), on_delete=models.PROTECT, related_name="attachments"
    )
    task = models.ForeignKey(
        CaseTask, verbose_name=_("任务"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    stage = models.CharField(
        _("阶段"), max_length=10, choices=AttachmentStage.choices, default=AttachmentStage.REPORT
    )
    file = models.CharField(_("文件"), max_length=255)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField("SHA-256", max_length=64)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    width = models.PositiveIntegerField(_("宽"), null=True, blank=True)
    height = models.PositiveIntegerField(_("高"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name or self.file


class IdempotencyRecord(models.Model):
    """A create request's Idempotency-Key: a retried submission returns the case it made the first time."""

    key = models.CharField(max_length=100)
    owner = models.CharField(max_length=100, help_text="user id, or the channel for anonymous submissions")
    request_hash = models.CharField(max_length=64)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("幂等键")
        verbose_name_plural = _("幂等键")
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="idempotency_unique_owner_key")]

    def __str__(self) -> str:
        return f"{self.owner}:{self.key}"


class CaseCodeCounter(models.Model):
    """Per-day sequence for case codes (YB-20261122-000123), incremented under a row lock."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class CaseConfig(models.Model):
    """Workflow settings an administrator may change (one row)."""

    rating_timeout_days = models.PositiveSmallIntegerField(_("评价超时(自然日)"), default=7)
    max_reopen = models.PositiveSmallIntegerField(_("最多重办次数"), default=2)
    auto_dispatch = models.BooleanField(_("规则命中时自动派单"), default=False)

    class Meta:
        verbose_name = _("办理配置")
        verbose_name_plural = _("办理配置")

    def __str__(self) -> str:
        return gettext("办理配置")


class KpiDaily(models.Model):
    """The KPI rollup (``analytics.kpi_rollup``): one day's exact counts and hour totals of the cases
    registered that day, per dimension and key.

    ``dim`` is ``all`` (one row a day), ``region`` (one row per region on the cases' paths, at each
    depth: key = the path down to that depth), ``department`` (key = the lead department's id, ``""``
    for none) or ``category`` (key = the category path down to each depth). Each case counts once at
    each depth of each dimension, so every row is a sum of whole cases and the rows add up exactly.
    """

    day = models.DateField(_("日期"))
    dim = models.CharField(_("维度"), max_length=12)
    depth = models.PositiveSmallIntegerField(_("层级"), default=0)
    key = models.CharField(_("键"), max_length=255, blank=True)
    submitted = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    resolved_on_time = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    basically_satisfied = models.PositiveIntegerField(default=0)
    unsatisfied = models.PositiveIntegerField(default=0)
    unrated = models.PositiveIntegerField(default=0)
    signed = models.PositiveIntegerField(default=0)
    sign_hours_total = models.FloatField(default=0.0)
    resolve_hours_total = models.FloatField(default=0.0)

    class Meta:
        verbose_name = _("指标日汇总")
        verbose_name_plural = _("指标日汇总")
        indexes = [models.Index(fields=["dim", "depth", "key", "day"], name="kpidaily_lookup")]
        constraints = [
            models.UniqueConstraint(fields=["day", "dim", "depth", "key"], name="kpidaily_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.dim}:{self.key}"


class KpiRolledDay(models.Model):
    """A day whose ``KpiDaily`` rows were computed (after the day ended)."""

    day = models.DateField(_("日期"), primary_key=True)
    rolled_at = models.DateTimeField(_("汇总时间"))

    class Meta:
        verbose_name = _("已汇总日期")
        verbose_name_plural = _("已汇总日期")

    def __str__(self) -> str:
        return str(self.day)


class KpiDirtyDay(models.Model):
    """A change to a case registered on ``day`` since that day's rollup: the day is read live until
    the rollup job recomputes it. Append-only (no row contention); the job deletes what it consumed."""

    day = models.DateField(_("日期"), db_index=True)

    class Meta:
        verbose_name = _("待重算日期")
        verbose_name_plural = _("待重算日期")

    def __str__(self) -> str:
        return str(self.day)
