"""The only way to load party objects for a user: ``access_*`` helpers.

A party member, organisation, meeting or transfer is read within the party organisations a user
holds a role on (党务管理员 or 党支部书记, with their subtrees). Out of scope and nonexistent look the
same (``NotFoundError`` → HTTP 404), so guessing ids learns nothing. A transfer is seen by both ends:
the sending and the receiving organisation.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from dangqun.accounts.models import User
from dangqun.accounts.scope import get_scope
from dangqun.core.errors import NotFoundError
from dangqun.orgs.models import PartyOrg
from dangqun.party.models import Development, Meeting, PartyMember, Transfer


def party_members_for(user: object) -> QuerySet[PartyMember]:
    """Party members ``user`` may read: those of their party organisations' subtrees."""
    scope = get_scope(user)
    return PartyMember.objects.select_related("party_org").filter(scope.party_org_q("party_org__path"))


def access_party_member_by_id(user: object, member_id: int) -> PartyMember:
    member = party_members_for(user).filter(pk=member_id).first()
    if member is None:
        raise NotFoundError(_("党员不存在或无权访问"))
    return member


def party_orgs_for(user: object) -> QuerySet[PartyOrg]:
    """Active party organisations in the user's party organisation subtrees."""
    return PartyOrg.objects.filter(get_scope(user).party_org_q("path"), is_active=True)


def access_party_org_by_code(user: object, code: str) -> PartyOrg:
    org = party_orgs_for(user).filter(code=code).first()
    if org is None:
        raise NotFoundError(_("党组织不存在或无权访问"))
    return org


def access_meeting_by_id(user: object, meeting_id: int) -> Meeting:
    meeting = (
        Meeting.objects.select_related("org")
        .filter(get_scope(user).party_org_q("org__path"), pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise NotFoundError(_("会议记录不存在或无权访问"))
    return meeting


def transfers_visible_q(user: object) -> Q:
    """Transfers sent from or to one of the user's organisations."""
    scope = get_scope(user)
    return scope.party_org_q("from_org__path") | scope.party_org_q("to_org__path")


def transfers_for(user: object) -> QuerySet[Transfer]:
    return Transfer.objects.select_related("member", "from_org", "to_org").filter(transfers_visible_q(user))


def access_transfer_by_id(user: object, transfer_id: int) -> Transfer:
    transfer = transfers_for(user).filter(pk=transfer_id).first()
    if transfer is None:
        raise NotFoundError(_("转接记录不存在或无权访问"))
    return transfer


def own_party_member(user: object) -> PartyMember | None:
    """The party member linked to the user's own account (the party member's pages), if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    assert isinstance(user, User)  # noqa: S101 - narrowing: an authenticated user is one of ours
    return PartyMember.objects.select_related("party_org", "party_group").filter(user=user).first()


def access_development_by_id(user: object, development_id: int) -> Development:
    development = (
        Development.objects.select_related("branch", "member")
        .filter(get_scope(user).party_org_q("branch__path"), pk=development_id)
        .first()
    )
    if development is None:
        raise NotFoundError(_("发展党员记录不存在或无权访问"))
    return development
