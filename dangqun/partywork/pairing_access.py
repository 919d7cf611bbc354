"""Access to 结对帮扶 and 党员召集: the organisation's side (whoever holds the organisation in their
party scope, or works in the region it leads) sees and manages them; a member sees their own pairings
and their own invitations. Out of scope and nonexistent look the same (404)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from dangqun.accounts.scope import get_scope
from dangqun.core.errors import NotFoundError
from dangqun.orgs.models import PartyOrg
from dangqun.partywork.access import COMMUNITY_REGION_ROLES, community_side_q
from dangqun.partywork.models import CallOut, CallOutReply, Pairing


def orgs_for(user: object) -> QuerySet[PartyOrg]:
    """The party organisations the user acts for (pairings, call-outs)."""
    scope = get_scope(user)
    if not scope.is_sysadmin and not scope.party_org_paths and not scope.region_paths(COMMUNITY_REGION_ROLES):
        return PartyOrg.objects.none()
    return PartyOrg.objects.select_related("region").filter(
        scope.party_org_q("path") | scope.region_q("region__path", roles=COMMUNITY_REGION_ROLES),
        is_active=True,
    )


def access_org_by_code(user: object, code: str) -> PartyOrg:
    org = orgs_for(user).filter(code=code).first()
    if org is None:
        raise NotFoundError(_("党组织不存在或无权访问"))
    return org


def _own(user: object, lookup: str) -> Q:
    user_id = get_scope(user).user_id
    return Q(**{lookup: user_id}) if user_id else Q(pk__in=[])


def pairings_visible_q(user: object) -> Q:
    return community_side_q(user, "org") | _own(user, "member__user_id")


def pairings_for(user: object) -> QuerySet[Pairing]:
    return Pairing.objects.select_related(
        "org", "member", "household", "household__building", "hardship_member"
    ).filter(pairings_visible_q(user))


def access_pairing_by_id(user: object, pairing_id: int) -> Pairing:
    pairing = pairings_for(user).filter(pk=pairing_id).first()
    if pairing is None:
        raise NotFoundError(_("结对帮扶不存在或无权访问"))
    return pairing


def callouts_visible_q(user: object) -> Q:
    return community_side_q(user, "org") | _own(user, "replies__member__user_id")


def callouts_for(user: object) -> QuerySet[CallOut]:
    ids = CallOut.objects.filter(callouts_visible_q(user)).values("pk")
    return CallOut.objects.select_related("org").filter(pk__in=ids)


def access_callout_by_id(user: object, callout_id: int) -> CallOut:
    callout = callouts_for(user).filter(pk=callout_id).first()
    if callout is None:
        raise NotFoundError(_("党员召集不存在或无权访问"))
    return callout


def replies_visible_q(user: object) -> Q:
    return community_side_q(user, "callout__org") | _own(user, "member__user_id")


def access_reply_by_id(user: object, reply_id: int) -> CallOutReply:
    reply = (
        CallOutReply.objects.select_related("callout", "callout__org", "member")
        .filter(replies_visible_q(user), pk=reply_id)
        .first()
    )
    if reply is None:
        raise NotFoundError(_("召集回复不存在或无权访问"))
    return reply
