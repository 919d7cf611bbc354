"""Unit codes → ``Unit``: the one lookup of the departments and regions a case is dispatched to.

The dispatch form (``d:<code>`` / ``r:<code>``), the API's ``{"department": …}`` / ``{"region": …}``
and a routing suggestion's codes all come through here, so that every door agrees on what a unit is:
a department, or an active region (a street or community that handles the case itself). A department
that has been switched off is still found: the door refuses it by name ("部门“…”已停用").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dangqun.cases.services.transition import Unit
from dangqun.orgs.models import Department
from dangqun.regions.models import Region

__all__ = ["Unit", "route_units", "unit_by_code", "unit_for"]


def unit_for(*, department: str | None = None, region: str | None = None) -> Unit | None:
    """The unit with this department code or this (active) region code, exactly one given; ``None``
    when there is no such unit or when both or neither code is given."""
    department, region = (department or "").strip(), (region or "").strip()
    if bool(department) == bool(region):
        return None
    if department:
        found = Department.objects.filter(code=department).first()
        return Unit(department=found) if found is not None else None
    place = Region.objects.filter(code=region, is_active=True).first()
    return Unit(region=place) if place is not None else None


def unit_by_code(*, department: str | None = None, region: str | None = None, field: str) -> Unit:
    """As ``unit_for``, but a missing or ambiguous unit is a ``ValidationError`` naming ``field``
    and the code."""
    if bool((department or "").strip()) == bool((region or "").strip()):
        raise ValidationError({field: _("办理单位须为一个部门或一个属地区域(department 或 region 二选一)")})
    unit = unit_for(department=department, region=region)
    if unit is not None:
        return unit
    if department:
        raise ValidationError({field: _("未知部门编码: %(department)s") % {"department": department}})
    raise ValidationError({field: _("未知区划代码: %(region)s") % {"region": region}})


def route_units(route: Mapping[str, Any]) -> tuple[Unit | None, list[Unit]]:
    """The lead and co-units a routing suggestion (``Case.suggested_route``) names; a unit that is
    gone or inactive by now is left out (the lead is then ``None``)."""
    lead = unit_for(department=route.get("lead_department"))
    if lead is not None and lead.department is not None and not lead.department.is_active:
        lead = None
    if lead is None and not route.get("lead_department"):
        lead = unit_for(region=route.get("lead_region"))
    codes: Iterable[str] = route.get("co_departments") or []
    co = [Unit(department=d) for d in Department.objects.filter(code__in=list(codes), is_active=True)]
    return lead, [u for u in co if lead is None or u.key != lead.key]
