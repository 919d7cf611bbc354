"""Who hears about a case event: unit staff, the dispatchers at the handling level, the reporters."""

from __future__ import annotations

from django.db.models import Q

from dangqun.accounts.models import Membership, User
from dangqun.cases.models import Case, CaseTask
from dangqun.cases.permissions import DISPATCH_ROLES, UNIT_REGION_ROLES


def unit_staff(tasks: list[CaseTask]) -> list[User]:
    departments = [t.department_id for t in tasks if t.department_id]
    regions = [t.region_id for t in tasks if t.region_id]
    if not departments and not regions:
        return []
    q = Q(memberships__department_id__in=departments, memberships__role="department_staff")
    q |= Q(memberships__region_id__in=regions, memberships__role__in=list(UNIT_REGION_ROLES))
    return list(User.objects.filter(q, memberships__is_active=True, is_active=True).distinct())


def dispatchers(case: Case) -> list[User]:
    """Dispatching staff whose region is the handling region or one of its ancestors' (nearest level)."""
    paths = case.handling_region.ancestor_paths()
    members = (
        Membership.objects.filter(role__in=list(DISPATCH_ROLES), is_active=True, region__path__in=paths)
        .select_related("user", "region")
        .order_by("-region__level")
    )
    nearest: int | None = None
    users: list[User] = []
    for m in members:
        assert m.region is not None  # noqa: S101
        if nearest is None:
            nearest = m.region.level
        if m.region.level == nearest and m.user.is_active:
            users.append(m.user)
    return users


def reporters(case: Case) -> list[User]:
    """The case's reporter and the reporters of every case merged into it (they follow the main case)."""
    ids = {case.reporter_id} if case.reporter_id else set()
    ids.update(
        Case.objects.filter(merged_into=case, reporter__isnull=False).values_list("reporter_id", flat=True)
    )
    return list(User.objects.filter(pk__in=ids, is_active=True))
