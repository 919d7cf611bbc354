"""党员教育 writes: a manager adds a course (text, or a PDF/audio/video file checked and stored by
``core.uploads``) and its quiz; a member opens a course, logs time spent and answers the quiz (scored
here, never by the client). Publishing, archiving and finishing go through ``party.study_workflow``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.errors import ConflictError, NotFoundError
from dangqun.core.uploads import M4A, MP3, MP4, PDF, inspect_upload, store_upload
from dangqun.core.workflow import Actor
from dangqun.orgs.models import PartyOrg
from dangqun.party.events import StudyEvent
from dangqun.party.models import PartyMember
from dangqun.party.services.common import bounded_text, org_in_scope
from dangqun.party.study_models import (
    CourseKind,
    CourseStatus,
    RecordStatus,
    StudyCourse,
    StudyQuestion,
    StudyRecord,
)

UPLOAD_FOLDER = "party/study"
MAX_MINUTES = 600
MAX_CHOICES = 6
MAX_QUESTIONS = 20
MAX_PROGRESS_SECONDS = 3600  # one report of time spent covers at most an hour
FILE_TYPES = {
    CourseKind.PDF: (PDF.key,),
    CourseKind.AUDIO: (MP3.key, M4A.key),
    CourseKind.VIDEO: (MP4.key,),
}


def parse_int(value: Any, field: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(
            {field: _("须为%(low)s至%(high)s的整数") % {"low": low, "high": high}}
        ) from None
    if not low <= number <= high:
        raise ValidationError({field: _("须为%(low)s至%(high)s的整数") % {"low": low, "high": high}})
    return number


@transaction.atomic
def course_create(
    *,
    actor: Actor,
    org: PartyOrg,
    title: Any,
    kind: Any,
    summary: Any = "",
    body: Any = "",
    minutes: Any = 20,
    required: bool = True,
    upload: Any = None,
) -> StudyCourse:
    """A draft course of ``org``'s library: text needs a body; PDF, audio and video need their file."""
    org_in_scope(actor, org)
    title = bounded_text(title, "title", required=True, limit=120)
    summary = bounded_text(summary, "summary", required=False, limit=300)
    body = bounded_text(body, "body", required=False, limit=50_000)
    kind = str(kind or "")
    if kind not in CourseKind.values:
        raise ValidationError({"kind": _("未知的课程类型")})
    minutes = parse_int(minutes, "minutes", 1, MAX_MINUTES)
    course = StudyCourse(
        org=org, title=title, summary=summary, kind=kind, body=body, minutes=minutes, required=bool(required)
    )
    if kind == CourseKind.TEXT:
        if not body:
            raise ValidationError({"body": _("图文课程须填写正文")})
    else:
        if upload is None:
            raise ValidationError({"file": _("请上传课程文件")})
        checked = inspect_upload(
            name=upload.name, data=upload, declared_type=getattr(upload, "content_type", "") or "",
            allow_media=True,
        )  # fmt: skip
        if checked.file_type.key not in FILE_TYPES[CourseKind(kind)]:
            raise ValidationError(
                {"file": _("文件“%(name)s”是%(label)s,与课程类型“%(kind)s”不符")
                 % {"name": checked.name, "label": checked.file_type.label, "kind": CourseKind(kind).label}}
            )  # fmt: skip
        stored = store_upload(checked=checked, folder=UPLOAD_FOLDER)
        course.file_path, course.file_name = stored.path, stored.original_name
        course.file_type, course.file_size = stored.content_type, stored.size
    course.full_clean()
    course.save()
    record_event(
        actor=actor,
        event_type=StudyEvent.COURSE_CREATED,
        target=course,
        data={"org": org.code, "kind": kind, "file": bool(course.file_path)},
    )
    return course


