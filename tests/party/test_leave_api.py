"""减少党员 through the member's door: the reason and the date are checked (422 naming the field), a
member already gone or with a letter waiting is a 409, another branch's member is a 404, and the
move leaves an audit event."""

from __future__ import annotations

import datetime as dt

import pytest

from dangqun.core import clock
from dangqun.core.models import AuditEvent
from dangqun.party.models import MemberStatus, PartyMember


def _leave(client, member_id: int, **body):  # type: ignore[no-untyped-def]
    payload = {"left_reason": "death", "left_on": clock.local_today().isoformat(), **body}
    return client.post_json(f"/api/v1/party/members/{member_id}/leave", payload)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"left_reason": "moved_away"}, "left_reason"),
        ({"left_reason": ""}, "left_reason"),
        ({"left_on": "2999-01-01"}, "left_on"),
        ({"left_on": "not a date"}, "left_on"),
        ({"left_on": "1930-01-01"}, "left_on"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_changes_nothing(api_as, party, body, field):
    member = party.members[0]

    response = _leave(api_as("branch_secretary"), member.pk, **body)

    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert PartyMember.objects.get(pk=member.pk).status == MemberStatus.ACTIVE


def test_a_member_expelled_leaves_once_with_an_audit_event(api_as, party):
    client = api_as("branch_secretary")
    member = party.members[0]

    first = _leave(client, member.pk, left_reason="expelled")
    again = _leave(client, member.pk, left_reason="death")

    assert first.status_code == 200
    assert first.json()["left_reason_label"] == "开除党籍"
    assert again.status_code == 409
    member.refresh_from_db()
    assert (member.status, member.left_reason, member.left_on) == ("left", "expelled", clock.local_today())
    assert member.party_group is None
    event = AuditEvent.objects.get(event_type="party.member_left", target_id=str(member.pk))
    assert event.data["left_reason"] == "expelled"
    assert event.actor.username == "branch_secretary"


def test_a_member_with_a_letter_waiting_is_409(api_as, party):
    client = api_as("branch_secretary")
    member = party.members[0]
    issued = client.post_json(
        "/api/v1/party/transfers",
        {"member_id": member.pk, "letter_no": "LEAVE-1", "valid_months": 2, "destination": "外省某党支部"},
    )
    assert issued.status_code == 201, issued.content

    response = _leave(client, member.pk)

    assert response.status_code == 409
    assert PartyMember.objects.get(pk=member.pk).status == MemberStatus.ACTIVE


def test_another_branch_member_is_404_and_the_street_may_act(api_as, party):
    assert _leave(api_as("branch_secretary"), party.outsider.pk).status_code == 404
    assert _leave(api_as("grid_worker"), party.members[0].pk).status_code == 404
    yesterday = (clock.local_today() - dt.timedelta(days=1)).isoformat()
    assert _leave(api_as("party_admin"), party.members[0].pk, left_on=yesterday).status_code == 200
