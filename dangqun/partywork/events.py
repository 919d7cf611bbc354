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
    PAIRING_CREATED = "partywork.pairing_created", _("建立结对帮扶")
    PAIRING_ENDED = "partywork.pairing_ended", _("结束结对帮扶")
    PAIRING_RESUMED = "partywork.pairing_resumed", _("恢复结对帮扶")
    PAIRING_VISITED = "partywork.pairing_visited", _("记录帮扶走访")
    CALLOUT_CREATED = "partywork.callout_created", _("发起党员召集")
    CALLOUT_CLOSED = "partywork.callout_closed", _("结束党员召集")
    CALLOUT_CANCELLED = "partywork.callout_cancelled", _("取消党员召集")
    CALLOUT_ACCEPTED = "partywork.callout_accepted", _("党员响应召集")
    CALLOUT_DECLINED = "partywork.callout_declined", _("党员不参加召集")
    BADGE_SET = "partywork.badge_set", _("设置亮身份")
