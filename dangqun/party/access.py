"""The only way to load a party member for a user: ``access_party_member_by_id(user, id)``.

A party member is read within the party organisations a user holds a role on (and their
subtrees), as the member list is. Out of scope and nonexistent look the same (``NotFoundError`` →
HTTP 404), so guessing ids learns nothing.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from dangqun.accounts.scope import get_scope
from dangqun.core.errors import NotFoundError
from dangqun.party.models import PartyMember


def party_members_for(user: object) -> QuerySet[PartyMember]:
    """Party members ``user`` may read: those of their party organisations' subtrees."""
    scope = get_scope(user)
    return PartyMember.objects.select_related("party_org").filter(scope.party_org_q("party_org__path"))


def access_party_member_by_id(user: object, member_id: int) -> PartyMember:
    member = party_members_for(user).filter(pk=member_id).first()
    if member is None:
        raise NotFoundError(_("党员不存在或无权访问"))
    return member
