"""研判 pages: the meetings of my regions with this month's count per kind and the open decisions
(mine first, the overdue marked), the form to record a held meeting with its cases and decisions,
one meeting, and 落实 of a decision through the door."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from dangqun.accounts.scope import get_scope
from dangqun.core import clock
from dangqun.core.errors import DomainError, validation_text
from dangqun.gridwork.access import VISIT_READ_ROLES, VISIT_SUPERVISE_ROLES
from dangqun.gridwork.meetings import (
    DecisionIn,
    DecisionWorkflow,
    access_decision_by_id,
    access_meeting_by_id,
    decision_done,
    kind_counts,
    meeting_record,
    meetings_for,
    open_decisions,
    owner_candidates,
)
from dangqun.gridwork.models import MeetingKind
from dangqun.regions.models import Region, RegionLevel
from dangqun.web.access import not_found_as_404

LIST_LIMIT = 50
DECISION_ROWS = 3
FIELDS = ("region", "kind", "held_on", "topic", "place", "attendees", "minutes", "cases")


def _reader(request: HttpRequest) -> None:
    scope = get_scope(request.user)
    if not (scope.is_sysadmin or scope.roles & VISIT_READ_ROLES):
        raise PermissionDenied(gettext("只有网格、社区、街道和指挥中心的工作人员可以查看研判会议"))


def _supervised_regions(request: HttpRequest) -> list[Region]:
    """The regions whose meetings I may record: those I supervise, down to the communities."""
    scope = get_scope(request.user)
    qs = Region.objects.defer("boundary").filter(level__lte=RegionLevel.COMMUNITY)
    if not scope.is_sysadmin:
        qs = qs.filter(scope.region_q("path", roles=VISIT_SUPERVISE_ROLES))
        own = scope.region_paths(VISIT_SUPERVISE_ROLES)
        qs = qs | Region.objects.defer("boundary").filter(path__in=own)
    return list(qs.order_by("path")[:200])


@login_required
def gridwork_meetings(request: HttpRequest) -> HttpResponse:
    _reader(request)
    today = clock.local_today()
    month = today.replace(day=1)
    counts = kind_counts(request.user, month)
    kind = request.GET.get("kind", "")
    qs = meetings_for(request.user).select_related("region")
    if kind in MeetingKind.values:
        qs = qs.filter(kind=kind)
    scope = get_scope(request.user)
    return render(
        request,
        "web/gridwork/meetings.html",
        {
            "meetings": list(qs.order_by("-held_on", "-id")[:LIST_LIMIT]),
            "kinds": [(value, label, counts.get(value, 0)) for value, label in MeetingKind.choices],
            "kind": kind,
            "mine": list(open_decisions(request.user, mine=True)[:LIST_LIMIT]),
            "open": list(open_decisions(request.user)[:LIST_LIMIT]),
            "today": today,
            "month": month,
            "may_record": scope.is_sysadmin or bool(scope.roles & VISIT_SUPERVISE_ROLES),
        },
    )


def _decision_rows(post: Any) -> list[dict[str, str]]:
    return [
        {
            "text": post.get(f"d{i}_text", ""),
            "owner": post.get(f"d{i}_owner", ""),
            "due_date": post.get(f"d{i}_due", ""),
        }
        for i in range(1, DECISION_ROWS + 1)
    ]


def _parse_date(raw: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({field: gettext("日期格式应为 YYYY-MM-DD")}) from None


@login_required
def gridwork_meeting_new(request: HttpRequest) -> HttpResponse:
    scope = get_scope(request.user)
    if not (scope.is_sysadmin or scope.roles & VISIT_SUPERVISE_ROLES):
        raise PermissionDenied(gettext("只有网格长、社区和街道可以记录研判会议"))
    regions = _supervised_regions(request)
    form: dict[str, Any] = {name: request.POST.get(name, "") for name in FIELDS}
    rows = _decision_rows(request.POST)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            held_on = _parse_date(form["held_on"], "held_on")
            decisions = []
            for n, r in enumerate((r for r in rows if r["text"].strip()), start=1):
                decisions.append(
                    DecisionIn(r["text"], r["owner"], _parse_date(r["due_date"], f"decisions.{n}.due_date"))
                )
            meeting = meeting_record(
                actor=request.user,
                region_code=form["region"],
                kind=form["kind"],
                held_on=held_on,
                values={k: form[k] for k in ("topic", "place", "attendees", "minutes")},
                case_codes=form["cases"].replace(",", " ").replace(",", " ").split(),
                decisions=decisions,
            )
        except ValidationError as exc:
            errors = {"general": validation_text(exc)}
            if hasattr(exc, "error_dict"):
                errors.update({k: " ".join(v) for k, v in exc.message_dict.items()})
        except DomainError as exc:
            errors = {"general": exc.message or gettext("无权在此区域记录研判会议")}
        else:
            messages.success(request, gettext("研判会议已记录"))
            return redirect(reverse("web:gridwork_meeting", kwargs={"meeting_id": meeting.pk}))
    else:
        form["held_on"] = clock.local_today().isoformat()
        form["kind"] = MeetingKind.WEEKLY
        form["region"] = regions[0].code if regions else ""
    owners = list(owner_candidates(regions[0])[:300]) if regions else []
    return render(
        request,
        "web/gridwork/meeting_new.html",
        {"form": form, "rows": rows, "errors": errors, "regions": regions, "kinds": MeetingKind.choices,
         "owners": owners},
    )  # fmt: skip


@login_required
@not_found_as_404
def gridwork_meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = access_meeting_by_id(request.user, meeting_id)
    decisions = list(meeting.decisions.select_related("owner").order_by("due_date", "id"))
    return render(
        request,
        "web/gridwork/meeting.html",
        {
            "meeting": meeting,
            "cases": list(meeting.cases.order_by("code").values_list("code", "title")),
            "decisions": [(d, DecisionWorkflow.can(d, request.user, "done")) for d in decisions],
            "today": clock.local_today(),
        },
    )


@require_POST
@login_required
@not_found_as_404
def gridwork_decision_done(request: HttpRequest, decision_id: int) -> HttpResponse:
    decision = access_decision_by_id(request.user, decision_id)
    try:
        decision_done(actor=request.user, decision_id=decision.pk, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, gettext("操作未完成:%(text)s") % {"text": validation_text(exc)})
    except DomainError as exc:
        messages.error(request, gettext("操作未完成:%(text)s") % {"text": exc.message})
    else:
        messages.success(request, gettext("已落实:%(text)s") % {"text": decision.text})
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect(reverse("web:gridwork_meeting", kwargs={"meeting_id": decision.meeting_id}))
