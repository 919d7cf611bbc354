"""结对帮扶 pages in the party workbench: an organisation's pairings (overdue flagged) with its totals,
a new pairing, the ledger in Excel; one pairing with its visits and the visit form (also open to the
paired member). Views parse and render; the writes are partywork services and the workflow's door."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from dangqun.core import clock
from dangqun.core.errors import DomainError
from dangqun.partywork import pairing_selectors as selectors
from dangqun.partywork.access import serves_community
from dangqun.partywork.models import PairingKind
from dangqun.partywork.pairing_access import access_org_by_code, access_pairing_by_id
from dangqun.partywork.pairing_export import XLSX, export_pairings, pairing_target
from dangqun.partywork.pairing_services import pairing_create, pairing_visit_record
from dangqun.partywork.pairing_workflow import PairingWorkflow
from dangqun.web.access import not_found_as_404
from dangqun.web.views.partywork_pages import _back, _done, _failed

ROWS = 500


@login_required
@not_found_as_404
def org_pairings(request: HttpRequest, code: str) -> HttpResponse:
    org = access_org_by_code(request.user, code)
    today = clock.local_today()
    only_overdue = request.GET.get("overdue") == "1"
    rows = [
        {
            "p": p,
            "target": pairing_target(p),
            "due": selectors.next_due(p),
            "overdue": selectors.is_overdue(p, today),
        }
        for p in selectors.org_pairings(org)[:ROWS]
    ]
    if only_overdue:
        rows = [r for r in rows if r["overdue"]]
    return render(
        request,
        "web/partywork/pairings.html",
        {
            "org": org,
            "rows": rows,
            "only_overdue": only_overdue,
            "totals": selectors.org_totals(org, today.year, today),
            "kinds": PairingKind.choices,
            "today": today,
        },
    )


@require_POST
@login_required
@not_found_as_404
def create_pairing(request: HttpRequest, code: str) -> HttpResponse:
    org = access_org_by_code(request.user, code)
    try:
        pairing = pairing_create(
            actor=request.user, org=org, kind=request.POST.get("kind", ""),
            household=request.POST.get("household", ""),
            hardship_member=request.POST.get("hardship_member") or None,
            member=request.POST.get("member") or None, every_days=request.POST.get("every_days", "90"),
            started_on=request.POST.get("started_on") or None, note=request.POST.get("note", ""),
        )  # fmt: skip
    except (ValidationError, DomainError) as exc:
        _failed(request, exc)
        return redirect("web:partywork_pairings", code=org.code)
    _done(request, gettext("已建立结对帮扶:%(target)s") % {"target": pairing_target(pairing)})
    return redirect("web:partywork_pairing", pairing_id=pairing.pk)


@login_required
@not_found_as_404
def export(request: HttpRequest, code: str) -> HttpResponse:
    org = access_org_by_code(request.user, code)
    today = clock.local_today()
    response = HttpResponse(export_pairings(org, today.year, today), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="pairings-{org.code}-{today.year}.xlsx"'
    return response


@login_required
@not_found_as_404
def pairing_page(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = access_pairing_by_id(request.user, pairing_id)
    today = clock.local_today()
    return render(
        request,
        "web/partywork/pairing.html",
        {
            "p": pairing,
            "target": pairing_target(pairing),
            "due": selectors.next_due(pairing),
            "overdue": selectors.is_overdue(pairing, today),
            "visits": list(selectors.pairing_visits(pairing)[:200]),
            "moves": PairingWorkflow.available_moves(pairing, request.user),
            "org_side": serves_community(request.user, pairing.org),
            "today": today,
        },
    )


@require_POST
@login_required
@not_found_as_404
def record_visit(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = access_pairing_by_id(request.user, pairing_id)
    try:
        pairing_visit_record(
            actor=request.user, pairing=pairing, visited_on=request.POST.get("visited_on", ""),
            found=request.POST.get("found", ""), help_given=request.POST.get("help_given", ""),
            money=request.POST.get("money", "0"), goods=request.POST.get("goods", ""),
            problems_solved=request.POST.get("problems_solved", "0"),
        )  # fmt: skip
    except (ValidationError, DomainError) as exc:
        _failed(request, exc)
    else:
        _done(request, gettext("已记录走访"))
    return redirect("web:partywork_pairing", pairing_id=pairing.pk)


@require_POST
@login_required
@not_found_as_404
def move_pairing(request: HttpRequest, pairing_id: int, action: str) -> HttpResponse:
    pairing = access_pairing_by_id(request.user, pairing_id)
    try:
        moved = PairingWorkflow.apply(
            obj=pairing.pk, action=action, actor=request.user, reason=request.POST.get("reason", "")
        )
    except (ValidationError, DomainError) as exc:
        _failed(request, exc)
    else:
        _done(request, gettext("结对帮扶:%(status)s") % {"status": moved.get_status_display()})
    return _back(request, f"/partywork/pairings/{pairing.pk}/")
