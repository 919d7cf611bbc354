"""惠民政策 pages: the staff's policy library (search, a new draft with its rules and a preview
count, the policy's page with reach and reads and the moves the door accepts) and the citizen app's
"policies for me". Views parse and render; the writes are civic services and the policy door."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from dangqun.accounts.scope import get_scope
from dangqun.civic import selectors
from dangqun.civic.access import (
    POLICY_STAFF_ROLES,
    access_my_policy_by_id,
    access_policy_by_id,
    contact_of,
    is_policy_staff,
    my_policies,
)
from dangqun.civic.models import Audience, PolicyStatus
from dangqun.civic.policies import PolicyWorkflow
from dangqun.civic.rules import FIELDS, OP_LABELS, rule_text
from dangqun.civic.services import policy_create, policy_mark_read
from dangqun.core import clock
from dangqun.core.errors import DomainError, validation_text
from dangqun.regions.models import Region
from dangqun.web.access import not_found_as_404

RULE_ROWS = 4
_SPLIT = re.compile(r"[,,、;;]")


def _require_staff(request: HttpRequest) -> None:
    if not is_policy_staff(request.user):
        raise PermissionDenied


def _regions(user: Any) -> list[Region]:
    """The regions a staff member may place a policy in: their own and those below, down to communities."""
    scope = get_scope(user)
    qs = Region.objects.filter(level__lte=3, is_active=True)
    if not scope.is_sysadmin:
        qs = qs.filter(scope.region_q("path", roles=POLICY_STAFF_ROLES))
    return list(qs.order_by("path")[:300])


def parse_value(text: str) -> Any:
    """A rule's value as typed: 是/否 → a boolean, numbers → integers, a comma list → a list."""
    text = text.strip()
    if text.lower() in {"是", "true", "yes"}:  # i18n: data
        return True
    if text.lower() in {"否", "false", "no"}:  # i18n: data
        return False
    parts: list[Any] = [p.strip() for p in _SPLIT.split(text) if p.strip()]
    parts = [int(p) if p.isdigit() else p for p in parts]
    return parts[0] if len(parts) == 1 else parts


def _rules_from(post: Any) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    rules, rows = [], []
    for i in range(RULE_ROWS):
        field, op, value = (post.get(f"rule_{i}_{k}", "").strip() for k in ("field", "op", "value"))
        rows.append({"field": field, "op": op, "value": value})
        if field:
            rules.append({"field": field, "op": op, "value": parse_value(value)})
    return rules, rows


def _form_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    fields = {str(a): [(f.name, str(f.label)) for f in fs.values()] for a, fs in FIELDS.items()}
    return {
        "regions": _regions(request.user),
        "audiences": Audience.choices,
        "rule_fields": fields,
        "ops": [(op, str(label)) for op, label in OP_LABELS.items()],
        "rule_rows": [{"field": "", "op": "", "value": ""}] * RULE_ROWS,
        "form": {},
        **extra,
    }


@login_required
def policies(request: HttpRequest) -> HttpResponse:
    """The policy library of the staff member's regions, with search and the new-policy form."""
    _require_staff(request)
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()[:60]
    rows = list(selectors.policy_list(request.user, status=status, q=q)[:100])
    context = _form_context(request, rows=rows, status=status, q=q, statuses=PolicyStatus.choices)
    return render(request, "web/civic/policies.html", context)


