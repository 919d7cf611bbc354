"""One-action dispatch (一键派单) from the triage queue or the case page.

A new case (待受理) is accepted and dispatched in one transaction by ``case_accept_and_dispatch``: two
moves through ``case_transition`` (two timeline events), both or neither. The form carries the case's
version, so a page that went stale while another dispatcher acted gets a clear message instead of a
second dispatch.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from dangqun.cases import selectors
from dangqun.cases.enums import Priority
from dangqun.cases.services.moves import case_accept_and_dispatch
from dangqun.cases.units import Unit, unit_for
from dangqun.core.errors import DomainError, validation_text
from dangqun.web.access import not_found_as_404


def parse_unit(value: str, field: str) -> Unit:
    """``d:<department code>`` or ``r:<region code>`` → a ``Unit``; anything else is a field error."""
    kind, _, code = (value or "").partition(":")
    if not value:
        raise ValidationError({field: gettext("请选择主办单位")})
    unit = None
    if kind == "d":
        unit = unit_for(department=code)
    elif kind == "r":
        unit = unit_for(region=code)
    if unit is None:
        raise ValidationError({field: gettext("未知的办理单位:%(value)s") % {"value": value}})
    return unit


def _decimal(raw: str, field: str, label: str) -> Decimal | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValidationError({field: gettext("%(label)s须为数字") % {"label": label}}) from None
    if value <= 0:
        raise ValidationError({field: gettext("%(label)s须大于0") % {"label": label}})
    return value


def dispatch_params(data: Any) -> dict[str, Any]:
    """The dispatch move's parameters from a posted form."""
    lead = parse_unit(data.get("lead", ""), "lead")
    co_units = [parse_unit(v, "co_units") for v in data.getlist("co_units") if v and v != data.get("lead")]
    priority = data.get("priority", "") or None
    if priority is not None and priority not in Priority.values:
        raise ValidationError({"priority": gettext("未知紧急程度")})
    return {
        "lead": lead,
        "co_units": co_units,
        "sign_hours": _decimal(data.get("sign_hours", ""), "sign_hours", gettext("签收时限")),
        "resolve_days": _decimal(data.get("resolve_days", ""), "resolve_days", gettext("办结时限")),
        "priority": priority,
    }


def _version(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else None


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


@login_required
@require_POST
@not_found_as_404
def dispatch(request: HttpRequest, code: str) -> HttpResponse:
    case = selectors.access_case_by_code(request.user, code)
    back = safe_next(request, f"/cases/{case.code}/")
    try:
        params = dispatch_params(request.POST)
        case_accept_and_dispatch(
            case=case,
            actor=request.user,
            expected_version=_version(request.POST.get("expected_version", "")),
            **params,
        )
    except ValidationError as exc:
        text = validation_text(exc)
        messages.error(request, gettext("派单未完成(%(code)s):%(text)s") % {"code": case.code, "text": text})
        return redirect(back)
    except DomainError as exc:
        messages.error(request, gettext("派单未完成(%(code)s):%(text)s") % {"code": case.code, "text": exc})
        return redirect(back)
    lead = params["lead"].name
    messages.success(request, gettext("已派单 %(code)s → %(lead)s") % {"code": case.code, "lead": lead})
    return redirect(back)
