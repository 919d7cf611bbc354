"""党员教育 (``dangqun.party`` study library): a member's library, a course with its material and quiz
(never the answers), opening, time spent, finishing and the quiz's score computed on the server; the
managers' course editor and completion per branch and per member, with the Excel export. Scope: a
member studies what their organisation or its ancestors published; managers hold the publishing
organisation; anything else is 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from dangqun.core.errors import ForbiddenError, NotFoundError
from dangqun.party import study_selectors as selectors
from dangqun.party.access import access_party_org_by_code, own_party_member
from dangqun.party.study import course_create, question_add, quiz_answer, record_open, record_progress
from dangqun.party.study_access import (
    access_course_by_id,
    access_managed_course_by_id,
    access_member_course_by_id,
    access_record_by_id,
    managed_courses,
)
from dangqun.party.study_export import XLSX, export_completion
from dangqun.party.study_models import StudyCourse, StudyRecord
from dangqun.party.study_workflow import CourseWorkflow, RecordWorkflow

router = Router(tags=["party-study"])


class StudyRecordOut(Schema):
    id: int
    course_id: int
    status: str
    status_label: str
    opened_at: dt.datetime
    finished_at: dt.datetime | None
    minutes: int
    score: int | None
    full_score: int | None
    moves: list[str]


def _record(record: StudyRecord | None, user: Any) -> dict[str, Any] | None:
    if record is None:
        return None
    return {
        "id": record.pk,
        "course_id": record.course_id,
        "status": record.status,
        "status_label": record.get_status_display(),
        "opened_at": record.opened_at,
        "finished_at": record.finished_at,
        "minutes": record.seconds // 60,
        "score": record.score,
        "full_score": record.full_score,
        "moves": [t.action for t in RecordWorkflow.available_moves(record, user)],
    }


class StudyCourseOut(Schema):
    id: int
    org_code: str
    org_name: str
    title: str
    summary: str
    kind: str
    kind_label: str
    minutes: int
    required: bool
    status: str
    has_file: bool
    file_name: str
    file_type: str
    published_at: dt.datetime | None
    questions: int


def _course(course: StudyCourse, questions: int | None = None) -> dict[str, Any]:
    return {
        "id": course.pk,
        "org_code": course.org.code,
        "org_name": course.org.name,
        "title": course.title,
        "summary": course.summary,
        "kind": course.kind,
        "kind_label": course.get_kind_display(),
        "minutes": course.minutes,
        "required": course.required,
        "status": course.status,
        "has_file": bool(course.file_path),
        "file_name": course.file_name,
        "file_type": course.file_type,
        "published_at": course.published_at,
        "questions": course.questions.count() if questions is None else questions,
    }


class StudyLibraryRowOut(Schema):
    course: StudyCourseOut
    record: StudyRecordOut | None


class StudyMeOut(Schema):
    member_id: int
    name: str
    org_name: str
    required: int
    finished: int
    courses: list[StudyLibraryRowOut]


def _own_member(request: HttpRequest) -> Any:
    member = own_party_member(request.user)
    if member is None:
        raise ForbiddenError(_("当前账号未关联党员档案"))
    return member


@router.get("/party/study/me", response=StudyMeOut, summary="我的学习:学习资料库与我的学习记录")
def study_me(request: HttpRequest) -> dict[str, Any]:
    member = _own_member(request)
    rows = selectors.member_library(member)
    required = [r for r in rows if r.course.required]
    return {
        "member_id": member.pk,
        "name": member.name,
        "org_name": member.party_org.name,
        "required": len(required),
        "finished": sum(1 for r in required if r.state == "finished"),
        "courses": [{"course": _course(r.course), "record": _record(r.record, request.user)} for r in rows],
    }


class StudyQuestionOut(Schema):
    id: int
    position: int
    text: str
    choices: list[str]
    points: int


class StudyCourseDetailOut(StudyCourseOut):
    body: str
    quiz: list[StudyQuestionOut]
    record: StudyRecordOut | None
    moves: list[str]


@router.get(
    "/party/study/courses/{course_id}", response=StudyCourseDetailOut, summary="课程详情:正文、文件与测验题"
)
def study_course(request: HttpRequest, course_id: int) -> dict[str, Any]:
    course = access_course_by_id(request.user, course_id)
    member = own_party_member(request.user)
    record = StudyRecord.objects.filter(course=course, member=member).first() if member else None
    quiz = selectors.course_questions(course)
    return {
        **_course(course, len(quiz)),
        "body": course.body,
        "quiz": quiz,
        "record": _record(record, request.user),
        "moves": [t.action for t in CourseWorkflow.available_moves(course, request.user)],
    }


@router.get(
    "/party/study/courses/{course_id}/file", summary="课程文件(PDF、音频、视频)", response={200: None}
)
def study_course_file(request: HttpRequest, course_id: int) -> FileResponse:
    course = access_course_by_id(request.user, course_id)
    if not course.file_path:
        raise NotFoundError(_("该课程没有文件"))
    response = FileResponse(
        default_storage.open(course.file_path, "rb"),
        content_type=course.file_type,
        filename=course.file_name or course.file_path.rsplit("/", 1)[-1],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@router.post("/party/study/courses/{course_id}/open", response=StudyRecordOut, summary="开始学习(记录打开)")
def study_open(request: HttpRequest, course_id: int) -> dict[str, Any] | None:
    member, course = access_member_course_by_id(request.user, course_id)
    return _record(record_open(actor=request.user, member=member, course=course), request.user)


class StudySecondsIn(Schema):
    seconds: int | str = 0


@router.post(
    "/party/study/records/{record_id}/progress",
    response=StudyRecordOut,
    summary="记录学习时长(秒,每次最多3600)",
)
def study_progress(request: HttpRequest, record_id: int, payload: StudySecondsIn) -> dict[str, Any] | None:
    record = access_record_by_id(request.user, record_id)
    record = record_progress(actor=request.user, record=record, seconds=payload.seconds)
    return _record(access_record_by_id(request.user, record.pk), request.user)


@router.post(
    "/party/study/records/{record_id}/finish", response=StudyRecordOut, summary="学完课程(可附本次学习秒数)"
)
def study_finish(request: HttpRequest, record_id: int, payload: StudySecondsIn) -> dict[str, Any] | None:
    record = access_record_by_id(request.user, record_id)
    RecordWorkflow.apply(obj=record.pk, action="finish", actor=request.user, seconds=payload.seconds)
    return _record(access_record_by_id(request.user, record_id), request.user)


class StudyQuizIn(Schema):
    answers: list[Any]


@router.post(
    "/party/study/courses/{course_id}/quiz",
    response=StudyRecordOut,
    summary="提交测验(由服务器评分,只能提交一次)",
)
def study_quiz(request: HttpRequest, course_id: int, payload: StudyQuizIn) -> dict[str, Any] | None:
    member, course = access_member_course_by_id(request.user, course_id)
    return _record(
        quiz_answer(actor=request.user, member=member, course=course, answers=payload.answers), request.user
    )


# --- the managers' side --------------------------------------------------------------------------------


@router.get(
    "/party/orgs/{code}/study/courses", response=list[StudyCourseOut], summary="本组织及下级发布的学习课程"
)
def study_org_courses(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    org = access_party_org_by_code(request.user, code)
    courses = managed_courses(request.user).filter(org__path__subtree=org.path).order_by("-id")[:300]
    return [_course(c) for c in courses]


@router.post(
    "/party/orgs/{code}/study/courses",
    response={201: StudyCourseOut},
    summary="新建学习课程(草稿):图文填正文;PDF、音频(MP3/M4A)、视频(MP4)上传文件",
)
def study_course_create(  # noqa: PLR0917 - ninja reads the form fields from the signature
    request: HttpRequest,
    code: str,
    title: Form[str],
    kind: Form[str],
    summary: Form[str] = "",
    body: Form[str] = "",
    minutes: Form[str] = "20",
    required: Form[bool] = True,
    file: File[UploadedFile | None] = None,
) -> Status[dict[str, Any]]:
    org = access_party_org_by_code(request.user, code)
    course = course_create(
        actor=request.user, org=org, title=title, kind=kind, summary=summary, body=body, minutes=minutes,
        required=required, upload=file,
    )  # fmt: skip
    return Status(201, _course(course, 0))


class StudyQuestionIn(Schema):
    text: str
    choices: list[Any]
    answer: int | str
    points: int | str = 10


@router.post(
    "/party/study/courses/{course_id}/questions",
    response={201: StudyQuestionOut},
    summary="为草稿课程添加单选测验题(answer 为正确选项序号,从0起)",
)
def study_question_add(
    request: HttpRequest, course_id: int, payload: StudyQuestionIn
) -> Status[dict[str, Any]]:
    course = access_managed_course_by_id(request.user, course_id)
    q = question_add(
        actor=request.user, course=course, text=payload.text, choices=payload.choices, answer=payload.answer,
        points=payload.points,
    )  # fmt: skip
    return Status(
        201, {"id": q.pk, "position": q.position, "text": q.text, "choices": q.choices, "points": q.points}
    )


@router.post(
    "/party/study/courses/{course_id}/moves/{action}",
    response=StudyCourseOut,
    summary="办理课程:publish 发布、archive 下架",
)
def study_course_move(request: HttpRequest, course_id: int, action: str) -> dict[str, Any]:
    course = access_managed_course_by_id(request.user, course_id)
    CourseWorkflow.apply(obj=course.pk, action=action, actor=request.user)
    return _course(access_managed_course_by_id(request.user, course_id))


class StudyBranchOut(Schema):
    code: str
    name: str
    members: int
    courses: int
    expected: int
    finished: int
    studying: int
    rate: float


@router.get(
    "/party/orgs/{code}/study/completion", response=list[StudyBranchOut], summary="各支部必学课程完成情况"
)
def study_completion(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    org = access_party_org_by_code(request.user, code)
    return [
        {
            "code": r.org.code, "name": r.org.name, "members": r.members, "courses": r.courses,
            "expected": r.expected, "finished": r.finished, "studying": r.studying, "rate": r.rate,
        }
        for r in selectors.branch_completion(org)
    ]  # fmt: skip


class StudyMemberOut(Schema):
    member_id: int
    name: str
    courses: int
    finished: int
    minutes: int
    score: int | None
    full_score: int | None


@router.get("/party/orgs/{code}/study/members", response=list[StudyMemberOut], summary="支部党员的学习情况")
def study_members(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    org = access_party_org_by_code(request.user, code)
    return [
        {
            "member_id": m.member.pk, "name": m.member.name, "courses": m.courses, "finished": m.finished,
            "minutes": m.minutes, "score": m.score, "full_score": m.full_score,
        }
        for m in selectors.member_completion(org)
    ]  # fmt: skip


@router.get(
    "/party/orgs/{code}/study/completion.xlsx",
    summary="导出党员学习完成情况台账(Excel)",
    response={200: None},
    url_name="party_study_export",
)
def study_export(request: HttpRequest, code: str) -> HttpResponse:
    org = access_party_org_by_code(request.user, code)
    response = HttpResponse(export_completion(org), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="study-{org.code}.xlsx"'
    return response
