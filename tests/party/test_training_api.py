"""Training records through the API: a street's 党务管理员 holds a 培训班, adds a session, records
attendance; the members' yearly hours rise and the export files them — and the bad input, double
entries and other organisations' members an attacker would try."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from dangqun.core import clock
from dangqun.party.study_models import TrainingAttendance
from tests.party.conftest import PartyWorld

pytestmark = pytest.mark.django_db


def _hours(client, code: str, member_id: int) -> Decimal:  # type: ignore[no-untyped-def]
    rows = client.get(f"/api/v1/party/orgs/{code}/training-hours").json()
    return next((Decimal(r["hours"]) for r in rows if r["member_id"] == member_id), Decimal(0))


def test_admin_records_a_session_and_the_yearly_hours_rise(api_as, party: PartyWorld) -> None:
    admin = api_as("party_admin")
    today = clock.local_today()
    created = admin.post_json(
        f"/api/v1/party/orgs/{party.street.code}/trainings",
        {"kind": "warning", "title": "警示教育培训班(测试)"},
    )
    assert created.status_code == 201, created.content
    training = created.json()
    assert training["year"] == today.year
    assert training["kind_label"] == "警示教育培训班"
    session = admin.post_json(
        f"/api/v1/party/trainings/{training['id']}/sessions",
        {"held_on": today.isoformat(), "topic": "典型案例剖析", "hours": "2.5"},
    )
    assert session.status_code == 201, session.content
    sid = session.json()["id"]
    a, b = party.members[0], party.members[1]
    before = _hours(admin, party.street.code, a.pk)
    recorded = admin.post_json(f"/api/v1/party/training-sessions/{sid}/attendance", {"members": [a.pk, b.pk]})
    assert recorded.status_code == 201, recorded.content
    assert {r["member_id"] for r in recorded.json()} == {a.pk, b.pk}
    assert _hours(admin, party.street.code, a.pk) == before + Decimal("2.5")
    # Recording a member twice for one session: a conflict, and nothing else written.
    twice = admin.post_json(
        f"/api/v1/party/training-sessions/{sid}/attendance", {"members": [party.members[2].pk, a.pk]}
    )
    assert twice.status_code == 409
    assert not TrainingAttendance.objects.filter(session_id=sid, member=party.members[2]).exists()
    detail = admin.get(f"/api/v1/party/trainings/{training['id']}").json()
    assert detail["session_list"][0]["attended"] == 2
    export = admin.get(f"/api/v1/party/orgs/{party.street.code}/training-hours.xlsx")
    assert export.status_code == 200
    names = [
        row[1]
        for row in load_workbook(io.BytesIO(export.content)).active.iter_rows(min_row=3, values_only=True)
    ]
    assert a.name in names


def test_bad_input_names_the_field(api_as, party: PartyWorld) -> None:
    admin = api_as("party_admin")
    url = f"/api/v1/party/orgs/{party.street.code}/trainings"
    assert "kind" in admin.post_json(url, {"kind": "party", "title": "x"}).json()["errors"]
    assert "title" in admin.post_json(url, {"kind": "secretary", "title": " "}).json()["errors"]
    training = admin.post_json(url, {"kind": "secretary", "title": "书记培训(测试)"}).json()
    sessions = f"/api/v1/party/trainings/{training['id']}/sessions"
    for body, field in (
        ({"held_on": "2026-13-01", "topic": "t"}, "held_on"),
        ({"held_on": f"{training['year'] - 1}-05-01", "topic": "t"}, "held_on"),
        ({"held_on": clock.local_today().isoformat(), "topic": ""}, "topic"),
        ({"held_on": clock.local_today().isoformat(), "topic": "t", "hours": "0.2"}, "hours"),
    ):
        response = admin.post_json(sessions, body)
        assert response.status_code == 422, body
        assert field in response.json()["errors"], body
    sid = admin.post_json(sessions, {"held_on": clock.local_today().isoformat(), "topic": "t"}).json()["id"]
    attendance = f"/api/v1/party/training-sessions/{sid}/attendance"
    # A member of another street's branch is not the holder's to record.
    outside = admin.post_json(attendance, {"members": [party.outsider.pk]})
    assert outside.status_code == 422
    assert "members" in outside.json()["errors"]
    assert "members" in admin.post_json(attendance, {"members": ["x"]}).json()["errors"]
    too_long = admin.post_json(attendance, {"members": [party.members[0].pk], "hours": "8"})
    assert "hours" in too_long.json()["errors"]
    assert not TrainingAttendance.objects.filter(session_id=sid).exists()


def test_future_session_takes_no_attendance(api_as, party: PartyWorld) -> None:
    admin = api_as("party_admin")
    today = clock.local_today()
    training = admin.post_json(
        f"/api/v1/party/orgs/{party.street.code}/trainings", {"kind": "four_same", "title": "四同教育(测试)"}
    ).json()
    ahead = today + dt.timedelta(days=1)
    if ahead.year != today.year:
        pytest.skip("no later day left in this year")
    sid = admin.post_json(
        f"/api/v1/party/trainings/{training['id']}/sessions", {"held_on": ahead.isoformat(), "topic": "t"}
    ).json()["id"]
    early = admin.post_json(
        f"/api/v1/party/training-sessions/{sid}/attendance", {"members": [party.members[0].pk]}
    )
    assert early.status_code == 409


def test_member_reads_their_own_hours_and_others_are_refused(api_as, party: PartyWorld) -> None:
    mine = api_as("party_member").get("/api/v1/party/training/me")
    assert mine.status_code == 200
    body = mine.json()
    assert Decimal(body["hours"]) == sum((Decimal(s["hours"]) for s in body["sessions"]), Decimal(0))
    assert body["sessions"], "the demo persona attended this year's or last year's training"
    assert api_as("citizen").get("/api/v1/party/training/me").status_code == 403
    # The branch secretary holds the branch, not the street: its trainings are not theirs.
    secretary = api_as("branch_secretary")
    assert secretary.get(f"/api/v1/party/orgs/{party.street.code}/trainings").status_code == 404
    assert secretary.get(f"/api/v1/party/orgs/{party.branch.code}/trainings").status_code == 200
