"""The only way to load 惠民服务 objects for a user.

Staff manage the policies of their regions: a community's, a street's or the district's staff (and
the command centre) see and edit the policies placed in their subtree; anything else is a 404, like a
policy that does not exist. A resident or an enterprise contact reads a policy only once it was
pushed to them (``access_my_policy_by_id``).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from dangqun.accounts.models import Role, User
from dangqun.accounts.scope import get_scope
from dangqun.civic.models import (
    CivicContact,
    Notice,
    NoticeStatus,
    Policy,
    PolicyReach,
    PolicyStatus,
    Proposal,
    ServiceApplication,
    ServiceItem,
)
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


# --- 办事指南: items are public; applications are the applicant's and the responsible unit's ---------

SERVICE_STAFF_ROLES = POLICY_STAFF_ROLES


def is_service_staff(user: object) -> bool:
    """Staff who manage a catalogue or work applications: region staff, or a department's staff."""
    scope = get_scope(user)
    return scope.is_sysadmin or bool(scope.roles & SERVICE_STAFF_ROLES) or bool(scope.department_ids)


def require_service_staff(user: object) -> None:
    if not is_service_staff(user):
        raise ForbiddenError(_("仅社区、街道、区级工作人员及责任单位可办理"))


def items_managed_q(user: object, prefix: str = "") -> Q:
    """Items the user manages: in a region of their staff scope, or of their department."""
    scope = get_scope(user)
    if scope.is_sysadmin:
        return Q()
    q = scope.region_q(f"{prefix}region__path", roles=SERVICE_STAFF_ROLES)
    if scope.department_ids:
        q |= Q(**{f"{prefix}department_id__in": sorted(scope.department_ids)})
    return q


def public_items() -> QuerySet[ServiceItem]:
    """The catalogue anyone may read (no login): the active items."""
    return ServiceItem.objects.select_related("region", "department").filter(is_active=True)


def access_public_item_by_code(code: str) -> ServiceItem:
    item = public_items().filter(code=code).first()
    if item is None:
        raise NotFoundError(_("办事事项不存在"))
    return item


def access_managed_item_by_code(user: object, code: str) -> ServiceItem:
    item = (
        ServiceItem.objects.select_related("region", "department")
        .filter(items_managed_q(user), code=code)
        .first()
    )
    if item is None:
        raise NotFoundError(_("办事事项不存在或无权管理"))
    return item


def applications_visible_q(user: object) -> Q:
    """The applicant's own, and those of the items the user's unit handles."""
    if not isinstance(user, User) or not user.is_authenticated:
        return Q(pk__in=[])
    q = Q(applicant=user)
    if is_service_staff(user):
        q |= items_managed_q(user, "item__")
    return q


def applications_for(user: object) -> QuerySet[ServiceApplication]:
    return ServiceApplication.objects.select_related("item", "item__region", "item__department").filter(
        applications_visible_q(user)
    )


def access_application_by_id(user: object, application_id: int) -> ServiceApplication:
    application = applications_for(user).filter(pk=application_id).first()
    if application is None:
        raise NotFoundError(_("申请不存在或无权访问"))
    return application


def handles_item(user: object, item: ServiceItem) -> bool:
    """Whether the user works the item's applications (its region's staff or its department's)."""
    scope = get_scope(user)
    if scope.covers_path(item.region.path, roles=SERVICE_STAFF_ROLES):
        return True
    return item.department_id is not None and item.department_id in scope.department_ids


# --- 居务公开栏 and 民事民议: the boards and proposals are public; staff manage their regions' ---------

NOTICE_STAFF_ROLES = POLICY_STAFF_ROLES


def is_notice_staff(user: object) -> bool:
    return is_policy_staff(user)


def require_notice_staff(user: object) -> None:
    if not is_notice_staff(user):
        raise ForbiddenError(_("仅社区、街道及区级工作人员可管理公开栏和议事"))


def notices_managed_q(user: object) -> Q:
    return get_scope(user).region_q("region__path", roles=NOTICE_STAFF_ROLES)


def managed_notices(user: object) -> QuerySet[Notice]:
    return Notice.objects.select_related("region").filter(notices_managed_q(user))


def access_managed_notice_by_id(user: object, notice_id: int) -> Notice:
    """A notice of the staff member's regions; another region's is a 404, like one that does not exist."""
    notice = managed_notices(user).filter(pk=notice_id).first()
    if notice is None:
        raise NotFoundError(_("公开栏信息不存在或无权管理"))
    return notice


def public_notices(today: dt.date) -> QuerySet[Notice]:
    """What anyone may read (no login): published and not past its end of display."""
    return Notice.objects.select_related("region").filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today), status=NoticeStatus.PUBLISHED
    )


def access_public_notice_by_id(notice_id: int, today: dt.date) -> Notice:
    notice = public_notices(today).filter(pk=notice_id).first()
    if notice is None:
        raise NotFoundError(_("公开栏信息不存在或已撤回"))
    return notice


def public_proposals() -> QuerySet[Proposal]:
    """Every proposal is public (民事民议: the matter, the discussion and the result)."""
    return Proposal.objects.select_related("region")


def access_public_proposal_by_id(proposal_id: int) -> Proposal:
    proposal = public_proposals().filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFoundError(_("议题不存在"))
    return proposal


def proposals_managed_q(user: object) -> Q:
    return get_scope(user).region_q("region__path", roles=NOTICE_STAFF_ROLES)


def manages_region(user: object, path: str) -> bool:
    return get_scope(user).covers_path(path, roles=NOTICE_STAFF_ROLES)
