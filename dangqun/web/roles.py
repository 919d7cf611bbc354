"""Which role a user's pages are built for, and the labels the pages show for roles.

A user may hold several memberships; the pages open on the *primary* role, the first of
``ROLE_PRIORITY`` the user holds. A user with no active membership is treated as a citizen.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dangqun.accounts.models import Membership, Role
from dangqun.accounts.scope import DataScope, get_scope

ROLE_PRIORITY: tuple[str, ...] = (
    Role.SYSADMIN,
    Role.LEADER,
    Role.DISPATCHER,
    Role.STREET_STAFF,
    Role.COMMUNITY_STAFF,
    Role.GRID_LEADER,
    Role.GRID_WORKER,
    Role.DEPARTMENT_STAFF,
    Role.PARTY_ADMIN,
    Role.BRANCH_SECRETARY,
    Role.CITIZEN,
)

# The model's choice labels are plain Chinese; these are the translatable ones the pages show.
ROLE_LABELS: dict[str, Promise] = {
    Role.CITIZEN: _("群众"),
    Role.GRID_WORKER: _("网格员"),
    Role.GRID_LEADER: _("网格长"),
    Role.COMMUNITY_STAFF: _("社区工作人员"),
    Role.STREET_STAFF: _("街道工作人员"),
    Role.DEPARTMENT_STAFF: _("职能部门人员"),
    Role.DISPATCHER: _("指挥中心调度员"),
    Role.LEADER: _("领导"),
    Role.PARTY_ADMIN: _("党务管理员"),
    Role.BRANCH_SECRETARY: _("党支部书记"),
    Role.SYSADMIN: _("系统管理员"),
}

REGION_HOME_ROLES = frozenset(
    {
        Role.GRID_WORKER,
        Role.GRID_LEADER,
        Role.COMMUNITY_STAFF,
        Role.STREET_STAFF,
        Role.DISPATCHER,
        Role.LEADER,
    }
)


def primary_role(scope: DataScope) -> str:
    for role in ROLE_PRIORITY:
        if role in scope.roles:
            return role
    return Role.CITIZEN


@dataclass(frozen=True)
class UserRole:
    """The primary role and the memberships that carry it (region/department/org loaded)."""

    role: str
    memberships: tuple[Membership, ...]

    @property
    def label(self) -> Promise:
        return ROLE_LABELS.get(self.role, ROLE_LABELS[Role.CITIZEN])

    @property
    def target_name(self) -> str:
        """The name of the unit the primary membership is attached to ('' if none)."""
        if not self.memberships:
            return ""
        m = self.memberships[0]
        target = m.region or m.department or m.party_org
        return str(target.name) if target is not None else ""


_REQUEST_ATTR = "_dangqun_user_role"


def user_role(request: HttpRequest) -> UserRole:
    """The request user's primary role, computed once per request (one query for memberships)."""
    cached = getattr(request, _REQUEST_ATTR, None)
    if cached is not None:
        return cached
    scope = get_scope(request.user)
    role = primary_role(scope)
    memberships: tuple[Membership, ...] = ()
    if scope.user_id is not None and role != Role.CITIZEN:
        memberships = tuple(
            Membership.objects.filter(user_id=scope.user_id, role=role, is_active=True)
            .select_related("region", "department", "party_org")
            .order_by("region__path", "department__code", "party_org__path", "id")
        )
        if role in REGION_HOME_ROLES:
            # an inactive region gives no scope (accounts.scope), so it gives no home either
            memberships = tuple(m for m in memberships if m.region is not None and m.region.is_active)
    result = UserRole(role=role, memberships=memberships)
    setattr(request, _REQUEST_ATTR, result)
    return result
