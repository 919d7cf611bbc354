"""``/``: each user's home, by primary role (``web.roles``), showing that role's own scope."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from dangqun.accounts.models import Role
from dangqun.accounts.scope import get_scope
from dangqun.analytics import region_data
from dangqun.orgs.models import Department
from dangqun.regions.models import Region
from dangqun.web.access import not_found_as_404
from dangqun.web.roles import REGION_HOME_ROLES, UserRole, user_role
from dangqun.web.views import gridapp
from dangqun.web.views.regions import region_page


def _region_home(request: HttpRequest, role: UserRole) -> HttpResponse:
    regions: list[Region] = [m.region for m in role.memberships if m.region is not None]
    template, context = region_page(request, regions[0])
    context.update({"is_home": True, "other_regions": regions[1:]})
    return render(request, template, context)


def _department_home(request: HttpRequest, role: UserRole) -> HttpResponse:
    scope = get_scope(request.user)
    departments = list(
        Department.objects.filter(pk__in=scope.department_ids, is_active=True)
        .select_related("region", "party_org")
        .order_by("sort_order", "code")
    )
    return render(
        request,
        "web/home/department.html",
        {"departments": departments, "facilities": region_data.facility_table(scope.department_ids)},
    )


def _party_home(request: HttpRequest, role: UserRole) -> HttpResponse:
    scope = get_scope(request.user)
    tree = region_data.party_org_tree(scope.party_org_paths)
    roots = [row for row in tree if row.depth == 0]
    return render(
        request,
        "web/home/party.html",
        {"tree": tree, "roots": roots, "members_total": sum(r.subtree_members for r in roots)},
    )


def _sysadmin_home(request: HttpRequest, role: UserRole) -> HttpResponse:
    return render(
        request,
        "web/home/sysadmin.html",
        {"counts": region_data.system_counts(), "events": region_data.recent_audit_events(20)},
    )


def _grid_app_home(request: HttpRequest, role: UserRole) -> HttpResponse:
    """A grid worker lands on the grid app (``gridapp``); one without a grid, on the region page."""
    grid = gridapp.grid_of(role)
    if grid is None:
        return _region_home(request, role)
    return gridapp.app_home(request, grid)


def _command_home(request: HttpRequest, role: UserRole) -> HttpResponse:
    """Dispatchers and leaders work in the command centre (指挥中心)."""
    return redirect("web:command")


@login_required
@not_found_as_404
def department_overview(request: HttpRequest) -> HttpResponse:
    """本部门: the departments of a department staff member with their facilities."""
    role = user_role(request)
    if not get_scope(request.user).department_ids:
        return redirect("web:home")
    return _department_home(request, role)


def _workbench_home(request: HttpRequest, role: UserRole) -> HttpResponse:
    """Department staff work from their unit's inbox (工作台)."""
    return redirect("web:workbench")


HomeBuilder = Callable[[HttpRequest, UserRole], HttpResponse]

HOMES: dict[str, HomeBuilder] = {
    Role.SYSADMIN: _sysadmin_home,
    Role.DEPARTMENT_STAFF: _department_home,
    Role.PARTY_ADMIN: _party_home,
    Role.BRANCH_SECRETARY: _party_home,
    **dict.fromkeys(REGION_HOME_ROLES, _region_home),
    Role.GRID_WORKER: _grid_app_home,
    Role.DISPATCHER: _command_home,
    Role.LEADER: _command_home,
    Role.DEPARTMENT_STAFF: _workbench_home,
}


@login_required
@not_found_as_404
def home(request: HttpRequest) -> HttpResponse:
    role = user_role(request)
    builder = HOMES.get(role.role)
    if role.role == Role.CITIZEN:
        return redirect("web:citizen_home")
    if builder is None or (role.role != Role.SYSADMIN and not role.memberships):
        # citizens, and staff whose only membership points at an inactive unit, find their grid
        return redirect("web:find_grid")
    return builder(request, role)
