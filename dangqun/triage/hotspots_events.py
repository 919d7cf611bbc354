"""Audit event types of hotspot mining (kept beside ``triage.events``, owned by the hotspot code)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dangqun.core.audit import AuditEventType


class HotspotEvent(AuditEventType):
    REFRESHED = "triage.hotspots_refreshed", _("刷新热点问题")
    PROACTIVE_CREATED = "triage.hotspot_proactive", _("热点转未诉先办")
    SUPERVISED = "triage.hotspot_supervised", _("热点成员诉求督办")
