"""Audit event types of the 惠民服务 app (structured data, never translated text)."""

from django.utils.translation import gettext_lazy as _

from dangqun.core.audit import AuditEventType


class CivicEvent(AuditEventType):
    POLICY_CREATED = "civic.policy_created", _("新建惠民政策")
    POLICY_UPDATED = "civic.policy_updated", _("修改惠民政策")
    POLICY_PUBLISHED = "civic.policy_published", _("发布惠民政策")
    POLICY_WITHDRAWN = "civic.policy_withdrawn", _("撤回惠民政策")
    POLICY_PUSHED = "civic.policy_pushed", _("推送惠民政策")
    CONTACT_LINKED = "civic.contact_linked", _("关联居民/企业账号")
    SERVICE_CREATED = "civic.service_created", _("新建办事事项")
    SERVICE_UPDATED = "civic.service_updated", _("修改办事事项")
    APPLICATION_SUBMITTED = "civic.application_submitted", _("提交代办申请")
    APPLICATION_ACCEPTED = "civic.application_accepted", _("受理代办申请")
    APPLICATION_HANDED_OVER = "civic.application_handed_over", _("代办材料交接")
    APPLICATION_DONE = "civic.application_done", _("代办申请办结")
    APPLICATION_RETURNED = "civic.application_returned", _("退回代办申请")
    APPLICATION_WITHDRAWN = "civic.application_withdrawn", _("撤回代办申请")
    NOTICE_CREATED = "civic.notice_created", _("新建公开栏信息")
    NOTICE_UPDATED = "civic.notice_updated", _("修改公开栏信息")
    NOTICE_PUBLISHED = "civic.notice_published", _("发布公开栏信息")
    NOTICE_WITHDRAWN = "civic.notice_withdrawn", _("撤回公开栏信息")
    PROPOSAL_RAISED = "civic.proposal_raised", _("提出议题")
    PROPOSAL_VOTING_OPENED = "civic.proposal_voting_opened", _("议题开始表决")
    PROPOSAL_DECIDED = "civic.proposal_decided", _("议题议定")
    PROPOSAL_DONE = "civic.proposal_done", _("议题落实")
    PROPOSAL_CLOSED = "civic.proposal_closed", _("议题不予表决")
    PROPOSAL_COMMENTED = "civic.proposal_commented", _("议题发言")
    PROPOSAL_COMMENT_HIDDEN = "civic.proposal_comment_hidden", _("屏蔽议题发言")
    PROPOSAL_VOTED = "civic.proposal_voted", _("户代表投票")
    VOICE_CREATED = "civic.voice_created", _("新建党的声音")
    VOICE_UPDATED = "civic.voice_updated", _("修改党的声音")
    VOICE_PUBLISHED = "civic.voice_published", _("发布党的声音")
    VOICE_WITHDRAWN = "civic.voice_withdrawn", _("撤回党的声音")
    VOICE_PUSHED = "civic.voice_pushed", _("推送党的声音")
