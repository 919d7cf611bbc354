"""党员教育's study library through the API with the demo personas: the member's library, opening,
time spent, finishing, the quiz scored on the server and the branch's completion rising; the
managers' editor with files checked like case photos — and what an attacker would try."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from dangqun.demo.study_content import study_pdf
from dangqun.party.study_models import CourseStatus, StudyCourse, StudyQuestion, StudyRecord
from tests.party.conftest import PartyWorld

pytestmark = pytest.mark.django_db


def _unopened_quiz_course() -> StudyCourse:
    """The demo's walk course: published, required, with a quiz, not yet opened by ``party_member``."""
    course = (
        StudyCourse.objects.filter(status=CourseStatus.PUBLISHED, required=True, questions__isnull=False)
        .exclude(records__member__user__username="party_member")
        .distinct()
        .order_by("-published_at")
        .first()
    )
    assert course is not None
    return course


def _branch_row(client, street_code: str, branch_code: str) -> dict:  # type: ignore[no-untyped-def]
    rows = client.get(f"/api/v1/party/orgs/{street_code}/study/completion").json()
    return next(r for r in rows if r["code"] == branch_code)


def test_member_studies_a_course_and_the_branch_completion_rises(api_as, party: PartyWorld) -> None:
    member = api_as("party_member")
    secretary = api_as("branch_secretary")
    course = _unopened_quiz_course()
    before = _branch_row(secretary, party.branch.code, party.branch.code)
    me = member.get("/api/v1/party/study/me").json()
    assert course.pk in [row["course"]["id"] for row in me["courses"]]
    assert me["required"] >= 10
    detail = member.get(f"/api/v1/party/study/courses/{course.pk}").json()
    assert detail["record"] is None
    assert len(detail["quiz"]) == 3
    assert all("answer" not in q for q in detail["quiz"])  # the right answers never leave the server

    opened = member.post_json(f"/api/v1/party/study/courses/{course.pk}/open")
    assert opened.status_code == 200, opened.content
    record = opened.json()
    assert record["status"] == "opened"
    assert record["moves"] == ["finish"]
    # Opening again returns the same record.
    assert member.post_json(f"/api/v1/party/study/courses/{course.pk}/open").json()["id"] == record["id"]
    progress = member.post_json(f"/api/v1/party/study/records/{record['id']}/progress", {"seconds": 600})
    assert progress.json()["minutes"] == 10
    # The quiz waits for the course to be finished.
    early = member.post_json(f"/api/v1/party/study/courses/{course.pk}/quiz", {"answers": [0, 0, 0]})
    assert early.status_code == 409
    done = member.post_json(f"/api/v1/party/study/records/{record['id']}/finish", {"seconds": 300})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "finished"
    assert done.json()["minutes"] == 15
    again = member.post_json(f"/api/v1/party/study/records/{record['id']}/finish", {})
    assert again.status_code == 409

    right = list(
        StudyQuestion.objects.filter(course=course).order_by("position").values_list("answer", flat=True)
    )
    wrong_last = [*right[:-1], (right[-1] + 1) % 3]
    scored = member.post_json(f"/api/v1/party/study/courses/{course.pk}/quiz", {"answers": wrong_last})
    assert scored.status_code == 200, scored.content
    assert scored.json()["score"] == 20
    assert scored.json()["full_score"] == 30
    twice = member.post_json(f"/api/v1/party/study/courses/{course.pk}/quiz", {"answers": right})
    assert twice.status_code == 409

    after = _branch_row(secretary, party.branch.code, party.branch.code)
    assert after["finished"] == before["finished"] + 1
    assert after["rate"] > before["rate"]
    street_row = _branch_row(api_as("party_admin"), party.street.code, party.branch.code)
    assert street_row["finished"] == after["finished"]


