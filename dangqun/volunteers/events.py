"""Audit event types of the 志愿服务 app (volunteers, activities, hours; shared spaces)."""

from django.utils.translation import gettext_lazy as _

from dangqun.core.audit import AuditEventType


class VolunteersEvent(AuditEventType):
    BOOKING_REQUESTED = "volunteers.booking_requested", _("预约共享空间")
    BOOKING_APPROVED = "volunteers.booking_approved", _("确认空间预约")
    BOOKING_REJECTED = "volunteers.booking_rejected", _("驳回空间预约")
    BOOKING_CANCELLED = "volunteers.booking_cancelled", _("取消空间预约")
    MEMBERSHIP_REQUESTED = "volunteers.membership_requested", _("申请加入志愿服务队")
    MEMBERSHIP_APPROVED = "volunteers.membership_approved", _("批准加入志愿服务队")
    MEMBERSHIP_REJECTED = "volunteers.membership_rejected", _("驳回入队申请")
    MEMBERSHIP_LEFT = "volunteers.membership_left", _("退出志愿服务队")
    VOLUNTEER_REGISTERED = "volunteers.volunteer_registered", _("注册志愿者")
    VOLUNTEER_UPDATED = "volunteers.volunteer_updated", _("更新志愿者信息")
    ACTIVITY_PUBLISHED = "volunteers.activity_published", _("发布志愿活动")
    SIGNUP_ENROLLED = "volunteers.signup_enrolled", _("报名志愿活动")
    SIGNUP_WAITLISTED = "volunteers.signup_waitlisted", _("报名志愿活动(候补)")
    SIGNUP_CANCELLED = "volunteers.signup_cancelled", _("取消活动报名")
    SIGNUP_PROMOTED = "volunteers.signup_promoted", _("候补转为正式报名")
    SIGNUP_CHECKED_IN = "volunteers.signup_checked_in", _("活动签到")
    HOURS_CONFIRMED = "volunteers.hours_confirmed", _("认定志愿服务时长")
