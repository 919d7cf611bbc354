"""The header of every page: who is signed in, in which role, and the menu that role may use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dangqun.accounts.models import Role
from dangqun.accounts.scope import get_scope
from dangqun.web import (
    nav_civic,
    nav_community,
    nav_gridwork,
    nav_party_study,
    nav_partywork,
    nav_volunteers,
)
from dangqun.web.roles import REGION_HOME_ROLES, user_role

# Who sees the PC terminals in the menu: the command centre and the unit workbench.
COMMAND_ROLES = frozenset({Role.DISPATCHER, Role.LEADER})
WORKBENCH_ROLES = frozenset({Role.DEPARTMENT_STAFF, Role.STREET_STAFF, Role.COMMUNITY_STAFF})


@dataclass(frozen=True)
class NavItem:
    key: str
    label: Promise
    url: str
    current: bool


def nav_items(request: HttpRequest) -> list[NavItem]:
    """Menu entries for the request user: only what their roles may open."""
    user = request.user
    if not user.is_authenticated:
        return []
    scope = get_scope(user)
    primary = user_role(request)
    items: list[tuple[str, Promise, str]] = [("home", _("首页"), reverse("web:home"))]
    if primary.role in REGION_HOME_ROLES and primary.memberships:
        region = primary.memberships[0].region
        assert region is not None  # noqa: S101 - REGION_HOME_ROLES memberships carry a region
        label: Promise = _("我的网格") if region.level == 5 else _("辖区浏览")
        items.append(("region", label, reverse("web:region", args=[region.code])))
    if scope.is_sysadmin or scope.roles & COMMAND_ROLES:
        items.append(("command", _("指挥中心"), reverse("web:command")))
    if scope.department_ids or scope.roles & WORKBENCH_ROLES:
        items.append(("workbench", _("工作台"), reverse("web:workbench")))
    if scope.department_ids:
        items.append(("department", _("本部门"), reverse("web:department")))
    if scope.party_org_paths:  # 党务管理员, 党支部书记 (the system administrator opens it by address)
        items.append(("party", _("组织指导"), reverse("web:party")))
    for domain in (nav_community, nav_gridwork, nav_partywork, nav_party_study, nav_volunteers, nav_civic):
        items.extend(domain.items(request, scope))
    items.append(("find_grid", _("找网格员"), reverse("web:find_grid")))
    if scope.is_sysadmin or getattr(user, "is_staff", False):
        items.append(("admin", _("管理后台"), reverse("admin:index")))
    path = request.path
    result = []
    for key, label, url in items:
        current = path == url if url == "/" else path.startswith(url)
        result.append(NavItem(key=key, label=label, url=url, current=current))
    return result


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"nav_items": [], "user_role": None}
    return {"nav_items": nav_items(request), "user_role": user_role(request)}
