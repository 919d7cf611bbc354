from dangqun.core.audit import AuditEventType


class NotifyEvent(AuditEventType):
    # One row per ``notify_users`` call (kind, recipient count, channels), never one per recipient.
    SENT = "notify.sent", "发送通知"
