"""Audit event types of the exchange app."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dangqun.core.audit import AuditEventType


class ExchangeEvent(AuditEventType):
    PROFILE_SAVED = "exchange.profile_saved", _("保存导入方案")
    IMPORT_STARTED = "exchange.import_started", _("开始导入")
    IMPORT_FINISHED = "exchange.import_finished", _("导入完成")
    CASES_EXPORTED = "exchange.cases_exported", _("导出诉求")
    KPIS_EXPORTED = "exchange.kpis_exported", _("导出考核报表")
