"""Audit event types of 区域化党建 (``dangqun.community``)."""

from django.utils.translation import gettext_lazy as _

from dangqun.core.audit import AuditEventType


class CommunityEvent(AuditEventType):
    NEED_CREATED = "community.need_created", _("登记需求")
    NEED_CLAIMED = "community.need_claimed", _("认领需求")
    NEED_STARTED = "community.need_started", _("需求立项")
    NEED_RESOLVED = "community.need_resolved", _("需求解决")
    NEED_CANCELLED = "community.need_cancelled", _("撤销需求")
    NEED_RATED = "community.need_rated", _("居民评价需求")
    RESOURCE_CREATED = "community.resource_created", _("登记资源")
    PROJECT_COMPLETED = "community.project_completed", _("项目完成")
    PROJECT_CANCELLED = "community.project_cancelled", _("项目终止")
    RESPONSIBILITY_DONE = "community.responsibility_done", _("责任落实")
    UNIT_JOINED = "community.unit_joined", _("共建单位加入")
    AGREEMENT_SIGNED = "community.agreement_signed", _("签订共建协议")
    AGREEMENT_RENEWED = "community.agreement_renewed", _("续签共建协议")
    ALLIANCE_CREATED = "community.alliance_created", _("成立党建联盟")
    ALLIANCE_MEMBER_ADDED = "community.alliance_member_added", _("联盟增加成员")
    PAIRING_CREATED = "community.pairing_created", _("建立结对共建")
    MEETING_RECORDED = "community.meeting_recorded", _("记录联席会议")
    SERVICE_REQUESTED = "community.service_requested", _("申请社区服务")
    SERVICE_ACCEPTED = "community.service_accepted", _("受理社区服务")
    SERVICE_DONE = "community.service_done", _("社区服务办结")
    SERVICE_REJECTED = "community.service_rejected", _("社区服务不予受理")
    SECRETARY_PROJECT_DECLARED = "community.secretary_project_declared", _("申报书记项目")
    SECRETARY_PROJECT_APPROVED = "community.secretary_project_approved", _("书记项目立项")
    SECRETARY_PROJECT_STARTED = "community.secretary_project_started", _("书记项目开始实施")
    SECRETARY_PROJECT_COMPLETED = "community.secretary_project_completed", _("书记项目完成")
    SECRETARY_PROJECT_EVALUATED = "community.secretary_project_evaluated", _("评估书记项目")
    SECRETARY_PROJECT_PROMOTED = "community.secretary_project_promoted", _("书记项目推广为品牌")
