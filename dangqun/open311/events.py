"""Audit event types of the Open311 app."""

from __future__ import annotations

from dangqun.core.audit import AuditEventType


class Open311Event(AuditEventType):
    CLIENT_KEY_ISSUED = "open311.client_key_issued", "签发Open311密钥"
    CLIENT_REVOKED = "open311.client_revoked", "吊销Open311密钥"
    REQUEST_POSTED = "open311.request_posted", "Open311提交诉求"
    UPDATE_POSTED = "open311.update_posted", "Open311回传更新"
