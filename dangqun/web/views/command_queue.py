"""The triage queue's full dispatch form, loaded on demand (htmx) into one compact queue row.

A queue row carries a one-line form (the suggested lead unit preselected, a deadline, the button);
"更多选项" swaps in this fragment: every unit for the lead, the co-units as a filterable checklist
(the suggested ones ticked), the signing and resolving deadlines and the urgency. It posts to the
same ``command_dispatch.dispatch`` as the compact form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from dangqun.accounts.scope import get_scope
from dangqun.cases import selectors
from dangqun.cases.enums import CaseStatus, Priority
from dangqun.cases.models import Case
from dangqun.cases.permissions import DISPATCH_ROLES
from dangqun.orgs.models import Department
from dangqun.regions.models import Region, RegionLevel
from dangqun.web.access import not_found_as_404

WAITING = frozenset({CaseStatus.SUBMITTED, CaseStatus.ACCEPTED})


@dataclass(frozen=True)
class UnitChoice:
    value: str  # "d:<department code>" or "r:<region code>"
    name: str
    lead: bool  # the suggested lead unit
    co: bool  # a suggested co-unit


def may_dispatch(user: Any) -> bool:
    scope = get_scope(user)
    return scope.is_sysadmin or bool(scope.region_paths(DISPATCH_ROLES))


def unit_choices(case: Case) -> list[UnitChoice]:
    """Active departments, then streets, then a suggested unit the lists lack (a community or grid);
    the routing suggestion (``case.suggested_route``) marked. Two or three queries."""
    route = case.suggested_route or {}
    lead_department = str(route.get("lead_department") or "")
    lead_region = str(route.get("lead_region") or "")
    co = {f"d:{c}" for c in route.get("co_departments") or []}
    lead = f"d:{lead_department}" if lead_department else (f"r:{lead_region}" if lead_region else "")
    units = [
        (f"d:{d.code}", d.name)
        for d in Department.objects.filter(is_active=True).order_by("sort_order", "code").only("code", "name")
    ]
    units += [
        (f"r:{r.code}", r.name)
        for r in Region.objects.filter(level=RegionLevel.STREET, is_active=True)
        .order_by("sort_order", "path")
        .only("code", "name")
    ]
    known = {value for value, _name in units}
    if lead.startswith("r:") and lead not in known:
        region = Region.objects.filter(code=lead_region, is_active=True).only("code", "name").first()
        if region is not None:
            units.append((lead, region.name))
    return [UnitChoice(value, name, value == lead, value in co) for value, name in units]


@login_required
@require_GET
@not_found_as_404
def dispatch_form(request: HttpRequest, code: str) -> HttpResponse:
    """The full dispatch form of one queued case (a fragment for htmx); dispatching roles only."""
    if not may_dispatch(request.user):
        return render(request, "web/command/forbidden.html", status=403)
    case = selectors.access_case_by_code(request.user, code)
    back = request.GET.get("next", "")
    if not back or not url_has_allowed_host_and_scheme(back, {request.get_host()}):
        back = "/command/"
    return render(
        request,
        "web/command/_dispatch_form.html",
        {
            "case": case,
            "units": unit_choices(case),
            "waiting": case.status in WAITING,
            "priorities": Priority.choices,
            "next": back,
        },
    )
