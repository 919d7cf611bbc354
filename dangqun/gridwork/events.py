"""Audit event types of the 网格工作 app. A visit's events name the fields written, never the answers."""

from django.utils.translation import gettext_lazy as _

from dangqun.core.audit import AuditEventType


class GridworkEvent(AuditEventType):
    VISIT_RECORDED = "gridwork.visit_recorded", _("记录走访")
    VISIT_CANCELLED = "gridwork.visit_cancelled", _("取消走访")
    VISITS_REFRESHED = "gridwork.visits_refreshed", _("生成应访名单")
