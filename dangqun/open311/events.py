"""Audit event types of the Open311 app."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dangqun.core.audit import AuditEventType


class Open311Event(AuditEventType):
    CLIENT_KEY_ISSUED = "open311.client_key_issued", _("签发Open311密钥")
    CLIENT_REVOKED = "open311.client_revoked", _("吊销Open311密钥")
    CLIENT_UPDATED = "open311.client_updated", _("修改Open311客户端")
    REQUEST_POSTED = "open311.request_posted", _("Open311提交诉求")
    UPDATE_POSTED = "open311.update_posted", _("Open311回传更新")
