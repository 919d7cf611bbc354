from django.utils.translation import gettext_lazy as _

from dangqun.core.audit import AuditEventType


class NotifyEvent(AuditEventType):
    # One row per ``notify_users`` call (kind, recipient count, channels), never one per recipient.
    SENT = "notify.sent", _("发送通知")
