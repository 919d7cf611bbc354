"""The only way to load 惠民服务 objects for a user.

Staff manage the policies of their regions: a community's, a street's or the district's staff (and
the command centre) see and edit the policies placed in their subtree; anything else is a 404, like a
policy that does not exist. A resident or an enterprise contact reads a policy only once it was
pushed to them (``access_my_policy_by_id``).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from dangqun.accounts.models import Role, User
from dangqun.accounts.scope import get_scope
from dangqun.civic.models import CivicContact, Policy, PolicyReach, PolicyStatus
from dangqun.core.errors import ForbiddenError, NotFoundError

POLICY_STAFF_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISPATCHER, Role.LEADER})


def is_policy_staff(user: object) -> bool:
    scope = get_scope(user)
    return scope.is_sysadmin or bool(scope.roles & POLICY_STAFF_ROLES)


def require_policy_staff(user: object) -> None:
    """A role gate before any lookup (the same 403 for every object, so it leaks nothing)."""
    if not is_policy_staff(user):
        raise ForbiddenError(_("仅社区、街道及区级工作人员可管理惠民政策"))


def policies_visible_q(user: object) -> Q:
    return get_scope(user).region_q("region__path", roles=POLICY_STAFF_ROLES)


def policies_for(user: object) -> QuerySet[Policy]:
    return Policy.objects.select_related("region").filter(policies_visible_q(user))


def access_policy_by_id(user: object, policy_id: int) -> Policy:
    policy = policies_for(user).filter(pk=policy_id).first()
    if policy is None:
        raise NotFoundError(_("政策不存在或无权访问"))
    return policy


def covers_region(user: object, path: str) -> bool:
    return get_scope(user).covers_path(path, roles=POLICY_STAFF_ROLES)


def contact_of(user: object) -> CivicContact | None:
    """The account's registry link (its resident record, its enterprise), if any."""
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    return CivicContact.objects.select_related("resident", "business").filter(user=user).first()


def my_policies(user: object) -> QuerySet[PolicyReach]:
    """The published policies pushed to the user, newest first."""
    if not isinstance(user, User) or not user.is_authenticated:
        return PolicyReach.objects.none()
    return (
        PolicyReach.objects.select_related("policy")
        .filter(user=user, policy__status=PolicyStatus.PUBLISHED)
        .order_by("-pushed_at", "-id")
    )


def access_my_policy_by_id(user: object, policy_id: int) -> PolicyReach:
    reach = my_policies(user).filter(policy_id=policy_id).first()
    if reach is None:
        raise NotFoundError(_("政策不存在或未推送给您"))
    return reach
