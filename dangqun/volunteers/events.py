"""Audit event types of the 志愿服务 app (shared spaces)."""

from django.utils.translation import gettext_lazy as _

from dangqun.core.audit import AuditEventType


class VolunteersEvent(AuditEventType):
    BOOKING_REQUESTED = "volunteers.booking_requested", _("预约共享空间")
    BOOKING_APPROVED = "volunteers.booking_approved", _("确认空间预约")
    BOOKING_REJECTED = "volunteers.booking_rejected", _("驳回空间预约")
    BOOKING_CANCELLED = "volunteers.booking_cancelled", _("取消空间预约")
