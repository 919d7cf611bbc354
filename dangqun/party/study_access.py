"""The only way to load 党员教育 objects for a user.

A course is managed by whoever holds its publishing organisation (党务管理员 or 党支部书记 over it,
with their subtrees) and studied by the members of that organisation's subtree once published. A
study record is its member's and the managers'. A training course, its sessions and attendance are
the holding organisation's. Out of scope and nonexistent look the same (404)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from dangqun.accounts.scope import get_scope
from dangqun.core.errors import NotFoundError
from dangqun.party.access import own_party_member
from dangqun.party.models import PartyMember
from dangqun.party.study_models import (
    CourseStatus,
    StudyCourse,
    StudyRecord,
    TrainingCourse,
    TrainingSession,
)


def ancestor_paths(path: str) -> list[str]:
    """Paths of an organisation and its ancestors, root first ("/a/b/" → "/a/", "/a/b/")."""
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def courses_for_member(member: PartyMember) -> QuerySet[StudyCourse]:
    """Published courses of the member's organisation and its ancestors (the member's library)."""
    return StudyCourse.objects.select_related("org").filter(
        org__path__in=ancestor_paths(member.party_org.path), status=CourseStatus.PUBLISHED
    )


def managed_courses(user: object) -> QuerySet[StudyCourse]:
    return StudyCourse.objects.select_related("org").filter(get_scope(user).party_org_q("org__path"))


def access_managed_course_by_id(user: object, course_id: int) -> StudyCourse:
    course = managed_courses(user).filter(pk=course_id).first()
    if course is None:
        raise NotFoundError(_("学习课程不存在或无权访问"))
    return course


def access_course_by_id(user: object, course_id: int) -> StudyCourse:
    """A course the user may open: published to them as a member, or managed by them."""
    member = own_party_member(user)
    visible = _managed_q(user, "org__path")
    if member is not None:
        visible |= Q(org__path__in=ancestor_paths(member.party_org.path), status=CourseStatus.PUBLISHED)
    course = StudyCourse.objects.select_related("org").filter(visible, pk=course_id).first()
    if course is None:
        raise NotFoundError(_("学习课程不存在或无权访问"))
    return course


def access_member_course_by_id(user: object, course_id: int) -> tuple[PartyMember, StudyCourse]:
    """The user's member record and a course published to them (a manager's view does not count)."""
    member = own_party_member(user)
    course = courses_for_member(member).filter(pk=course_id).first() if member else None
    if member is None or course is None:
        raise NotFoundError(_("学习课程不存在或无权访问"))
    return member, course


def _managed_q(user: object, path_lookup: str) -> Q:
    """Rows under the user's party organisations. (An empty ``Q()`` OR-ed with a condition is that
    condition, so the sysadmin's "everything" is spelt out before any OR.)"""
    scope = get_scope(user)
    return Q(pk__isnull=False) if scope.is_sysadmin else scope.party_org_q(path_lookup)


def records_visible_q(user: object) -> Q:
    scope = get_scope(user)
    own = Q(member__user_id=scope.user_id) if scope.user_id else Q(pk__in=[])
    return own | _managed_q(user, "member__party_org__path")


def access_record_by_id(user: object, record_id: int) -> StudyRecord:
    record = (
        StudyRecord.objects.select_related("course", "member")
        .filter(records_visible_q(user), pk=record_id)
        .first()
    )
    if record is None:
        raise NotFoundError(_("学习记录不存在或无权访问"))
    return record


def trainings_for(user: object) -> QuerySet[TrainingCourse]:
    return TrainingCourse.objects.select_related("org").filter(get_scope(user).party_org_q("org__path"))


def access_training_by_id(user: object, training_id: int) -> TrainingCourse:
    training = trainings_for(user).filter(pk=training_id).first()
    if training is None:
        raise NotFoundError(_("培训班不存在或无权访问"))
    return training


def access_session_by_id(user: object, session_id: int) -> TrainingSession:
    session = (
        TrainingSession.objects.select_related("course", "course__org")
        .filter(get_scope(user).party_org_q("course__org__path"), pk=session_id)
        .first()
    )
    if session is None:
        raise NotFoundError(_("培训课次不存在或无权访问"))
    return session
