"""党员教育 reads: a member's library with their records, and completion per branch and per member
of an organisation's subtree (required published courses finished by the members they reach)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from dangqun.orgs.models import PartyOrg, PartyOrgKind
from dangqun.party.models import MemberStatus, PartyMember
from dangqun.party.study_access import ancestor_paths, courses_for_member
from dangqun.party.study_models import CourseStatus, RecordStatus, StudyCourse, StudyRecord


@dataclass(frozen=True)
class LibraryRow:
    course: StudyCourse
    record: StudyRecord | None

    @property
    def state(self) -> str:
        return self.record.status if self.record else ""


def member_library(member: PartyMember) -> list[LibraryRow]:
    """The member's courses (required first, newest first) with their own record, in two queries."""
    courses = list(courses_for_member(member).order_by("-required", "-published_at", "-id"))
    records = {r.course_id: r for r in StudyRecord.objects.filter(member=member, course__in=courses)}
    return [LibraryRow(course=c, record=records.get(c.pk)) for c in courses]


def course_questions(course: StudyCourse) -> list[dict[str, Any]]:
    """The quiz as a member sees it: no right answers."""
    return [
        {"id": q.pk, "position": q.position, "text": q.text, "choices": list(q.choices), "points": q.points}
        for q in course.questions.order_by("position", "id")
    ]


def required_courses(root: PartyOrg) -> list[tuple[int, str]]:
    """(id, publishing organisation's path) of the required published courses that reach some of
    ``root``'s subtree: published by it or its ancestors, or by an organisation below it."""
    reach = Q(org__path__in=ancestor_paths(root.path)) | Q(org__path__subtree=root.path)
    return [
        (pk, path)
        for pk, path in StudyCourse.objects.filter(reach, status=CourseStatus.PUBLISHED, required=True)
        .order_by("pk")
        .values_list("pk", "org__path")
    ]


@dataclass(frozen=True)
class BranchCompletion:
    org: PartyOrg
    members: int
    courses: int
    finished: int
    expected: int
    studying: int

    @property
    def rate(self) -> float:
        return round(100 * self.finished / self.expected, 1) if self.expected else 0.0


def branch_completion(root: PartyOrg) -> list[BranchCompletion]:
    """For each branch (党支部/党总支 holding members) of ``root``'s subtree: its active members, the
    required courses that reach it, and the records finished of those — four queries in all."""
    courses = required_courses(root)
    member_rows = (
        PartyMember.objects.filter(party_org__path__subtree=root.path, status=MemberStatus.ACTIVE)
        .values("party_org")
        .annotate(n=Count("pk"))
    )
    members = {row["party_org"]: row["n"] for row in member_rows}
    branches = list(
        PartyOrg.objects.filter(pk__in=members, is_active=True)
        .exclude(kind=PartyOrgKind.GROUP)
        .order_by("path")
    )
    per_course: dict[tuple[int, int, str], int] = {}
    for row in (
        StudyRecord.objects.filter(
            member__party_org__in=branches,
            member__status=MemberStatus.ACTIVE,
            course__in=[pk for pk, _path in courses],
        )
        .values("member__party_org", "course", "status")
        .annotate(n=Count("pk"))
    ):
        per_course[(row["member__party_org"], row["course"], row["status"])] = row["n"]
    out = []
    for branch in branches:
        reach = [pk for pk, path in courses if branch.path.startswith(path)]
        finished = sum(per_course.get((branch.pk, c, RecordStatus.FINISHED), 0) for c in reach)
        studying = sum(per_course.get((branch.pk, c, RecordStatus.OPENED), 0) for c in reach)
        n = members[branch.pk]
        out.append(
            BranchCompletion(
                org=branch, members=n, courses=len(reach), finished=finished, expected=n * len(reach),
                studying=studying,
            )
        )  # fmt: skip
    return out


def totals(rows: list[BranchCompletion]) -> dict[str, Any]:
    finished = sum(r.finished for r in rows)
    expected = sum(r.expected for r in rows)
    return {
        "members": sum(r.members for r in rows),
        "finished": finished,
        "expected": expected,
        "rate": round(100 * finished / expected, 1) if expected else 0.0,
    }


@dataclass(frozen=True)
class MemberCompletion:
    member: PartyMember
    courses: int
    finished: int
    minutes: int
    score: int | None
    full_score: int | None


def member_completion(
    branch: PartyOrg, *, limit: int = 2000, courses: list[tuple[int, str]] | None = None
) -> list[MemberCompletion]:
    """Each active member of ``branch`` (its own members, not its sub-branches'): required courses
    finished, minutes studied, quiz points won of the points answered. ``courses``: the required
    courses of an organisation above (read once for many branches)."""
    courses = required_courses(branch) if courses is None else courses
    reach = [pk for pk, path in courses if branch.path.startswith(path)]
    members = list(
        PartyMember.objects.filter(party_org=branch, status=MemberStatus.ACTIVE).order_by("name", "pk")[
            :limit
        ]
    )
    stats: dict[int, dict[str, int]] = {}
    for r in StudyRecord.objects.filter(member__in=members).values(
        "member", "course", "status", "seconds", "score", "full_score"
    ):
        s = stats.setdefault(r["member"], {"finished": 0, "seconds": 0, "score": 0, "full": 0})
        s["seconds"] += r["seconds"]
        if r["status"] == RecordStatus.FINISHED and r["course"] in reach:
            s["finished"] += 1
        if r["full_score"]:
            s["score"] += r["score"] or 0
            s["full"] += r["full_score"]
    out = []
    for m in members:
        s = stats.get(m.pk, {"finished": 0, "seconds": 0, "score": 0, "full": 0})
        out.append(
            MemberCompletion(
                member=m, courses=len(reach), finished=s["finished"], minutes=s["seconds"] // 60,
                score=s["score"] if s["full"] else None, full_score=s["full"] or None,
            )
        )  # fmt: skip
    return out


def course_records(course: StudyCourse) -> QuerySet[StudyRecord]:
    return StudyRecord.objects.filter(course=course).select_related("member", "member__party_org")
