"""The 党员教育 pages as the personas use them: the member's study list and large-type reading page
(open, finish, quiz), the workbench's library editor with a file upload, the completion table and
its branch page, and training sessions with attendance entry."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dangqun.core import clock
from dangqun.demo.personas import DEMO_PASSWORD
from dangqun.demo.study_content import study_pdf
from dangqun.party.study_models import (
    CourseStatus,
    StudyCourse,
    StudyQuestion,
    StudyRecord,
    TrainingAttendance,
    TrainingCourse,
)
from tests.party.conftest import PartyWorld

pytestmark = pytest.mark.django_db


def _login(username: str) -> Client:
    client = Client()
    assert client.post("/login/", {"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


def _walk_course() -> StudyCourse:
    course = (
        StudyCourse.objects.filter(status=CourseStatus.PUBLISHED, required=True, questions__isnull=False)
        .exclude(records__member__user__username="party_member")
        .distinct()
        .order_by("-published_at")
        .first()
    )
    assert course is not None
    return course


def test_member_reads_finishes_and_answers_on_the_reading_page(party: PartyWorld) -> None:
    client = _login("party_member")
    course = _walk_course()
    listing = client.get("/citizen/study/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert course.title in html
    assert 'data-nav="study_me"' in html
    before = listing.context["finished"]
    url = f"/citizen/study/{course.pk}/"
    page = client.get(url).content.decode()
    assert 'id="study-start"' in page
    assert "study.css" in page  # the large-type reading style
    client.post(f"{url}open/")
    page = client.get(url).content.decode()
    assert 'id="read-aloud"' in page
    assert 'id="study-finish"' in page
    client.post(f"{url}finish/", {"seconds": "420"})
    record = StudyRecord.objects.get(course=course, member__user__username="party_member")
    assert record.status == "finished"
    assert record.seconds == 420
    page = client.get(url).content.decode()
    assert 'id="quiz-form"' in page
    answers = {f"q{q.pk}": str(q.answer) for q in StudyQuestion.objects.filter(course=course)}
    done = client.post(f"{url}quiz/", answers, follow=True).content.decode()
    assert 'id="quiz-score"' in done
    record.refresh_from_db()
    assert record.score == record.full_score == 30
    assert client.get("/citizen/study/").context["finished"] == before + 1


def test_a_course_not_published_to_the_member_is_404(party: PartyWorld) -> None:
    elsewhere = StudyCourse.objects.create(
        org=party.other, title="外支部课程", kind="text", body="正文", status=CourseStatus.PUBLISHED
    )
    client = _login("party_member")
    assert client.get(f"/citizen/study/{elsewhere.pk}/").status_code == 404
    assert client.post(f"/citizen/study/{elsewhere.pk}/quiz/", {}).status_code == 404


def test_secretary_builds_publishes_and_sees_completion(party: PartyWorld) -> None:
    client = _login("branch_secretary")
    desk = client.get("/party/study/")
    assert desk.status_code == 200
    html = desk.content.decode()
    assert f'data-branch="{party.branch.code}"' in html
    assert f"/api/v1/party/orgs/{party.branch.code}/study/completion.xlsx" in html
    pdf = SimpleUploadedFile("支部学习.pdf", study_pdf("branch"), content_type="application/pdf")
    made = client.post(
        "/party/study/courses/",
        {
            "org": party.branch.code,
            "title": "支部学习材料",
            "kind": "pdf",
            "minutes": "20",
            "required": "on",
            "file": pdf,
        },
    )
    course = StudyCourse.objects.get(title="支部学习材料")
    assert made.status_code == 302
    assert made["Location"] == f"/party/study/courses/{course.pk}/"
    assert course.file_path.startswith("party/study/")
    client.post(
        f"/party/study/courses/{course.pk}/questions/",
        {"text": "党的根本宗旨是什么?", "choices": ["全心全意为人民服务", "其他", "", ""], "answer": "0"},
    )
    assert course.questions.count() == 1
    client.post(f"/party/study/courses/{course.pk}/publish/")
    course.refresh_from_db()
    assert course.status == CourseStatus.PUBLISHED
    # A bad upload is refused with the file named, and nothing is created.
    fake = SimpleUploadedFile("党课.mp4", b"not a video", content_type="video/mp4")
    refused = client.post(
        "/party/study/courses/",
        {"org": party.branch.code, "title": "坏文件", "kind": "video", "file": fake},
        follow=True,
    )
    assert "党课.mp4" in refused.content.decode()
    assert not StudyCourse.objects.filter(title="坏文件").exists()
    branch = client.get(f"/party/study/orgs/{party.branch.code}/")
    assert branch.status_code == 200
    assert party.members[0].name in branch.content.decode()
    # Another street's branch is not the secretary's.
    assert client.get(f"/party/study/orgs/{party.other.code}/").status_code == 404
    assert client.post("/party/study/courses/", {"org": party.other.code, "title": "x"}).status_code == 404


def test_admin_holds_a_training_and_enters_attendance(party: PartyWorld) -> None:
    client = _login("party_admin")
    assert client.get("/party/training/").status_code == 200
    made = client.post(
        "/party/training/new/", {"org": party.street.code, "kind": "secretary", "title": "书记培训(页面)"}
    )
    training = TrainingCourse.objects.get(title="书记培训(页面)")
    assert made["Location"] == f"/party/training/{training.pk}/"
    client.post(
        f"/party/training/{training.pk}/sessions/",
        {"held_on": clock.local_today().isoformat(), "topic": "支部书记履职", "hours": "3"},
    )
    session = training.sessions.get()
    page = client.get(f"/party/training/sessions/{session.pk}/").content.decode()
    assert 'id="attendance-form"' in page
    ids = [str(m.pk) for m in party.members[:3]]
    client.post(f"/party/training/sessions/{session.pk}/attendance/", {"members": ids})
    assert TrainingAttendance.objects.filter(session=session).count() == 3
    again = client.post(
        f"/party/training/sessions/{session.pk}/attendance/", {"members": ids[:1]}, follow=True
    )
    assert "已登记本课次出勤" in again.content.decode()
    assert TrainingAttendance.objects.filter(session=session).count() == 3
    assert client.get(f"/party/training/{training.pk}/").status_code == 200


def test_other_roles_are_refused_the_workbench(party: PartyWorld) -> None:
    citizen = _login("citizen")
    assert citizen.get("/party/study/").status_code == 403
    assert citizen.get("/party/training/").status_code == 403
    assert "您的账号未关联党员档案" in citizen.get("/citizen/study/").content.decode()


def test_desk_reads_in_a_bounded_number_of_queries(party: PartyWorld, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = _login("party_admin")
    with django_assert_max_num_queries(40):
        assert client.get("/party/study/").status_code == 200
