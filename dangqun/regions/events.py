"""Audit event types of the regions app."""

from __future__ import annotations

from dangqun.core.audit import AuditEventType


class RegionsEvent(AuditEventType):
    REGION_CREATED = "regions.region_created", "新建区划"
    REGION_UPDATED = "regions.region_updated", "修改区划"
    BOUNDARY_CHANGED = "regions.boundary_changed", "修改边界"
