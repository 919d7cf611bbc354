"""Audit event types of the regions app."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dangqun.core.audit import AuditEventType


class RegionsEvent(AuditEventType):
    REGION_CREATED = "regions.region_created", _("新建区划")
    REGION_UPDATED = "regions.region_updated", _("修改区划")
    BOUNDARY_CHANGED = "regions.boundary_changed", _("修改边界")