@require_POST
@login_required
def create_policy(request: HttpRequest) -> HttpResponse:
    """Save a draft — or, with 预览, only count who the rules fit (nothing written)."""
    _require_staff(request)
    post = request.POST
    rules, rows = _rules_from(post)
    audience = post.get("audience", "")
    form = {k: post.get(k, "") for k in ("title", "issuer", "region", "audience", "benefit", "how_to_apply",
                                         "body", "valid_from", "valid_until")}  # fmt: skip
    context = _form_context(request, rows=list(selectors.policy_list(request.user)[:100]), form=form,
                            rule_rows=rows, statuses=PolicyStatus.choices)  # fmt: skip
    try:
        region = Region.objects.filter(code=post.get("region", "")).first()
        if "preview" in post:
            if region is None or region not in context["regions"]:
                raise ValidationError({"region": gettext("请选择辖区内的区域")})
            context["preview"] = selectors.preview_count(audience, rules, region)
            return render(request, "web/civic/policies.html", context)
        valid_from = parse_date(post.get("valid_from", "")) or clock.local_today()
        valid_until = parse_date(post.get("valid_until", "")) if post.get("valid_until") else None
        policy = policy_create(
            actor=request.user,  # type: ignore[arg-type]
            title=post.get("title", ""),
            issuer=post.get("issuer", ""),
            region_code=post.get("region", ""),
            audience=audience,
            valid_from=valid_from,
            valid_until=valid_until,
            rules=rules,
            body=post.get("body", ""),
            benefit=post.get("benefit", ""),
            how_to_apply=post.get("how_to_apply", ""),
        )
    except ValidationError as exc:
        context["error"] = validation_text(exc)
        return render(request, "web/civic/policies.html", context, status=422)
    messages.success(request, gettext("已保存政策草稿:%(title)s") % {"title": policy.title})
    return redirect("web:civic_policy", policy_id=policy.pk)


@login_required
@not_found_as_404
def policy_page(request: HttpRequest, policy_id: int) -> HttpResponse:
    _require_staff(request)
    policy = access_policy_by_id(request.user, policy_id)
    try:
        matched_now: int | None = selectors.preview_count(policy.audience, policy.rules, policy.region)
    except ValidationError:
        matched_now = None
    context = {
        "policy": policy,
        "rules_text": rule_text(policy.audience, policy.rules),
        "matched_now": matched_now,
        "stats": selectors.reach_stats(policy),
        "moves": PolicyWorkflow.available_moves(policy, request.user),
    }
    return render(request, "web/civic/policy.html", context)


@require_POST
@login_required
@not_found_as_404
def move_policy(request: HttpRequest, policy_id: int, action: str) -> HttpResponse:
    _require_staff(request)
    policy = access_policy_by_id(request.user, policy_id)
    moved = door_move(request, PolicyWorkflow, policy.pk, action)
    if moved is not None:
        messages.success(request, gettext("政策“%(title)s”:%(status)s")
                         % {"title": moved.title, "status": moved.get_status_display()})  # fmt: skip
    return redirect("web:civic_policy", policy_id=policy.pk)


def door_move(request: HttpRequest, workflow: Any, pk: int, action: str, **body: Any) -> Any:
    """Make a move through a workflow's door from a page's form: the moved object, or ``None`` with the
    door's refusal (422/409/403) shown as a message, nothing written."""
    try:
        reason = request.POST.get("reason", "")
        return workflow.apply(obj=pk, action=action, actor=request.user, reason=reason, **body)
    except ValidationError as exc:
        messages.error(request, gettext("操作未完成:%(text)s") % {"text": validation_text(exc)})
    except DomainError as exc:
        messages.error(request, gettext("操作未完成:%(text)s") % {"text": exc.message})
    return None


@login_required
def my_policy_list(request: HttpRequest) -> HttpResponse:
    """The citizen app's "policies for me": what was pushed to my resident record or my firm."""
    contact = contact_of(request.user)
    rows = list(my_policies(request.user)[:100])
    today = clock.local_today()
    return render(
        request,
        "web/civic/my_policies.html",
        {"rows": rows, "contact": contact, "today": today, "tab": "policies"},
    )


@login_required
@not_found_as_404
def my_policy(request: HttpRequest, policy_id: int) -> HttpResponse:
    reach = access_my_policy_by_id(request.user, policy_id)
    policy_mark_read(actor=request.user, reach=reach)  # type: ignore[arg-type]
    return render(
        request, "web/civic/my_policy.html", {"reach": reach, "policy": reach.policy, "tab": "policies"}
    )
