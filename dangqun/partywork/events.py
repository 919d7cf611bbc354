"""Audit event types of 党员服务."""

from django.utils.translation import gettext_lazy as _

from dangqun.core.audit import AuditEventType


class PartyworkEvent(AuditEventType):
    REPORT_REQUESTED = "partywork.report_requested", _("党员申请报到")
    REPORT_ACCEPTED = "partywork.report_accepted", _("社区确认报到")
    REPORT_DECLINED = "partywork.report_declined", _("社区退回报到")
    REPORT_WITHDRAWN = "partywork.report_withdrawn", _("党员撤回报到")
    REPORT_ENDED = "partywork.report_ended", _("结束报到")
    POST_CREATED = "partywork.post_created", _("发布服务岗")
    SIGNUP_CREATED = "partywork.signup_created", _("报名服务岗")
    SIGNUP_CONFIRMED = "partywork.signup_confirmed", _("确认服务时长")
    SIGNUP_ABSENT = "partywork.signup_absent", _("登记未到岗")
    SIGNUP_CANCELLED = "partywork.signup_cancelled", _("取消服务报名")
