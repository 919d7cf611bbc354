"""Audit event types of the triage app."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dangqun.core.audit import AuditEventType


class TriageEvent(AuditEventType):
    MODEL_TRAINED = "triage.model_trained", _("训练分拨模型")
    MODEL_ACTIVATED = "triage.model_activated", _("启用分拨模型")
    AUTO_DISPATCHED = "triage.auto_dispatched", _("智能自动派单")
    AUTO_MERGED = "triage.auto_merged", _("智能自动并单")
