"""Audit event types of the party app. A member's events name the fields written, never their values."""

from django.utils.translation import gettext_lazy as _

from dangqun.core.audit import AuditEventType


class PartyEvent(AuditEventType):
    PARTY_MEMBER_CREATED = "party.party_member_created", _("新建党员")
    PARTY_MEMBER_UPDATED = "party.party_member_updated", _("修改党员信息")
    PARTY_MEMBER_DELETED = "party.party_member_deleted", _("删除党员")
