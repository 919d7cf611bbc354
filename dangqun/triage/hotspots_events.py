"""Audit event types of hotspot mining (kept beside ``triage.events``, owned by the hotspot code)."""

from __future__ import annotations

from dangqun.core.audit import AuditEventType


class HotspotEvent(AuditEventType):
    REFRESHED = "triage.hotspots_refreshed", "刷新热点问题"
    PROACTIVE_CREATED = "triage.hotspot_proactive", "热点转未诉先办"
    SUPERVISED = "triage.hotspot_supervised", "热点成员诉求督办"