def test_quiz_bad_answers_name_the_field_and_change_nothing(api_as) -> None:
    member = api_as("party_member")
    course = _unopened_quiz_course()
    record = member.post_json(f"/api/v1/party/study/courses/{course.pk}/open").json()
    member.post_json(f"/api/v1/party/study/records/{record['id']}/finish", {})
    for answers in ([0], [0, 0, 9], ["a", 0, 0]):
        bad = member.post_json(f"/api/v1/party/study/courses/{course.pk}/quiz", {"answers": answers})
        assert bad.status_code == 422
        assert "answers" in bad.json()["errors"]
    assert StudyRecord.objects.get(pk=record["id"]).answered_at is None
    bad_seconds = member.post_json(f"/api/v1/party/study/records/{record['id']}/progress", {"seconds": 99999})
    assert bad_seconds.status_code == 422
    assert "seconds" in bad_seconds.json()["errors"]


def test_a_quiz_not_assigned_is_not_found(api_as, party: PartyWorld) -> None:
    member = api_as("party_member")
    # A course of another street's branch: not published to this member.
    secretary_elsewhere = StudyCourse.objects.create(
        org=party.other, title="外支部课程", kind="text", body="正文", status=CourseStatus.PUBLISHED
    )
    StudyQuestion.objects.create(course=secretary_elsewhere, text="题", choices=["甲", "乙"], answer=0)
    assert member.get(f"/api/v1/party/study/courses/{secretary_elsewhere.pk}").status_code == 404
    assert member.post_json(f"/api/v1/party/study/courses/{secretary_elsewhere.pk}/open").status_code == 404
    quiz = member.post_json(f"/api/v1/party/study/courses/{secretary_elsewhere.pk}/quiz", {"answers": [0]})
    assert quiz.status_code == 404
    # A draft of the member's own street is not published to them either.
    draft = StudyCourse.objects.filter(status=CourseStatus.DRAFT).first()
    assert draft is not None
    assert (
        member.post_json(f"/api/v1/party/study/courses/{draft.pk}/quiz", {"answers": [0]}).status_code == 404
    )
    # A published course without a quiz: no quiz was given.
    plain = StudyCourse.objects.filter(
        status=CourseStatus.PUBLISHED, questions__isnull=True, org=party.street
    ).first()
    if plain is not None:
        assert (
            member.post_json(f"/api/v1/party/study/courses/{plain.pk}/quiz", {"answers": []}).status_code
            == 404
        )
    # Someone else's record.
    other = StudyRecord.objects.exclude(member__user__username="party_member").first()
    assert other is not None
    assert member.post_json(f"/api/v1/party/study/records/{other.pk}/finish", {}).status_code == 404
    assert (
        member.post_json(f"/api/v1/party/study/records/{other.pk}/progress", {"seconds": 5}).status_code
        == 404
    )


def test_manager_builds_a_course_with_a_file_and_a_quiz(api_as, party: PartyWorld) -> None:
    secretary = api_as("branch_secretary")
    pdf = SimpleUploadedFile("学习材料.pdf", study_pdf("test"), content_type="application/pdf")
    created = secretary.post(
        f"/api/v1/party/orgs/{party.branch.code}/study/courses",
        {"title": "支部学习材料", "kind": "pdf", "minutes": "25", "file": pdf},
        headers={"X-CSRFToken": secretary.csrf_token},
    )
    assert created.status_code == 201, created.content
    course = created.json()
    assert course["status"] == "draft"
    assert course["has_file"]
    question = secretary.post_json(
        f"/api/v1/party/study/courses/{course['id']}/questions",
        {"text": "党的根本宗旨是什么?", "choices": ["全心全意为人民服务", "其他"], "answer": 0},
    )
    assert question.status_code == 201, question.content
    assert "answer" not in question.json()
    bad = secretary.post_json(
        f"/api/v1/party/study/courses/{course['id']}/questions",
        {"text": "题", "choices": ["一"], "answer": 0},
    )
    assert bad.status_code == 422
    assert "choices" in bad.json()["errors"]
    member = api_as("party_member")
    assert member.get(f"/api/v1/party/study/courses/{course['id']}").status_code == 404  # a draft
    published = secretary.post_json(f"/api/v1/party/study/courses/{course['id']}/moves/publish")
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert secretary.post_json(f"/api/v1/party/study/courses/{course['id']}/moves/publish").status_code == 409
    late = secretary.post_json(
        f"/api/v1/party/study/courses/{course['id']}/questions",
        {"text": "题", "choices": ["一", "二"], "answer": 0},
    )
    assert late.status_code == 409
    # The member of the branch now sees it and can fetch the file.
    assert member.get(f"/api/v1/party/study/courses/{course['id']}").status_code == 200
    file = member.get(f"/api/v1/party/study/courses/{course['id']}/file")
    assert file.status_code == 200
    assert file["Content-Type"] == "application/pdf"
    assert b"".join(file.streaming_content).startswith(b"%PDF-")


