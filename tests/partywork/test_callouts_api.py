"""有困难,党员上 and 亮身份 through the API with the demo personas: the community calls its members out,
the invited members hear of it in the inbox and answer, the caller sees who is coming, a full call-out
refuses (409) — and what an attacker would try."""

from __future__ import annotations

import datetime as dt

import pytest

from dangqun.core import clock
from dangqun.notify.models import Notification
from dangqun.partywork.models import CallOut, CallOutStatus, MemberReport, ReportStatus

pytestmark = pytest.mark.django_db


def _community_code() -> str:
    """The demo community (the working member reported in there; the party member's branch is in it)."""
    return MemberReport.objects.get(
        member__user__username="working_member", status=ReportStatus.ACCEPTED
    ).community_org.code


def _body(needed: int = 1) -> dict[str, object]:
    start = clock.now() + dt.timedelta(days=1)
    return {
        "title": "帮助村民搬运化肥",
        "place": "村委会广场",
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=3)).isoformat(),
        "needed": needed,
    }


def _invitation(client, callout_id: int) -> dict:  # type: ignore[no-untyped-def]
    mine = client.get("/api/v1/partywork/me/callouts").json()
    return next(row["reply"] for row in mine if row["callout"]["id"] == callout_id)


def test_a_call_out_fills_and_the_caller_sees_who_is_coming(
    api_as, django_capture_on_commit_callbacks
) -> None:
    staff = api_as("community_staff")
    code = _community_code()
    with django_capture_on_commit_callbacks(execute=True):
        created = staff.post_json(f"/api/v1/partywork/orgs/{code}/callouts", _body(needed=1))
    assert created.status_code == 201, created.content
    callout = created.json()
    assert callout["coming"] == 0
    assert callout["moves"] == ["close", "cancel"]
    # Both the reported-in working member and the community's own member are invited, in the inbox.
    for username in ("working_member", "party_member"):
        assert Notification.objects.filter(
            recipient__username=username, kind="partywork.callout", subject_id=str(callout["id"])
        ).exists()
    worker, member = api_as("working_member"), api_as("party_member")
    reply = _invitation(worker, callout["id"])
    assert reply["moves"] == ["accept", "decline"]
    accepted = worker.post_json(f"/api/v1/partywork/callout-replies/{reply['id']}/accept")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted"
    # Full: the next member is refused with a conflict, and may only decline.
    other = _invitation(member, callout["id"])
    full = member.post_json(f"/api/v1/partywork/callout-replies/{other['id']}/accept")
    assert full.status_code == 409
    assert _invitation(member, callout["id"])["moves"] == ["decline"]
    detail = staff.get(f"/api/v1/partywork/callouts/{callout['id']}").json()
    assert detail["coming"] == 1
    coming = [r["member_name"] for r in detail["replies"] if r["status"] == "accepted"]
    assert coming == [accepted.json()["member_name"]]
    # The working member changes their mind: a seat frees up for the party member.
    assert worker.post_json(f"/api/v1/partywork/callout-replies/{reply['id']}/decline").status_code == 200
    assert member.post_json(f"/api/v1/partywork/callout-replies/{other['id']}/accept").status_code == 200
    # A member sees only their own reply; they cannot close the call-out.
    seen = member.get(f"/api/v1/partywork/callouts/{callout['id']}").json()
    assert [r["id"] for r in seen["replies"]] == [other["id"]]
    assert member.post_json(f"/api/v1/partywork/callouts/{callout['id']}/close").status_code == 403
    # Closed: no more answers.
    assert staff.post_json(f"/api/v1/partywork/callouts/{callout['id']}/close").json()["status"] == "closed"
    assert worker.post_json(f"/api/v1/partywork/callout-replies/{reply['id']}/accept").status_code == 409
    assert staff.post_json(f"/api/v1/partywork/callouts/{callout['id']}/close").status_code == 409


def test_call_out_bad_input_and_scope(api_as) -> None:
    staff = api_as("community_staff")
    code = _community_code()
    url = f"/api/v1/partywork/orgs/{code}/callouts"
    before = CallOut.objects.count()
    past = (clock.now() - dt.timedelta(days=2)).isoformat()
    good = _body()
    for body, field in (
        ({**_body(), "title": ""}, "title"),
        ({**_body(), "place": ""}, "place"),
        ({**_body(), "starts_at": "tomorrow"}, "starts_at"),
        ({**_body(), "starts_at": past}, "starts_at"),
        ({**good, "ends_at": good["starts_at"]}, "ends_at"),
        ({**_body(), "needed": 0}, "needed"),
    ):
        response = staff.post_json(url, body)
        assert response.status_code == 422, (body, response.content)
        assert field in response.json()["errors"]
    assert CallOut.objects.count() == before
    # Members, citizens and another community's staff cannot call anyone out.
    for username in ("working_member", "citizen", "grid_worker", "department_staff"):
        assert api_as(username).post_json(url, _body()).status_code == 404
    live = CallOut.objects.filter(org__code=code, status=CallOutStatus.OPEN).first()
    assert live is not None
    assert api_as("citizen").get(f"/api/v1/partywork/callouts/{live.pk}").status_code == 404
    cancel = staff.post_json(f"/api/v1/partywork/callouts/{live.pk}/cancel", {})
    assert cancel.status_code == 422
    assert "reason" in cancel.json()["errors"]
    assert api_as("citizen").get("/api/v1/partywork/me/callouts").status_code == 403


def test_the_demo_call_out_is_in_progress(api_as) -> None:
    rows = api_as("community_staff").get(f"/api/v1/partywork/orgs/{_community_code()}/callouts").json()
    live = [c for c in rows if c["status"] == "open"]
    assert live
    assert 0 < live[0]["coming"] < live[0]["needed"]
    mine = api_as("working_member").get("/api/v1/partywork/me/callouts").json()
    assert any(row["reply"]["moves"] == ["accept", "decline"] for row in mine)


def test_a_member_chooses_to_show_the_party_badge(api_as) -> None:
    member = api_as("working_member")
    assert member.get("/api/v1/partywork/me/badge").json() == {"shown": False}
    assert member.put_json("/api/v1/partywork/me/badge", {"shown": True}).json() == {"shown": True}
    assert member.get("/api/v1/partywork/me/badge").json() == {"shown": True}
    assert member.put_json("/api/v1/partywork/me/badge", {"shown": "maybe"}).status_code == 422
    assert api_as("citizen").put_json("/api/v1/partywork/me/badge", {"shown": True}).status_code == 403
