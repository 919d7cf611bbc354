"""The case's vocabularies. Labels are the interface's words; values are stable codes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CaseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    ACCEPTED = "accepted", _("待派单")
    DISPATCHED = "dispatched", _("已派单")
    IN_PROGRESS = "in_progress", _("处置中")
    RESOLVED = "resolved", _("已办结待审核")
    REVIEWED = "reviewed", _("已审核待评价")
    CLOSED = "closed", _("已归档")
    REJECTED = "rejected", _("不予受理")
    MERGED = "merged", _("已并单")


TERMINAL_STATUSES = frozenset({CaseStatus.CLOSED, CaseStatus.REJECTED, CaseStatus.MERGED})
OPEN_STATUSES = frozenset(set(CaseStatus.values) - {s.value for s in TERMINAL_STATUSES})


class CaseChannel(models.TextChoices):
    WEB = "web", _("网站")
    APP = "app", _("群众APP")
    GRID_WORKER = "grid_worker", _("网格员上报")
    HOTLINE_12345 = "hotline_12345", _("12345热线")
    HOTLINE_8890 = "hotline_8890", _("8890热线")
    DEPARTMENT = "department", _("部门转办")
    INTERNAL = "internal", _("内部来源")
    PROACTIVE = "proactive", _("未诉先办")
    OPEN311 = "open311", _("Open311接口")


class CaseType(models.TextChoices):
    CONSULT = "consult", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    SUGGESTION = "suggestion", _("建议")
    REPORT = "report", _("举报")
    PRAISE = "praise", _("表扬")


class Priority(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    CRITICAL = "critical", _("特急")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")
    UNRATED = "unrated", _("未评价")


class TaskRole(models.TextChoices):
    LEAD = "lead", _("主办")
    CO = "co", _("协办")


class TaskStatus(models.TextChoices):
    PENDING = "pending", _("待签收")
    SIGNED = "signed", _("处置中")
    DONE = "done", _("已完成")
    RETURNED = "returned", _("已退单")
    CANCELLED = "cancelled", _("已撤销")


ACTIVE_TASK_STATUSES = frozenset({TaskStatus.PENDING, TaskStatus.SIGNED})


class ExtensionStatus(models.TextChoices):
    NONE = "", _("无")
    REQUESTED = "requested", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("已驳回")


class CaseEventType(models.TextChoices):
    CREATED = "created", _("登记")
    ACCEPTED = "accepted", _("受理")
    REJECTED = "rejected", _("不予受理")
    DISPATCHED = "dispatched", _("派单")
    SIGNED = "signed", _("签收")
    NOTE = "note", _("处置记录")
    RETURNED = "returned", _("退单")
    RESOLVED = "resolved", _("办结")
    RESOLVED_ON_SPOT = "resolved_on_spot", _("现场办结")
    REVIEWED = "reviewed", _("审核通过")
    REVIEW_FAILED = "review_failed", _("审核不通过")
    RATED = "rated", _("评价")
    REOPENED = "reopened", _("重办")
    CLOSED = "closed", _("归档")
    ESCALATED = "escalated", pgettext_lazy("case event", "上报")
    MERGED = "merged", _("并单")
    MERGED_INTO = "merged_into", _("并入")
    EXTENSION_REQUESTED = "extension_requested", _("申请延期")
    EXTENSION_APPROVED = "extension_approved", _("批准延期")
    EXTENSION_REFUSED = "extension_refused", _("驳回延期")
    SUPERVISED = "supervised", _("督办")
    SUPERVISION_LIFTED = "supervision_lifted", _("解除督办")
    FOLLOWED_UP = "followed_up", _("回访")
    BREACHED = "breached", _("超时")
    ATTACHMENT_ADDED = "attachment_added", _("上传附件")
