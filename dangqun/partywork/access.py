"""The only way to load 党员服务 objects for a user: ``access_*`` helpers.

The community side of a 报到 or a 服务岗 is whoever holds the community's party organisation (党务管理员
or 党支部书记 over it, with their subtrees) or works in the community (社区/街道工作人员 over its region).
The member sees their own; the member's unit branch reads its members' reports (双报到 feedback) but
decides nothing. Out of scope and nonexistent look the same (404)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from dangqun.accounts.models import Role, User
from dangqun.accounts.scope import get_scope
from dangqun.core.errors import NotFoundError
from dangqun.orgs.models import PartyOrg
from dangqun.party.models import PartyMember
from dangqun.partywork.models import MemberReport, ServicePost, ServiceSignup
from dangqun.regions.models import RegionLevel

COMMUNITY_REGION_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF})


def community_side_q(user: object, prefix: str) -> Q:
    """Rows whose community party organisation (at ``prefix``) the user serves. (An empty ``Q()``
    OR-ed with a condition is that condition, so the sysadmin's "everything" is never OR-ed.)"""
    scope = get_scope(user)
    if scope.is_sysadmin:
        return Q(pk__isnull=False)
    return scope.party_org_q(f"{prefix}__path") | scope.region_q(
        f"{prefix}__region__path", roles=COMMUNITY_REGION_ROLES
    )


def serves_community(user: object, org: PartyOrg) -> bool:
    scope = get_scope(user)
    if scope.covers_party_org_path(org.path):
        return True
    region = org.region
    return region is not None and scope.covers_path(region.path, roles=COMMUNITY_REGION_ROLES)


def community_orgs() -> QuerySet[PartyOrg]:
    """Party organisations of communities (社区党委/党总支/党支部 leading a community region)."""
    return PartyOrg.objects.select_related("region").filter(region__level=RegionLevel.COMMUNITY)


def community_orgs_for(user: object) -> QuerySet[PartyOrg]:
    """The communities the user serves (the community side of 报到 and 服务岗)."""
    scope = get_scope(user)
    if not scope.is_sysadmin and not scope.party_org_paths and not scope.region_paths(COMMUNITY_REGION_ROLES):
        return PartyOrg.objects.none()
    return community_orgs().filter(
        scope.party_org_q("path") | scope.region_q("region__path", roles=COMMUNITY_REGION_ROLES),
        is_active=True,
    )


def access_community_org_by_code(user: object, code: str) -> PartyOrg:
    org = community_orgs_for(user).filter(code=code).first()
    if org is None:
        raise NotFoundError(_("社区党组织不存在或无权访问"))
    return org


def unit_orgs_for(user: object) -> QuerySet[PartyOrg]:
    """Unit branches (a 党组织 with no region: 机关、事业单位、企业) in the user's party scope."""
    return PartyOrg.objects.filter(get_scope(user).party_org_q("path"), region__isnull=True, is_active=True)


def access_unit_org_by_code(user: object, code: str) -> PartyOrg:
    org = unit_orgs_for(user).filter(code=code).first()
    if org is None:
        raise NotFoundError(_("单位党组织不存在或无权访问"))
    return org


def own_member(user: object) -> PartyMember | None:
    if not getattr(user, "is_authenticated", False):
        return None
    assert isinstance(user, User)  # noqa: S101 - narrowing: an authenticated user is one of ours
    return PartyMember.objects.select_related("party_org").filter(user=user).first()


def reports_visible_q(user: object) -> Q:
    scope = get_scope(user)
    own = Q(member__user_id=scope.user_id) if scope.user_id else Q(pk__in=[])
    unit = Q(pk__isnull=False) if scope.is_sysadmin else scope.party_org_q("unit_org__path")
    return own | community_side_q(user, "community_org") | unit


def reports_for(user: object) -> QuerySet[MemberReport]:
    return MemberReport.objects.select_related("member", "community_org", "unit_org").filter(
        reports_visible_q(user)
    )


def access_report_by_id(user: object, report_id: int) -> MemberReport:
    report = reports_for(user).filter(pk=report_id).first()
    if report is None:
        raise NotFoundError(_("报到记录不存在或无权访问"))
    return report


def posts_visible_q(user: object) -> Q:
    """A post is seen by its community's side and by the members reported in to that community."""
    member = own_member(user)
    q = community_side_q(user, "community_org")
    if member is not None:
        q |= Q(
            community_org__reports__member=member,
            community_org__reports__status="accepted",
        )
    return q


def posts_for(user: object) -> QuerySet[ServicePost]:
    return ServicePost.objects.select_related("community_org").filter(posts_visible_q(user)).distinct()


def access_post_by_id(user: object, post_id: int) -> ServicePost:
    post = posts_for(user).filter(pk=post_id).first()
    if post is None:
        raise NotFoundError(_("服务岗不存在或无权访问"))
    return post


def signups_visible_q(user: object) -> Q:
    scope = get_scope(user)
    own = Q(member__user_id=scope.user_id) if scope.user_id else Q(pk__in=[])
    return own | community_side_q(user, "post__community_org")


def access_signup_by_id(user: object, signup_id: int) -> ServiceSignup:
    signup = (
        ServiceSignup.objects.select_related("post", "post__community_org", "member")
        .filter(signups_visible_q(user), pk=signup_id)
        .first()
    )
    if signup is None:
        raise NotFoundError(_("服务报名不存在或无权访问"))
    return signup
