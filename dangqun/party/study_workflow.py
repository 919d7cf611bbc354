"""A course and a study record on the workflow spine (``core.workflow``).

Course: a manager of the publishing organisation publishes a draft (members then see it) and
archives a published one. Record: the member finishes a course they opened, reporting the time spent
on this last visit."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangqun.accounts.scope import get_scope
from dangqun.core.workflow import Actor, Ctx, Outcome, Workflow, row
from dangqun.party.events import StudyEvent
from dangqun.party.study import MAX_PROGRESS_SECONDS, parse_int
from dangqun.party.study_access import records_visible_q
from dangqun.party.study_models import CourseStatus, RecordStatus, StudyCourse, StudyRecord

MANAGER = "manager"  # holds the publishing organisation (党务管理员, 党支部书记)
MEMBER = "member"  # the studying member themself


def _has_material(ctx: Ctx[StudyCourse]) -> bool:
    return bool(ctx.obj.body or ctx.obj.file_path)


class CourseWorkflow(Workflow[StudyCourse]):
    model = StudyCourse
    noun = _("学习课程")
    statuses = dict(CourseStatus.choices)
    table = {
        t.action: t
        for t in (
            row("publish", _("发布"), [CourseStatus.DRAFT], CourseStatus.PUBLISHED, [MANAGER],
                StudyEvent.COURSE_PUBLISHED, guard="material", stamps=["published_at"]),
            row("archive", _("下架"), [CourseStatus.PUBLISHED], CourseStatus.ARCHIVED, [MANAGER],
                StudyEvent.COURSE_ARCHIVED, stamps=["archived_at"]),
        )
    }  # fmt: skip
    guards = {"material": _has_material}
    guard_messages = {"material": _("课程没有正文或文件,不能发布")}
    guard_conflicts = frozenset({"material"})

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return get_scope(actor).party_org_q("org__path")

    @classmethod
    def lock(cls, pk: int, body: dict[str, Any]) -> StudyCourse:
        return StudyCourse.objects.select_for_update(of=("self",)).select_related("org").get(pk=pk)

    @classmethod
    def relations(cls, actor: Actor, obj: StudyCourse, state: dict[str, Any]) -> frozenset[str]:
        if actor is not None and get_scope(actor).covers_party_org_path(obj.org.path):
            return frozenset({MANAGER})
        return frozenset()


def _add_seconds(ctx: Ctx[StudyRecord]) -> Outcome:
    raw = ctx.body.get("seconds")
    spent = 0 if raw in (None, "") else parse_int(raw, "seconds", 0, MAX_PROGRESS_SECONDS)
    ctx.obj.seconds += spent
    return Outcome(payload={"course": ctx.obj.course_id, "seconds": spent}, changed={"seconds"})


class RecordWorkflow(Workflow[StudyRecord]):
    model = StudyRecord
    noun = _("学习记录")
    statuses = dict(RecordStatus.choices)
    table = {
        t.action: t
        for t in (
            row("finish", _("我已学完"), [RecordStatus.OPENED], RecordStatus.FINISHED, [MEMBER],
                StudyEvent.STUDY_FINISHED, handler="add_seconds", stamps=["finished_at"]),
        )
    }  # fmt: skip
    handlers = {"add_seconds": _add_seconds}

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return records_visible_q(actor)

    @classmethod
    def lock(cls, pk: int, body: dict[str, Any]) -> StudyRecord:
        return StudyRecord.objects.select_for_update(of=("self",)).select_related("member").get(pk=pk)

    @classmethod
    def relations(cls, actor: Actor, obj: StudyRecord, state: dict[str, Any]) -> frozenset[str]:
        if actor is not None and actor.pk is not None and obj.member.user_id == actor.pk:
            return frozenset({MEMBER})
        return frozenset()
