"""Audit event types of the core app."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dangqun.core.audit import AuditEventType


class CoreEvent(AuditEventType):
    CALENDAR_DAY_SET = "core.calendar_day_set", _("设置工作日历")
    PII_VIEWED = "core.pii_viewed", _("查看完整个人信息")
