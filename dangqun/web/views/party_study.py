"""党员教育 pages in the citizen app: the member's study list and the reading page (large type, a
read-aloud button, the material's player, 我已学完 and the quiz). Views parse and render; the writes
are the study services and the record workflow's door."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from dangqun.core import clock
from dangqun.core.errors import DomainError, validation_text
from dangqun.party import study_selectors, training_selectors
from dangqun.party.access import own_party_member
from dangqun.party.study import quiz_answer, record_open
from dangqun.party.study_access import access_member_course_by_id
from dangqun.party.study_models import StudyRecord
from dangqun.party.study_workflow import RecordWorkflow
from dangqun.web.access import not_found_as_404


def failed(request: HttpRequest, exc: Exception) -> None:
    text = validation_text(exc) if isinstance(exc, ValidationError) else getattr(exc, "message", str(exc))
    messages.error(request, gettext("操作未完成:%(text)s") % {"text": text})


@login_required
def study_list(request: HttpRequest) -> HttpResponse:
    """我的学习: the courses published to the member, required first, and this year's training hours."""
    member = own_party_member(request.user)
    context: dict[str, Any] = {"member": member, "tab": "study"}
    if member is not None:
        rows = study_selectors.member_library(member)
        required = [r for r in rows if r.course.required]
        year = clock.local_today().year
        training = list(training_selectors.member_training(member, year)[:50])
        context.update(
            rows=rows,
            required=len(required),
            finished=sum(1 for r in required if r.state == "finished"),
            year=year,
            training=training,
            training_hours=sum(a.hours for a in training),
        )
    return render(request, "web/party/study/list.html", context)


@login_required
@not_found_as_404
def study_read(request: HttpRequest, course_id: int) -> HttpResponse:
    """The reading page: large type, read aloud, the file's player; finish, then the quiz."""
    member, course = access_member_course_by_id(request.user, course_id)
    record = StudyRecord.objects.filter(course=course, member=member).first()
    return render(
        request,
        "web/party/study/read.html",
        {
            "member": member,
            "course": course,
            "record": record,
            "moves": RecordWorkflow.available_moves(record, request.user) if record else [],
            "quiz": study_selectors.course_questions(course),
            "tab": "study",
        },
    )


@require_POST
@login_required
@not_found_as_404
def study_open(request: HttpRequest, course_id: int) -> HttpResponse:
    member, course = access_member_course_by_id(request.user, course_id)
    record_open(actor=request.user, member=member, course=course)
    return redirect("web:study_read", course_id=course.pk)


@require_POST
@login_required
@not_found_as_404
def study_finish(request: HttpRequest, course_id: int) -> HttpResponse:
    member, course = access_member_course_by_id(request.user, course_id)
    record = StudyRecord.objects.filter(course=course, member=member).first()
    if record is None:
        return redirect("web:study_read", course_id=course.pk)
    try:
        RecordWorkflow.apply(
            obj=record.pk, action="finish", actor=request.user, seconds=request.POST.get("seconds", "")
        )
    except (ValidationError, DomainError) as exc:
        failed(request, exc)
    else:
        messages.success(request, gettext("已学完:%(title)s") % {"title": course.title})
    return redirect("web:study_read", course_id=course.pk)


@require_POST
@login_required
@not_found_as_404
def study_quiz(request: HttpRequest, course_id: int) -> HttpResponse:
    member, course = access_member_course_by_id(request.user, course_id)
    questions = study_selectors.course_questions(course)
    answers = [request.POST.get(f"q{q['id']}", "") for q in questions]
    try:
        record = quiz_answer(actor=request.user, member=member, course=course, answers=answers)
    except (ValidationError, DomainError) as exc:
        failed(request, exc)
    else:
        messages.success(
            request,
            gettext("测验已提交:得分 %(score)s / %(full)s")
            % {"score": record.score, "full": record.full_score},
        )
    return redirect("web:study_read", course_id=course.pk)
