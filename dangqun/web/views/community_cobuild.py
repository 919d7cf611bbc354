"""区域化党建 co-building pages: a street's or community's 共建 page (共建单位 and 兼职委员, the
agreements with the ones to renew, alliances, pairings, 联席会议 with the form that records one and
its decisions), a joint meeting's page (its decisions as responsibilities, 落实 offered only where the
door accepts it) and the agreements' Excel ledger. Views parse and render; the writes are
``community.joint_meetings`` and the doors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from dangqun.community import cobuilding_selectors, joint_meetings
from dangqun.community.access import (
    access_joint_meeting_by_id,
    access_region_by_code,
    access_responsibility_by_id,
    is_manager,
    pairings_for,
    units_for,
)
from dangqun.community.agreements_export import XLSX, export_agreements, state_labels
from dangqun.community.workflow import ResponsibilityWorkflow
from dangqun.core import clock
from dangqun.core.errors import DomainError, validation_text
from dangqun.regions.models import Region
from dangqun.web.access import not_found_as_404

DECISION_ROWS = 3


def _cobuild_context(request: HttpRequest, region: Region) -> dict[str, Any]:
    user = request.user
    today = clock.local_today()
    labels = state_labels()
    agreements = [
        (a, labels[cobuilding_selectors.agreement_state(a, today, bool(a.renewed))])  # type: ignore[attr-defined]
        for a in cobuilding_selectors.region_agreements(user, region).order_by("ends_on", "id")[:60]
    ]
    return {
        "region": region,
        "overview": cobuilding_selectors.overview(user, region),
        "renewals": cobuilding_selectors.renewals_due(user, region)[:30],
        "units": cobuilding_selectors.region_units(user, region)[:100],
        "agreements": agreements,
        "alliances": cobuilding_selectors.region_alliances(user, region).prefetch_related("members")[:30],
        "pairings": pairings_for(user).filter(region__path__subtree=region.path).order_by("-started_on")[:30],
        "meetings": cobuilding_selectors.region_meetings(user, region)[:30],
        "may_record": is_manager(user, region) and region.level in {2, 3},
        "unit_choices": units_for(user).filter(region__path__subtree=region.path).order_by("id")[:200],
        "decision_rows": range(1, DECISION_ROWS + 1),
        "today": today,
    }


@login_required
@not_found_as_404
def cobuild_page(request: HttpRequest, code: str) -> HttpResponse:
    region = access_region_by_code(request.user, code)
    return render(request, "web/community/cobuild.html", _cobuild_context(request, region))


def _decisions_from(post: Any) -> list[dict[str, Any]]:
    rows = []
    for n in range(1, DECISION_ROWS + 1):
        text = post.get(f"decision_{n}_text", "").strip()
        if not text:
            continue
        unit = post.get(f"decision_{n}_unit", "")
        rows.append(
            {
                "text": text,
                "unit_id": int(unit) if unit.isdigit() else None,
                "owner_name": post.get(f"decision_{n}_owner", ""),
                "due_on": post.get(f"decision_{n}_due", ""),
            }
        )
    return rows


@require_POST
@login_required
@not_found_as_404
def record_meeting(request: HttpRequest, code: str) -> HttpResponse:
    region = access_region_by_code(request.user, code)
    post = request.POST
    body = {
        "region": region.code,
        **{k: post.get(k, "") for k in ("held_on", "topic", "place", "attendees", "agenda", "minutes")},
        "decisions": _decisions_from(post),
    }
    try:
        meeting = joint_meetings.joint_meeting_record(actor=request.user, body=body)
    except ValidationError as exc:
        messages.error(request, validation_text(exc))
        return render(request, "web/community/cobuild.html", _cobuild_context(request, region), status=422)
    except DomainError as exc:
        messages.error(request, exc.message)
        context = _cobuild_context(request, region)
        return render(request, "web/community/cobuild.html", context, status=exc.status_code)
    messages.success(request, gettext("联席会议已记录"))
    return redirect("web:community_joint_meeting", meeting_id=meeting.pk)


def _meeting_context(request: HttpRequest, meeting: Any) -> dict[str, Any]:
    decisions = list(cobuilding_selectors.meeting_decisions(meeting))
    return {
        "meeting": meeting,
        "decisions": [(d, ResponsibilityWorkflow.available_moves(d, request.user)) for d in decisions],
        "today": clock.local_today(),
    }


@login_required
@not_found_as_404
def meeting_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_joint_meeting_by_id(request.user, meeting_id)
    return render(request, "web/community/joint_meeting.html", _meeting_context(request, meeting))


@require_POST
@login_required
@not_found_as_404
def complete_responsibility(request: HttpRequest, responsibility_id: int) -> HttpResponse:
    duty = access_responsibility_by_id(request.user, responsibility_id)
    try:
        joint_meetings.responsibility_complete(
            actor=request.user, responsibility=duty, body={"note": request.POST.get("note", "")}
        )
    except ValidationError as exc:
        messages.error(request, validation_text(exc))
    except DomainError as exc:
        messages.error(request, exc.message)
        if duty.meeting_id is None:
            return HttpResponse(exc.message, status=exc.status_code, content_type="text/plain; charset=utf-8")
    else:
        messages.success(request, gettext("已落实"))
    if duty.meeting_id is None:
        return redirect("web:community_lists", code=duty.region.code)
    return redirect("web:community_joint_meeting", meeting_id=duty.meeting_id)


@require_GET
@login_required
@not_found_as_404
def agreements_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    region = access_region_by_code(request.user, code)
    response = HttpResponse(export_agreements(request.user, region), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="agreements-{region.code}-{clock.now():%Y%m%d}.xlsx"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
