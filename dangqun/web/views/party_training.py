"""Training records in the party workbench: the year's 培训班 of the organisations in scope with the
yearly hours of each member or cadre (and the Excel export), a training's sessions, and a session's
attendance entry. Views parse and render; the writes are the training services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from dangqun.core import clock
from dangqun.core.errors import DomainError
from dangqun.party import training_selectors as selectors
from dangqun.party.access import access_party_org_by_code
from dangqun.party.models import MemberStatus, PartyMember
from dangqun.party.study_access import access_session_by_id, access_training_by_id
from dangqun.party.study_models import TrainingKind
from dangqun.party.training import attendance_record, session_create, training_create
from dangqun.web.access import not_found_as_404
from dangqun.web.views.party import may_use_party_workbench, party_roots
from dangqun.web.views.party_study import failed

ATTENDANCE_CHOICES = 300


@login_required
@not_found_as_404
def desk(request: HttpRequest) -> HttpResponse:
    if not may_use_party_workbench(request.user):
        raise PermissionDenied
    year = clock.local_today().year
    roots = party_roots(request.user)
    sections = [
        {
            "org": root,
            "trainings": list(selectors.org_trainings(root, year)[:100]),
            "hours": selectors.yearly_hours(root, year, limit=100),
        }
        for root in roots
    ]
    return render(
        request,
        "web/party/training/desk.html",
        {"sections": sections, "year": year, "kinds": TrainingKind.choices, "orgs": roots},
    )


@require_POST
@login_required
@not_found_as_404
def new_training(request: HttpRequest) -> HttpResponse:
    org = access_party_org_by_code(request.user, request.POST.get("org", ""))
    try:
        training = training_create(
            actor=request.user, org=org, kind=request.POST.get("kind", ""),
            title=request.POST.get("title", ""),
            note=request.POST.get("note", ""),
        )  # fmt: skip
    except (ValidationError, DomainError) as exc:
        failed(request, exc)
        return redirect("web:training_desk")
    messages.success(request, gettext("已新建培训班:%(title)s") % {"title": training.title})
    return redirect("web:training_page", training_id=training.pk)


@login_required
@not_found_as_404
def training_page(request: HttpRequest, training_id: int) -> HttpResponse:
    training = access_training_by_id(request.user, training_id)
    return render(
        request,
        "web/party/training/training.html",
        {"training": training, "sessions": list(selectors.training_sessions(training))},
    )


@require_POST
@login_required
@not_found_as_404
def new_session(request: HttpRequest, training_id: int) -> HttpResponse:
    training = access_training_by_id(request.user, training_id)
    try:
        session = session_create(
            actor=request.user, training=training, held_on=request.POST.get("held_on", ""),
            topic=request.POST.get("topic", ""), place=request.POST.get("place", ""),
            hours=request.POST.get("hours", "3"),
        )  # fmt: skip
    except (ValidationError, DomainError) as exc:
        failed(request, exc)
        return redirect("web:training_page", training_id=training.pk)
    messages.success(request, gettext("已新建课次:%(topic)s") % {"topic": session.topic})
    return redirect("web:training_session", session_id=session.pk)


@login_required
@not_found_as_404
def session_page(request: HttpRequest, session_id: int) -> HttpResponse:
    session = access_session_by_id(request.user, session_id)
    attended = list(selectors.session_attendance(session))
    taken = {a.member_id for a in attended}
    candidates = (
        PartyMember.objects.filter(
            party_org__path__subtree=session.course.org.path, status=MemberStatus.ACTIVE
        )
        .exclude(pk__in=taken)
        .select_related("party_org")
        .order_by("party_org__path", "name", "pk")[:ATTENDANCE_CHOICES]
    )
    return render(
        request,
        "web/party/training/session.html",
        {
            "session": session,
            "attended": attended,
            "candidates": list(candidates),
            "held": session.held_on <= clock.local_today(),
        },
    )


@require_POST
@login_required
@not_found_as_404
def record_attendance(request: HttpRequest, session_id: int) -> HttpResponse:
    session = access_session_by_id(request.user, session_id)
    try:
        rows = attendance_record(
            actor=request.user, session=session, members=request.POST.getlist("members"),
            hours=request.POST.get("hours", ""),
        )  # fmt: skip
    except (ValidationError, DomainError) as exc:
        failed(request, exc)
    else:
        messages.success(request, gettext("已登记%(n)s人出勤") % {"n": len(rows)})
    return redirect("web:training_session", session_id=session.pk)
