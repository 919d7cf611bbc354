"""发展党员 through the API: an application, the talk, the year as an activist, admission and 转正 by
a 支部党员大会 of the branch, the reminders, and what the door refuses."""

from __future__ import annotations

import datetime as dt

from dangqun.core import clock
from dangqun.party.models import Development, DevelopmentStage, MemberStatus, PartyMember


def _assembly(client, party) -> int:  # type: ignore[no-untyped-def]
    body = {
        "kind": "assembly",
        "topic": "讨论接收预备党员和预备党员转正",
        "held_at": (clock.now() - dt.timedelta(hours=3)).isoformat(),
        "place": "党群服务站",
        "host": "林秀英",
        "attendees": [m.pk for m in party.members],
    }
    response = client.post_json(f"/api/v1/party/orgs/{party.branch.code}/meetings", body)
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def test_an_application_goes_through_the_talk_to_an_activist(api_as, party):
    client = api_as("branch_secretary")
    created = client.post_json(
        f"/api/v1/party/orgs/{party.branch.code}/development",
        {
            "name": "周晓东",
            "gender": "M",
            "applied_on": (clock.local_today() - dt.timedelta(days=3)).isoformat(),
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert [m["action"] for m in body["moves"]] == ["talk"]  # no activist before the talk

    early = client.post_json(f"/api/v1/party/development/{body['id']}/activist", {})
    talked = client.post_json(f"/api/v1/party/development/{body['id']}/talk", {})
    activist = client.post_json(f"/api/v1/party/development/{body['id']}/activist", {})
    too_soon = client.post_json(f"/api/v1/party/development/{body['id']}/candidate", {})

    assert early.status_code == 422
    assert talked.json()["talked_on"] == clock.local_today().isoformat()
    assert activist.json()["stage"] == "activist"
    assert too_soon.status_code == 422  # a year of training first
    assert "一年" in too_soon.json()["detail"]


def test_the_branch_meeting_admits_and_confirms_a_member(api_as, party):
    client = api_as("branch_secretary")
    meeting = _assembly(client, party)
    candidate = Development.objects.filter(branch=party.branch, stage=DevelopmentStage.CANDIDATE).first()
    probationary = Development.objects.filter(
        branch=party.branch, stage=DevelopmentStage.PROBATIONARY
    ).first()
    assert candidate is not None
    assert probationary is not None

    no_meeting = client.post_json(f"/api/v1/party/development/{candidate.pk}/admit", {})
    wrong_meeting = client.post_json(f"/api/v1/party/development/{candidate.pk}/admit", {"meeting": 999999})
    admitted = client.post_json(f"/api/v1/party/development/{candidate.pk}/admit", {"meeting": meeting})
    confirmed = client.post_json(f"/api/v1/party/development/{probationary.pk}/confirm", {"meeting": meeting})

    assert no_meeting.status_code == 422
    assert "meeting" in no_meeting.json()["errors"]
    assert "meeting" in wrong_meeting.json()["errors"]
    assert admitted.json()["stage"] == "probationary"
    member = PartyMember.objects.get(pk=admitted.json()["member_id"])
    assert member.is_probationary
    assert member.party_org == party.branch
    assert confirmed.json()["stage"] == "full"
    assert not PartyMember.objects.get(pk=probationary.member_id).is_probationary
    again = client.post_json(f"/api/v1/party/development/{candidate.pk}/admit", {"meeting": meeting})
    assert again.status_code == 409


def test_a_probation_not_yet_over_cannot_be_confirmed_but_can_be_cancelled(api_as, party):
    client = api_as("branch_secretary")
    meeting = _assembly(client, party)
    candidate = Development.objects.filter(branch=party.branch, stage=DevelopmentStage.CANDIDATE).first()
    assert candidate is not None
    admitted = client.post_json(
        f"/api/v1/party/development/{candidate.pk}/admit", {"meeting": meeting}
    ).json()

    early = client.post_json(f"/api/v1/party/development/{admitted['id']}/confirm", {"meeting": meeting})
    no_reason = client.post_json(f"/api/v1/party/development/{admitted['id']}/cancel", {"meeting": meeting})
    cancelled = client.post_json(
        f"/api/v1/party/development/{admitted['id']}/cancel", {"meeting": meeting, "reason": "不履行党员义务"}
    )

    assert early.status_code == 422
    assert "reason" in no_reason.json()["errors"]
    assert cancelled.json()["stage"] == "cancelled"
    assert PartyMember.objects.get(pk=admitted["member_id"]).status == MemberStatus.CANCELLED


def test_the_reminders_list_the_overdue_talk_and_the_probation_due(api_as, party):
    body = api_as("branch_secretary").get(f"/api/v1/party/orgs/{party.branch.code}/development").json()

    stages = {item["stage"] for item in body["items"]}
    assert {"applicant", "activist", "candidate", "probationary", "full"} <= stages
    texts = {(r["text"], r["overdue"]) for r in body["reminders"]}
    assert ("与入党申请人谈话", True) in texts
    assert ("预备期满,讨论转正", True) in texts


def test_another_branch_applicant_is_404_and_a_future_application_is_422(api_as, party):
    client = api_as("branch_secretary")
    outside = Development.objects.exclude(branch__path__startswith=party.street.path).first()
    future = (clock.local_today() + dt.timedelta(days=2)).isoformat()

    bad = client.post_json(
        f"/api/v1/party/orgs/{party.branch.code}/development",
        {"name": "吴明", "gender": "M", "applied_on": future},
    )

    assert bad.status_code == 422
    assert "applied_on" in bad.json()["errors"]
    if outside is not None:
        assert client.post_json(f"/api/v1/party/development/{outside.pk}/talk", {}).status_code == 404
