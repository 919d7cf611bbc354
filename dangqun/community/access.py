"""The only way to load the four lists' objects for a user: ``access_*`` helpers.

Needs, resources, projects and responsibilities are placed in a region (a community or a grid); the
staff who may read the grid registries (网格员 up to 领导) see those of their regions' subtrees; a
resident sees the needs they raised. Out of scope and nonexistent look the same (404).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from dangqun.accounts.models import Role
from dangqun.accounts.scope import REGISTRY_READ_ROLES, get_scope
from dangqun.community.models import (
    Agreement,
    Alliance,
    CoUnit,
    JointMeeting,
    Need,
    Pairing,
    Project,
    Resource,
    Responsibility,
    SecretaryProject,
    ServiceRequest,
)
from dangqun.core.errors import NotFoundError
from dangqun.regions.models import Region

# Who manages the lists (claims for a unit, starts and closes projects): community staff and above.
MANAGER_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.LEADER})
# Who declares a 书记项目 for their own region's level and evaluates the levels below.
LEAD_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.LEADER})


def region_q(user: object, lookup: str = "region__path") -> Q:
    return get_scope(user).region_q(lookup, REGISTRY_READ_ROLES)


def needs_visible_q(user: object) -> Q:
    q = region_q(user)
    if getattr(user, "is_authenticated", False):
        q |= Q(raised_by=user)
    return q


def needs_for(user: object) -> QuerySet[Need]:
    return Need.objects.select_related("region", "claimed_by").filter(needs_visible_q(user))


def access_need_by_id(user: object, need_id: int) -> Need:
    need = needs_for(user).filter(pk=need_id).first()
    if need is None:
        raise NotFoundError(_("需求不存在或无权访问"))
    return need


def resources_for(user: object) -> QuerySet[Resource]:
    return Resource.objects.select_related("region", "unit").filter(region_q(user))


def projects_for(user: object) -> QuerySet[Project]:
    return Project.objects.select_related("need", "need__region", "owner_unit").filter(
        region_q(user, "need__region__path")
    )


def access_project_by_id(user: object, project_id: int) -> Project:
    project = projects_for(user).filter(pk=project_id).first()
    if project is None:
        raise NotFoundError(_("项目不存在或无权访问"))
    return project


def responsibilities_for(user: object) -> QuerySet[Responsibility]:
    return Responsibility.objects.select_related("unit", "region").filter(region_q(user))


def access_responsibility_by_id(user: object, responsibility_id: int) -> Responsibility:
    duty = responsibilities_for(user).filter(pk=responsibility_id).first()
    if duty is None:
        raise NotFoundError(_("责任不存在或无权访问"))
    return duty


def agreements_for(user: object) -> QuerySet[Agreement]:
    return Agreement.objects.select_related("unit", "region").filter(region_q(user))


def access_agreement_by_id(user: object, agreement_id: int) -> Agreement:
    agreement = agreements_for(user).filter(pk=agreement_id).first()
    if agreement is None:
        raise NotFoundError(_("协议不存在或无权访问"))
    return agreement


def alliances_for(user: object) -> QuerySet[Alliance]:
    return Alliance.objects.select_related("region", "lead_org").filter(region_q(user))


def access_alliance_by_id(user: object, alliance_id: int) -> Alliance:
    alliance = alliances_for(user).filter(pk=alliance_id).first()
    if alliance is None:
        raise NotFoundError(_("联盟不存在或无权访问"))
    return alliance


def pairings_for(user: object) -> QuerySet[Pairing]:
    return Pairing.objects.select_related("region", "org").filter(region_q(user))


def joint_meetings_for(user: object) -> QuerySet[JointMeeting]:
    return JointMeeting.objects.select_related("region", "alliance").filter(region_q(user))


def access_joint_meeting_by_id(user: object, meeting_id: int) -> JointMeeting:
    meeting = joint_meetings_for(user).filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFoundError(_("会议不存在或无权访问"))
    return meeting


def service_requests_visible_q(user: object) -> Q:
    """Staff see the requests of their regions; a resident sees the ones they made."""
    q = region_q(user)
    if getattr(user, "is_authenticated", False):
        q |= Q(requester=user)
    return q


def service_requests_for(user: object) -> QuerySet[ServiceRequest]:
    return ServiceRequest.objects.select_related("item", "region").filter(service_requests_visible_q(user))


def access_service_request_by_id(user: object, request_id: int) -> ServiceRequest:
    row = service_requests_for(user).filter(pk=request_id).first()
    if row is None:
        raise NotFoundError(_("服务申请不存在或无权访问"))
    return row


def units_for(user: object) -> QuerySet[CoUnit]:
    """Co-building units of the user's regions, and of the streets above them (a street's 大工委
    serves its communities)."""
    scope = get_scope(user)
    q = region_q(user)
    for path in scope.region_paths(REGISTRY_READ_ROLES):
        parts = path.strip("/").split("/")
        for i in range(1, len(parts)):
            q |= Q(region__path="/" + "/".join(parts[:i]) + "/")
    return CoUnit.objects.select_related("region").filter(q, is_active=True)


def access_region_by_code(user: object, code: str) -> Region:
    """A region whose lists the user may read (their subtree); else 404."""
    region = Region.objects.filter(code=code, is_active=True).first()
    if region is None or not get_scope(user).covers_path(region.path, REGISTRY_READ_ROLES):
        raise NotFoundError(_("区域不存在或无权访问"))
    return region


def is_manager(user: object, region: Region) -> bool:
    return get_scope(user).covers_path(region.path, MANAGER_ROLES)


def secretary_projects_visible_q(user: object) -> Q:
    """书记项目 of the user's regions, and of the party organisations a 党务管理员 holds."""
    scope = get_scope(user)
    q = region_q(user)
    if scope.has_role(Role.PARTY_ADMIN) and not scope.is_sysadmin:
        q |= scope.party_org_q("org__path")
    return q


def secretary_projects_for(user: object) -> QuerySet[SecretaryProject]:
    return SecretaryProject.objects.select_related("region", "org").filter(secretary_projects_visible_q(user))


def access_secretary_project_by_id(user: object, project_id: int) -> SecretaryProject:
    project = secretary_projects_for(user).filter(pk=project_id).first()
    if project is None:
        raise NotFoundError(_("书记项目不存在或无权访问"))
    return project
