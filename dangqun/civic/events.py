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
