"""Who reaches the 党员教育 routes the access matrix skips: every persona on the demo's rows.

A course published by the branch secretary's branch is managed by the branch secretary, the street's
党务管理员 (whose working committee holds the branch) and the system administrator, and studied by the
branch's member (``party_member``); a training of the street by its 党务管理员 and the system
administrator. Everyone else gets 404, so guessing ids learns nothing."""

from __future__ import annotations

import pytest

from dangqun.core import clock
from dangqun.party.study_models import (
    CourseStatus,
    RecordStatus,
    StudyCourse,
    StudyQuestion,
    StudyRecord,
    TrainingSession,
)
from tests.access.expectations import PERSONAS
from tests.party.conftest import PartyWorld

pytestmark = pytest.mark.django_db

BRANCH_MANAGERS = {"branch_secretary", "party_admin", "sysadmin"}
STREET_MANAGERS = {"party_admin", "sysadmin"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_study_rows_are_reached_only_by_their_side(api_as, party: PartyWorld, persona: str) -> None:
    course = StudyCourse.objects.create(
        org=party.branch, title="支部学习", kind="text", body="正文", status=CourseStatus.PUBLISHED,
        published_at=clock.now(),
    )  # fmt: skip
    StudyQuestion.objects.create(course=course, text="题", choices=["甲", "乙"], answer=0)
    record = StudyRecord.objects.filter(
        member__user__username="party_member", status=RecordStatus.FINISHED
    ).first()
    assert record is not None
    session = TrainingSession.objects.filter(course__org=party.street).select_related("course").first()
    assert session is not None
    client = api_as(persona)
    manager = persona in BRANCH_MANAGERS
    member = persona == "party_member"
    street = persona in STREET_MANAGERS
    reads = {
        f"/api/v1/party/study/courses/{course.pk}": manager or member,
        f"/citizen/study/{course.pk}/": member,
        f"/party/study/courses/{course.pk}/": manager,
        f"/api/v1/party/trainings/{session.course_id}": street,
        f"/api/v1/party/training-sessions/{session.pk}/attendance": street,
        f"/party/training/{session.course_id}/": street,
        f"/party/training/sessions/{session.pk}/": street,
    }
    for path, reached in reads.items():
        status = client.get(path).status_code
        assert status == (200 if reached else 404), (persona, path, status)
    writes = {
        # A member opens; the quiz waits for a finished course (409); managers manage.
        f"/api/v1/party/study/courses/{course.pk}/quiz": (409 if member else 404, {"answers": [0]}),
        f"/api/v1/party/study/courses/{course.pk}/moves/publish": (409 if manager else 404, {}),
        f"/api/v1/party/study/courses/{course.pk}/questions": (
            409 if manager else 404,
            {"text": "题", "choices": ["甲", "乙"], "answer": 0},
        ),
        f"/api/v1/party/study/records/{record.pk}/finish": (409 if member or manager else 404, {}),
        f"/api/v1/party/trainings/{session.course_id}/sessions": (
            422 if street else 404,
            {"held_on": "x", "topic": "t"},
        ),
        f"/api/v1/party/training-sessions/{session.pk}/attendance": (422 if street else 404, {"members": []}),
    }
    for path, (expected, body) in writes.items():
        status = client.post_json(path, body).status_code
        assert status == expected, (persona, path, status)
    opened = client.post_json(f"/api/v1/party/study/courses/{course.pk}/open").status_code
    assert opened == (200 if member else 404), (persona, opened)