@transaction.atomic
def question_add(
    *, actor: Actor, course: StudyCourse, text: Any, choices: Any, answer: Any, points: Any = 10
) -> StudyQuestion:
    """A single-choice question for a draft course's quiz (a published quiz is not changed under
    members who may have answered it: 409)."""
    org_in_scope(actor, course.org)
    course = StudyCourse.objects.select_for_update().get(pk=course.pk)
    if course.status != CourseStatus.DRAFT:
        raise ConflictError(_("课程已发布,不能再修改测验"), code="course_published")
    text = bounded_text(text, "text", required=True, limit=300)
    if not isinstance(choices, list | tuple):
        raise ValidationError({"choices": _("选项须为列表")})
    options = [bounded_text(c, "choices", required=True, limit=100) for c in choices]
    if not 2 <= len(options) <= MAX_CHOICES:
        raise ValidationError({"choices": _("选项须有2至%(max)s个") % {"max": MAX_CHOICES}})
    right = parse_int(answer, "answer", 0, len(options) - 1)
    score = parse_int(points, "points", 1, 100)
    count = course.questions.count()
    if count >= MAX_QUESTIONS:
        raise ConflictError(_("每门课程最多%(max)s道测验题") % {"max": MAX_QUESTIONS}, code="quiz_full")
    question = StudyQuestion.objects.create(
        course=course, position=count + 1, text=text, choices=options, answer=right, points=score
    )
    record_event(
        actor=actor, event_type=StudyEvent.QUESTION_ADDED, target=question, data={"course": course.pk}
    )
    return question


@transaction.atomic
def record_open(*, actor: Actor, member: PartyMember, course: StudyCourse) -> StudyRecord:
    """The member opens a published course: their record starts once (opening again returns it)."""
    if member.user_id is None or actor is None or member.user_id != actor.pk:
        raise NotFoundError(_("学习课程不存在或无权访问"))
    existing = StudyRecord.objects.filter(course=course, member=member).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            record = StudyRecord.objects.create(course=course, member=member, opened_at=clock.now())
    except IntegrityError:  # opened at the same moment in another tab
        return StudyRecord.objects.get(course=course, member=member)
    record_event(actor=actor, event_type=StudyEvent.STUDY_OPENED, target=record, data={"course": course.pk})
    return record


@transaction.atomic
def record_progress(*, actor: Actor, record: StudyRecord, seconds: Any) -> StudyRecord:
    """Time spent reading, listening or watching since the last report (at most an hour a report)."""
    record = StudyRecord.objects.select_for_update().select_related("member").get(pk=record.pk)
    if actor is None or record.member.user_id != actor.pk:
        raise NotFoundError(_("学习记录不存在或无权访问"))
    spent = parse_int(seconds, "seconds", 1, MAX_PROGRESS_SECONDS)
    record.seconds += spent
    record.save(update_fields=["seconds", "updated_at"])
    record_event(actor=actor, event_type=StudyEvent.STUDY_PROGRESS, target=record, data={"seconds": spent})
    return record


@transaction.atomic
def quiz_answer(*, actor: Actor, member: PartyMember, course: StudyCourse, answers: Any) -> StudyRecord:
    """Answer the quiz of a course the member finished; the score is computed here. A course with no
    quiz is not a quiz the member was given (404); answering twice is a conflict (409)."""
    questions = list(course.questions.order_by("position", "id"))
    if not questions:
        raise NotFoundError(_("该课程没有测验"))
    record = StudyRecord.objects.select_for_update().filter(course=course, member=member).first()
    if record is None or record.status != RecordStatus.FINISHED:
        raise ConflictError(_("请先学完课程再参加测验"), code="not_finished")
    if record.answered_at is not None:
        raise ConflictError(_("该测验已提交,不能重复作答"), code="quiz_answered")
    if not isinstance(answers, list | tuple) or len(answers) != len(questions):
        raise ValidationError({"answers": _("须回答全部%(n)s道题") % {"n": len(questions)}})
    picked: list[int] = []
    for q, value in zip(questions, answers, strict=True):
        picked.append(parse_int(value, "answers", 0, len(q.choices) - 1))
    record.score = sum(q.points for q, a in zip(questions, picked, strict=True) if q.answer == a)
    record.full_score = sum(q.points for q in questions)
    record.answers, record.answered_at = picked, clock.now()
    record.save(update_fields=["score", "full_score", "answers", "answered_at", "updated_at"])
    record_event(
        actor=actor,
        event_type=StudyEvent.QUIZ_ANSWERED,
        target=record,
        data={"course": course.pk, "score": record.score, "full_score": record.full_score},
    )
    return record
