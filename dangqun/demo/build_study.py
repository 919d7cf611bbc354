"""The demo's 党员教育 (study library and training records), anchored to today: a few dozen courses
published over the past year by the district party committee and the persona street's working
committee (图文 and PDF, half with a quiz, a draft and an archived one), every member's study records
in realistic proportions (older courses mostly finished, a share of members who never open one), and
a year of training sessions (警示教育培训班, 书记培训, 四同教育) with attendance.

The ``party_member`` persona has not opened the newest course with a quiz: the walk studies it."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from dangqun.core import clock
from dangqun.core.uploads import inspect_upload, store_upload
from dangqun.demo.context import SeedContext
from dangqun.demo.study_content import (
    DISTRICT_COURSES,
    PDF_EVERY,
    QUIZ_EVERY,
    STREET_COURSES,
    course_body,
    quiz_for,
    study_pdf,
)
from dangqun.demo.tree import RegionTree
from dangqun.orgs.models import PartyOrg
from dangqun.party.models import MemberStatus, PartyMember
from dangqun.party.study import UPLOAD_FOLDER
from dangqun.party.study_models import (
    CourseKind,
    CourseStatus,
    RecordStatus,
    StudyCourse,
    StudyQuestion,
    StudyRecord,
    TrainingAttendance,
    TrainingCourse,
    TrainingKind,
    TrainingSession,
)
from dangqun.regions.models import Region

ORG_ROOT = "/P{code}/"  # the district's party organisation tree (as the demo's orgs stage builds it)
IDLE_SHARE = 0.15  # members who open nothing
OPENED_ONLY_SHARE = 0.08  # of the courses a member opens, left unfinished
QUIZ_TAKEN_SHARE = 0.85
RIGHT_ANSWER_SHARE = 0.8
# (kind, held by the street (else the district), title, months between sessions, attendees, hours)
TRAININGS = (
    (TrainingKind.WARNING, False, "{year}年度党员干部警示教育培训班", 2, 40, "3"),
    (TrainingKind.SECRETARY, False, "{year}年度基层党组织书记培训班", 4, 30, "6"),
    (TrainingKind.FOUR_SAME, True, "{year}年度“四同”教育培训", 4, 25, "2"),
    (TrainingKind.OTHER, False, "{year}年度党员冬训", 12, 60, "4"),
)
TOPICS = {
    TrainingKind.WARNING: ("典型案例警示教育", "参观廉政教育基地", "观看警示教育片", "违纪违法案例剖析"),
    TrainingKind.SECRETARY: (
        "支部书记履职能力提升",
        "党建引领基层治理",
        "组织生活规范化",
        "发展党员工作实务",
    ),
    TrainingKind.FOUR_SAME: ("同吃同住同劳动同学习", "走访困难群众", "田间地头宣讲", "民族团结进万家"),
    TrainingKind.OTHER: ("冬训集中学习", "形势政策报告会"),
}


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class StudySeeder:
    def __init__(self, ctx: SeedContext) -> None:
        self.ctx = ctx
        self.tree = RegionTree.load()
        self.today = clock.local_today()
        self.root = PartyOrg.objects.filter(path=ORG_ROOT.format(code=self.tree.district.code)).first()
        self.street = PartyOrg.objects.filter(region=self.tree.persona_street()).order_by("path").first()

    def run(self) -> None:
        if self.root is None:
            return
        courses = self.courses()
        self.records(courses)
        self.trainings()

    def _file(self, title: str) -> tuple[str, str, str, int]:
        checked = inspect_upload(name="study.pdf", data=study_pdf(f"Dangqun study material: {title[:2]}"))
        stored = store_upload(checked=checked, folder=UPLOAD_FOLDER)
        return stored.path, f"{title}.pdf", stored.content_type, stored.size

    def courses(self) -> list[StudyCourse]:
        assert self.root is not None  # noqa: S101 - run() checked
        rng = self.ctx.rng("study-courses")
        plan: list[tuple[PartyOrg, str, str, int]] = [
            (self.root, title, summary, 7 + (len(DISTRICT_COURSES) - 1 - i) * 14)
            for i, (title, summary) in enumerate(DISTRICT_COURSES)
        ]
        if self.street is not None:
            street = self.street
            plan += [
                (street, t, s, 20 + (len(STREET_COURSES) - 1 - i) * 50)
                for i, (t, s) in enumerate(STREET_COURSES)
            ]
        rows: list[StudyCourse] = []
        for n, (org, title, summary, age) in enumerate(plan):
            published = _at(self.today - dt.timedelta(days=age), 9)
            course = StudyCourse(
                org=org, title=title, summary=summary, kind=CourseKind.TEXT,
                body=course_body(rng, title, summary), minutes=rng.choice((15, 20, 30, 45)),
                required=n % 7 != 6, status=CourseStatus.PUBLISHED, published_at=published,
            )  # fmt: skip
            if n % PDF_EVERY == 3:
                course.kind = CourseKind.PDF
                course.file_path, course.file_name, course.file_type, course.file_size = self._file(title)
            rows.append(course)
        rows[0].status, rows[0].archived_at = (
            CourseStatus.ARCHIVED,
            _at(self.today - dt.timedelta(days=30), 9),
        )
        rows.append(
            StudyCourse(
                org=self.root, title="学习《中国共产党基层组织选举工作条例》", summary="换届选举的程序与要求",
                kind=CourseKind.TEXT, body=course_body(rng, "选举工作条例", "换届选举的程序与要求"),
                minutes=30, status=CourseStatus.DRAFT,
            )
        )  # fmt: skip
        courses = self.ctx.insert(StudyCourse, rows, label="study_courses")
        questions: list[StudyQuestion] = []
        for n, course in enumerate(courses):
            # The newest district course always has a quiz: the persona's walk answers it.
            if n % QUIZ_EVERY == 1 or n == len(DISTRICT_COURSES) - 1:
                for pos, (text, choices, answer) in enumerate(quiz_for(rng), start=1):
                    questions.append(
                        StudyQuestion(course=course, position=pos, text=text, choices=choices, answer=answer)
                    )
        self.ctx.insert(StudyQuestion, questions, label="study_questions")
        return courses

    def records(self, courses: list[StudyCourse]) -> None:
        assert self.root is not None  # noqa: S101 - run() checked
        walk = courses[len(DISTRICT_COURSES) - 1]
        quizzes: dict[int, list[StudyQuestion]] = {}
        for q in StudyQuestion.objects.filter(course__in=courses).order_by("position"):
            quizzes.setdefault(q.course_id, []).append(q)
        persona = (
            PartyMember.objects.filter(user__username="party_member").values_list("pk", flat=True).first()
        )
        open_courses = [c for c in courses if c.published_at is not None]
        members = (
            PartyMember.objects.filter(party_org__path__subtree=self.root.path, status=MemberStatus.ACTIVE)
            .values_list("pk", "party_org__path")
            .order_by("pk")
        )
        rows: list[StudyRecord] = []
        for member_id, path in members.iterator(chunk_size=5000):
            rng = self.ctx.rng("study-member", member_id)
            if member_id != persona and rng.random() < IDLE_SHARE:
                continue
            diligence = rng.uniform(0.5, 1.0)
            for course in open_courses:
                if not path.startswith(course.org.path) or (member_id == persona and course.pk == walk.pk):
                    continue
                record = self._record(rng, course, member_id, diligence, quizzes.get(course.pk, []))
                if record is not None:
                    rows.append(record)
        self.ctx.insert(StudyRecord, rows, label="study_records")

    def _record(
        self,
        rng: random.Random,
        course: StudyCourse,
        member_id: int,
        diligence: float,
        quiz: list[StudyQuestion],
    ) -> StudyRecord | None:
        assert course.published_at is not None  # noqa: S101 - only published courses are studied
        age = (self.today - timezone.localdate(course.published_at)).days
        reach = min(0.95, 0.25 + age / 120) * diligence * (1 if course.required else 0.5)
        roll = rng.random()
        if roll >= reach + OPENED_ONLY_SHARE:
            return None
        opened = course.published_at + dt.timedelta(
            days=rng.randint(0, max(0, min(age - 1, 45))), hours=rng.randint(1, 12)
        )
        seconds = int(course.minutes * 60 * rng.uniform(0.6, 1.4))
        if roll >= reach:
            return StudyRecord(
                course=course, member_id=member_id, status=RecordStatus.OPENED, opened_at=opened,
                seconds=seconds // 3,
            )  # fmt: skip
        finished = min(opened + dt.timedelta(seconds=seconds + rng.randint(60, 7200)), clock.now())
        record = StudyRecord(
            course=course, member_id=member_id, status=RecordStatus.FINISHED, opened_at=opened,
            seconds=seconds, finished_at=finished,
        )  # fmt: skip
        if quiz and rng.random() < QUIZ_TAKEN_SHARE:
            answers = [
                q.answer if rng.random() < RIGHT_ANSWER_SHARE else (q.answer + 1) % len(q.choices)
                for q in quiz
            ]
            record.answers = answers
            record.score = sum(q.points for q, a in zip(quiz, answers, strict=True) if q.answer == a)
            record.full_score = sum(q.points for q in quiz)
            record.answered_at = finished + dt.timedelta(minutes=rng.randint(1, 20))
        return record

    def trainings(self) -> None:
        assert self.root is not None  # noqa: S101 - run() checked
        start = self.today - dt.timedelta(days=365)
        persona = (
            PartyMember.objects.filter(user__username="party_member").values_list("pk", flat=True).first()
        )
        sessions: list[TrainingSession] = []
        pools: dict[int, list[int]] = {}
        attendance_plan: list[tuple[TrainingSession, list[int]]] = []
        for kind, by_street, title, months, size, hours in TRAININGS:
            org = self.street if by_street and self.street is not None else self.root
            rng = self.ctx.rng("study-training", kind)
            pool = pools.setdefault(
                org.pk,
                list(
                    PartyMember.objects.filter(party_org__path__subtree=org.path, status=MemberStatus.ACTIVE)
                    .order_by("pk")
                    .values_list("pk", flat=True)
                ),
            )
            if not pool:
                continue
            cohort = rng.sample(pool, min(size, len(pool)))
            if persona is not None and persona in pool and persona not in cohort:
                cohort[-1] = persona
            by_year: dict[int, TrainingCourse] = {}
            day = start + dt.timedelta(days=rng.randint(5, 25))
            n = 0
            while day < self.today:
                if day.year not in by_year:
                    (by_year[day.year],) = self.ctx.insert(
                        TrainingCourse,
                        [
                            TrainingCourse(
                                org=org, kind=kind, title=title.format(year=day.year), year=day.year
                            )
                        ],
                        label="trainings",
                    )
                session = TrainingSession(
                    course=by_year[day.year], held_on=day, topic=TOPICS[kind][n % len(TOPICS[kind])],
                    place=f"{org.name}党员活动室", hours=Decimal(hours),
                )  # fmt: skip
                sessions.append(session)
                attendance_plan.append((session, [m for m in cohort if rng.random() < 0.9]))
                day += dt.timedelta(days=months * 30 + rng.randint(-6, 6))
                n += 1
        self.ctx.insert(TrainingSession, sessions, label="training_sessions")
        rows = [
            TrainingAttendance(session=s, member_id=m, hours=s.hours, recorded_at=_at(s.held_on, 18))
            for s, attendees in attendance_plan
            for m in attendees
        ]
        self.ctx.insert(TrainingAttendance, rows, label="training_attendance")


def seed_study(ctx: SeedContext) -> None:
    """Seed stage (its own transaction, after the party's): this domain's demo rows, anchored to today."""
    StudySeeder(ctx).run()


def delete_study(district: Region | None, deleted: dict[str, int]) -> None:
    """Reset: delete this domain's demo rows (before the party members and organisations)."""
    if district is None:
        return
    under = ORG_ROOT.format(code=district.code)
    for label, qs in (
        ("training_attendance", TrainingAttendance.objects.filter(session__course__org__path__subtree=under)),
        ("training_sessions", TrainingSession.objects.filter(course__org__path__subtree=under)),
        ("trainings", TrainingCourse.objects.filter(org__path__subtree=under)),
        ("study_records", StudyRecord.objects.filter(course__org__path__subtree=under)),
        ("study_questions", StudyQuestion.objects.filter(course__org__path__subtree=under)),
        ("study_courses", StudyCourse.objects.filter(org__path__subtree=under)),
    ):
        count, _ = qs.delete()
        deleted[label] = deleted.get(label, 0) + count
