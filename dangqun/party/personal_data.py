"""Party members' ID numbers and phones: revealed to a reader who holds
``registry.view_resident_pii`` (the permission the party member admin already uses), inside their
party organisations, with a reason and an access-audit row — the residents' rules
(``registry.personal_data.pii_reveal``)."""

from __future__ import annotations

from typing import Any

from dangqun.party.access import access_party_member_by_id
from dangqun.party.models import PartyMember
from dangqun.registry.personal_data import PII_FIELDS, pii_reveal


def party_member_pii_reveal(*, actor: Any, member_id: int, reason: str, where: str = "") -> PartyMember:
    """403 without the permission (for every id), 422 without a reason, 404 out of scope; else the
    member, with a ``core.pii_viewed`` row (target ``party.partymember``)."""
    return pii_reveal(
        actor=actor,
        reason=reason,
        where=where,
        fields=PII_FIELDS,
        lookup=lambda: access_party_member_by_id(actor, member_id),
    )
