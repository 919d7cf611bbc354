"""党员教育 in the party workbench (党务管理员, 党支部书记): the library editor (new course with its
file, its quiz, publish and archive) and completion per branch and per member, with the Excel
export. Views parse and render; the writes are the study services and the course workflow's door."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from dangqun.core.errors import DomainError
from dangqun.party import study_selectors
from dangqun.party.access import access_party_org_by_code
from dangqun.party.study import course_create, question_add
from dangqun.party.study_access import access_managed_course_by_id, managed_courses
from dangqun.party.study_models import CourseKind
from dangqun.party.study_workflow import CourseWorkflow
from dangqun.web.access import not_found_as_404
from dangqun.web.views.party import may_use_party_workbench, party_roots
from dangqun.web.views.party_study import failed


@login_required
@not_found_as_404
def desk(request: HttpRequest) -> HttpResponse:
    """学习教育: each root organisation's completion per branch, its library and a new course form."""
    if not may_use_party_workbench(request.user):
        raise PermissionDenied
    sections = []
    for root in party_roots(request.user):
        rows = study_selectors.branch_completion(root)
        sections.append({"org": root, "rows": rows, "totals": study_selectors.totals(rows)})
    courses = list(managed_courses(request.user).order_by("-id")[:200])
    return render(
        request,
        "web/party/study/desk.html",
        {
            "sections": sections,
            "courses": [{"c": c, "moves": CourseWorkflow.available_moves(c, request.user)} for c in courses],
            "kinds": CourseKind.choices,
            "orgs": party_roots(request.user),
        },
    )


@require_POST
@login_required
@not_found_as_404
def new_course(request: HttpRequest) -> HttpResponse:
    org = access_party_org_by_code(request.user, request.POST.get("org", ""))
    try:
        course = course_create(
            actor=request.user, org=org, title=request.POST.get("title", ""),
            kind=request.POST.get("kind", ""),
            summary=request.POST.get("summary", ""), body=request.POST.get("body", ""),
            minutes=request.POST.get("minutes", "20"), required=request.POST.get("required") == "on",
            upload=request.FILES.get("file"),
        )  # fmt: skip
    except (ValidationError, DomainError) as exc:
        failed(request, exc)
        return redirect("web:study_desk")
    messages.success(request, gettext("已新建课程(草稿):%(title)s") % {"title": course.title})
    return redirect("web:study_course", course_id=course.pk)


@login_required
@not_found_as_404
def course_page(request: HttpRequest, course_id: int) -> HttpResponse:
    course = access_managed_course_by_id(request.user, course_id)
    records = list(study_selectors.course_records(course).order_by("-opened_at")[:200])
    return render(
        request,
        "web/party/study/course.html",
        {
            "course": course,
            "questions": list(course.questions.order_by("position", "id")),
            "moves": CourseWorkflow.available_moves(course, request.user),
            "records": records,
            "finished": sum(1 for r in records if r.status == "finished"),
            "choice_slots": range(4),
        },
    )


@require_POST
@login_required
@not_found_as_404
def add_question(request: HttpRequest, course_id: int) -> HttpResponse:
    course = access_managed_course_by_id(request.user, course_id)
    choices = [c for c in request.POST.getlist("choices") if c.strip()]
    try:
        question_add(
            actor=request.user, course=course, text=request.POST.get("text", ""), choices=choices,
            answer=request.POST.get("answer", ""), points=request.POST.get("points", "10"),
        )  # fmt: skip
    except (ValidationError, DomainError) as exc:
        failed(request, exc)
    else:
        messages.success(request, gettext("已添加测验题"))
    return redirect("web:study_course", course_id=course.pk)


@require_POST
@login_required
@not_found_as_404
def move_course(request: HttpRequest, course_id: int, action: str) -> HttpResponse:
    course = access_managed_course_by_id(request.user, course_id)
    try:
        moved = CourseWorkflow.apply(obj=course.pk, action=action, actor=request.user)
    except (ValidationError, DomainError) as exc:
        failed(request, exc)
    else:
        messages.success(
            request,
            gettext("课程“%(title)s”:%(status)s")
            % {"title": course.title, "status": moved.get_status_display()},
        )
    return redirect("web:study_course", course_id=course.pk)


@login_required
@not_found_as_404
def branch_page(request: HttpRequest, code: str) -> HttpResponse:
    """One branch's members: required courses finished, minutes studied, quiz points."""
    org = access_party_org_by_code(request.user, code)
    return render(
        request,
        "web/party/study/branch.html",
        {"org": org, "rows": study_selectors.member_completion(org, limit=500)},
    )
