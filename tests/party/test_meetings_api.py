"""三会一课 through the API: the plan of a branch with its completion rate, recording a meeting with
its attendance, what a bad record gets (422 naming the field), and the overdue list above."""

from __future__ import annotations

import datetime as dt

from dangqun.core import clock
from dangqun.core.models import AuditEvent
from dangqun.party.models import Meeting


def _committee(party, **changes):  # type: ignore[no-untyped-def]
    attendees = [m.pk for m in party.members[:-1]] or [party.members[0].pk]
    body = {
        "kind": "committee",
        "topic": "研究本月党费收缴",
        "held_at": (clock.now() - dt.timedelta(hours=2)).isoformat(),
        "place": "小区党群服务站",
        "host": "林秀英",
        "minutes": "会议研究了党费收缴和困难党员帮扶。",
        "decisions": "月底前完成收缴。",
        "attendees": attendees,
        "absentees": [{"member_id": party.members[-1].pk, "reason": "外出务工"}][: len(party.members) - 1],
    }
    body.update(changes)
    return body


def _this_month_committee(plan: dict) -> dict:
    key = clock.local_today().strftime("%Y-%m")
    (slot,) = [s for s in plan["slots"] if s["kind"] == "committee" and s["period"] == key]
    return slot


def test_recording_a_committee_meeting_raises_the_completion_rate(api_as, party):
    client = api_as("branch_secretary")
    url = f"/api/v1/party/orgs/{party.branch.code}/meeting-plan"
    before = client.get(url).json()
    assert _this_month_committee(before)["status"] == "due"

    response = client.post_json(f"/api/v1/party/orgs/{party.branch.code}/meetings", _committee(party))

    assert response.status_code == 201, response.content
    meeting = response.json()
    after = client.get(url).json()
    assert _this_month_committee(after)["status"] == "done"
    assert after["done"] == before["done"] + 1
    assert after["rate"] > before["rate"]
    assert meeting["attendee_count"] == len(_committee(party)["attendees"])
    absent = [a for a in meeting["attendance"] if not a["present"]]
    assert [a["reason"] for a in absent] == (["外出务工"] if len(party.members) > 1 else [])
    event = AuditEvent.objects.get(event_type="party.meeting_recorded", target_id=str(meeting["id"]))
    assert event.actor.username == "branch_secretary"
    assert client.get(f"/api/v1/party/meetings/{meeting['id']}").json()["topic"] == "研究本月党费收缴"
    assert api_as("party_admin").get(f"/api/v1/party/meetings/{meeting['id']}").status_code == 200


def test_a_meeting_held_in_the_future_is_422_naming_the_field(api_as, party):
    future = (clock.now() + dt.timedelta(days=1)).isoformat()
    before = Meeting.objects.count()

    response = api_as("branch_secretary").post_json(
        f"/api/v1/party/orgs/{party.branch.code}/meetings", _committee(party, held_at=future)
    )

    assert response.status_code == 422
    assert "held_at" in response.json()["errors"]
    assert Meeting.objects.count() == before


def test_an_attendee_from_another_branch_is_422_naming_the_field(api_as, party):
    body = _committee(party, attendees=[party.members[0].pk, party.outsider.pk])

    response = api_as("branch_secretary").post_json(f"/api/v1/party/orgs/{party.branch.code}/meetings", body)

    assert response.status_code == 422
    assert str(party.outsider.pk) in response.json()["errors"]["attendees"][0]


def test_an_absentee_without_a_reason_and_a_wrong_kind_are_422(api_as, party):
    client = api_as("branch_secretary")
    url = f"/api/v1/party/orgs/{party.branch.code}/meetings"

    silent = [{"member_id": party.members[-1].pk}]
    no_reason = client.post_json(url, _committee(party, attendees=[party.members[0].pk], absentees=silent))
    group_kind = client.post_json(url, _committee(party, kind="group"))
    street = api_as("party_admin").post_json(
        f"/api/v1/party/orgs/{party.street.code}/meetings", _committee(party)
    )

    if len(party.members) > 1:
        assert no_reason.status_code == 422
        assert "absentees" in no_reason.json()["errors"]
    assert group_kind.status_code == 422
    assert "kind" in group_kind.json()["errors"]
    assert street.status_code == 422
    assert "org" in street.json()["errors"]


def test_another_branch_cannot_be_recorded_or_read(api_as, party):
    client = api_as("branch_secretary")

    response = client.post_json(f"/api/v1/party/orgs/{party.other.code}/meetings", _committee(party))

    assert response.status_code == 404
    other_meeting = Meeting.objects.filter(org=party.other).first()
    if other_meeting is not None:
        assert client.get(f"/api/v1/party/meetings/{other_meeting.pk}").status_code == 404


def test_the_street_sees_every_branch_rate_and_the_overdue_list(api_as, party):
    plan = api_as("party_admin").get(f"/api/v1/party/orgs/{party.street.code}/meeting-plan").json()

    codes = {b["code"] for b in plan["branches"]}
    assert party.branch.code in codes
    assert len(codes) > 1
    assert plan["slots"] == []
    assert 0 < plan["rate"] < 1
    assert plan["overdue"], "the demo has branches behind schedule"
    assert all(item["status"] == "overdue" for item in plan["overdue"])
    # a branch's own meetings, or its groups' (a group's code extends its branch's)
    assert all(item["org_code"].startswith(tuple(codes)) for item in plan["overdue"])
    assert sum(b["overdue"] for b in plan["branches"]) == len(plan["overdue"])
    secretary = api_as("branch_secretary")
    assert secretary.get(f"/api/v1/party/orgs/{party.street.code}/meeting-plan").status_code == 404


def test_a_year_out_of_range_is_422_naming_the_field(api_as, party):
    client = api_as("branch_secretary")

    for year in (0, 1900, 10000):
        response = client.get(f"/api/v1/party/orgs/{party.branch.code}/meeting-plan", {"year": year})
        assert response.status_code == 422
        assert "year" in response.json()["errors"]
    assert client.get(f"/party/orgs/{party.branch.code}/", {"year": 0}).status_code == 200
