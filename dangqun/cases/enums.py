"""The case's vocabularies. Labels are the interface's words; values are stable codes."""

from __future__ import annotations

from django.db import models


class CaseStatus(models.TextChoices):
    SUBMITTED = "submitted", "待受理"
    ACCEPTED = "accepted", "待派单"
    DISPATCHED = "dispatched", "已派单"
    IN_PROGRESS = "in_progress", "处置中"
    RESOLVED = "resolved", "已办结待审核"
    REVIEWED = "reviewed", "已审核待评价"
    CLOSED = "closed", "已归档"
    REJECTED = "rejected", "不予受理"
    MERGED = "merged", "已并单"


TERMINAL_STATUSES = frozenset({CaseStatus.CLOSED, CaseStatus.REJECTED, CaseStatus.MERGED})
OPEN_STATUSES = frozenset(set(CaseStatus.values) - {s.value for s in TERMINAL_STATUSES})


class CaseChannel(models.TextChoices):
    WEB = "web", "网站"
    APP = "app", "群众APP"
    GRID_WORKER = "grid_worker", "网格员上报"
    HOTLINE_12345 = "hotline_12345", "12345热线"
    HOTLINE_8890 = "hotline_8890", "8890热线"
    DEPARTMENT = "department", "部门转办"
    INTERNAL = "internal", "内部来源"
    PROACTIVE = "proactive", "未诉先办"
    OPEN311 = "open311", "Open311接口"


class CaseType(models.TextChoices):
    CONSULT = "consult", "咨询"
    HELP = "help", "求助"
    COMPLAINT = "complaint", "投诉"
    SUGGESTION = "suggestion", "建议"
    REPORT = "report", "举报"
    PRAISE = "praise", "表扬"


class Priority(models.TextChoices):
    NORMAL = "normal", "一般"
    URGENT = "urgent", "紧急"
    CRITICAL = "critical", "特急"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY = "basically", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"
    UNRATED = "unrated", "未评价"


class TaskRole(models.TextChoices):
    LEAD = "lead", "主办"
    CO = "co", "协办"


class TaskStatus(models.TextChoices):
    PENDING = "pending", "待签收"
    SIGNED = "signed", "处置中"
    DONE = "done", "已完成"
    RETURNED = "returned", "已退单"
    CANCELLED = "cancelled", "已撤销"


ACTIVE_TASK_STATUSES = frozenset({TaskStatus.PENDING, TaskStatus.SIGNED})


class ExtensionStatus(models.TextChoices):
    NONE = "", "无"
    REQUESTED = "requested", "待审批"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "已驳回"


class CaseEventType(models.TextChoices):
    CREATED = "created", "登记"
    ACCEPTED = "accepted", "受理"
    REJECTED = "rejected", "不予受理"
    DISPATCHED = "dispatched", "派单"
    SIGNED = "signed", "签收"
    NOTE = "note", "处置记录"
    RETURNED = "returned", "退单"
    RESOLVED = "resolved", "办结"
    RESOLVED_ON_SPOT = "resolved_on_spot", "现场办结"
    REVIEWED = "reviewed", "审核通过"
    REVIEW_FAILED = "review_failed", "审核不通过"
    RATED = "rated", "评价"
    REOPENED = "reopened", "重办"
    CLOSED = "closed", "归档"
    ESCALATED = "escalated", "上报"
    MERGED = "merged", "并单"
    MERGED_INTO = "merged_into", "并入"
    EXTENSION_REQUESTED = "extension_requested", "申请延期"
    EXTENSION_APPROVED = "extension_approved", "批准延期"
    EXTENSION_REFUSED = "extension_refused", "驳回延期"
    SUPERVISED = "supervised", "督办"
    SUPERVISION_LIFTED = "supervision_lifted", "解除督办"
    FOLLOWED_UP = "followed_up", "回访"
    BREACHED = "breached", "超时"
    ATTACHMENT_ADDED = "attachment_added", "上传附件"