def test_uploads_are_checked_like_case_photos(api_as, party: PartyWorld) -> None:
    secretary = api_as("branch_secretary")
    url = f"/api/v1/party/orgs/{party.branch.code}/study/courses"
    headers = {"X-CSRFToken": secretary.csrf_token}
    fake = SimpleUploadedFile("讲话.mp3", b"MZ\x90\x00 not audio at all", content_type="audio/mpeg")
    refused = secretary.post(url, {"title": "音频", "kind": "audio", "file": fake}, headers=headers)
    assert refused.status_code == 415
    mismatch = SimpleUploadedFile("材料.pdf", study_pdf("x"), content_type="application/pdf")
    wrong_kind = secretary.post(url, {"title": "视频", "kind": "video", "file": mismatch}, headers=headers)
    assert wrong_kind.status_code == 422
    assert "file" in wrong_kind.json()["errors"]
    mp3 = SimpleUploadedFile(
        "讲话.mp3", b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 64, content_type="audio/mpeg"
    )
    audio = secretary.post(url, {"title": "音频党课", "kind": "audio", "file": mp3}, headers=headers)
    assert audio.status_code == 201, audio.content
    missing = secretary.post(url, {"title": "图文", "kind": "text"}, headers=headers)
    assert missing.status_code == 422
    assert "body" in missing.json()["errors"]
    assert StudyCourse.objects.filter(title__in=["音频", "视频", "图文"]).count() == 0


def test_scope_and_roles(api_as, party: PartyWorld) -> None:
    secretary = api_as("branch_secretary")
    # Another street's organisation: not found.
    assert secretary.get(f"/api/v1/party/orgs/{party.other.code}/study/completion").status_code == 404
    created = secretary.post(
        f"/api/v1/party/orgs/{party.other.code}/study/courses",
        {"title": "越权", "kind": "text", "body": "x"},
        headers={"X-CSRFToken": secretary.csrf_token},
    )
    assert created.status_code == 404
    street_course = StudyCourse.objects.filter(org=party.street).first()
    assert street_course is not None
    # The branch secretary reads the street's course as a member would not manage it: no moves.
    assert (
        secretary.post_json(f"/api/v1/party/study/courses/{street_course.pk}/moves/archive").status_code
        == 404
    )
    # A citizen without a member record has no library; a grid worker is no party manager.
    assert api_as("citizen").get("/api/v1/party/study/me").status_code == 403
    assert (
        api_as("grid_worker").get(f"/api/v1/party/orgs/{party.branch.code}/study/completion").status_code
        == 404
    )


def test_completion_export_is_a_workbook_per_branch(api_as, party: PartyWorld) -> None:
    response = api_as("party_admin").get(f"/api/v1/party/orgs/{party.street.code}/study/completion.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    names = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert party.branch.name in names
    assert len(book.worksheets[1]["A"]) > 3


def test_completion_reads_in_a_fixed_number_of_queries(
    api_as, party: PartyWorld, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = api_as("party_admin")
    with django_assert_max_num_queries(12):
        rows = client.get(f"/api/v1/party/orgs/{party.street.code}/study/completion").json()
    assert len(rows) > 3
    assert any(r["finished"] for r in rows)
