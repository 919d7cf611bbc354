"""Volunteer activities through the API with the demo personas: publish, sign up (the waiting list),
check in on site (code or position, 422 naming the reason), confirm hours once, star progress, scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dangqun.core import clock as app_clock
from dangqun.regions.models import Region
from dangqun.volunteers.models import Activity, HoursEntry, SignUp, Team, TeamMembership
from dangqun.volunteers.selectors import star_level

pytestmark = pytest.mark.django_db

LAT, LNG = 40.1300, 124.3900


def _publish(api_as, *, slots: int = 2, days: int = 3, **kw: object) -> dict:  # type: ignore[no-untyped-def]
    start = (app_clock.now() + dt.timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    body = {
        "title": "小区环境大扫除",
        "kind": "cleanup",
        "place": "演示社区党群服务站门前广场",
        "lat": LAT,
        "lng": LNG,
        "radius_m": 200,
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=2)).isoformat(),
        "slots": slots,
        "hours": "2",
        **kw,
    }
    response = api_as("community_staff").post_json("/api/v1/volunteers/activities", body)
    assert response.status_code == 201, response.content
    return response.json()


def _sign_up(client, activity_id: int) -> dict:  # type: ignore[no-untyped-def]
    response = client.post_json(f"/api/v1/volunteers/activities/{activity_id}/signups", {})
    assert response.status_code == 201, response.content
    return response.json()


def test_community_staff_publishes_and_a_citizen_may_not(api_as) -> None:
    activity = _publish(api_as)
    assert activity["is_organiser"] is True
    assert len(activity["check_in_code"]) == 6
    assert activity["qr_url"].endswith("/qr.svg")
    seen = api_as("citizen").get(f"/api/v1/volunteers/activities/{activity['id']}").json()
    assert seen["check_in_code"] is None
    assert seen["qr_url"] is None
    refused = api_as("citizen").post_json("/api/v1/volunteers/activities", {**seen, "hours": "2"})
    assert refused.status_code == 403


def test_sign_up_beyond_the_slots_goes_to_the_waiting_list_and_a_cancellation_promotes(api_as) -> None:
    activity = _publish(api_as, slots=2)
    citizen, member, working = api_as("citizen"), api_as("party_member"), api_as("working_member")
    assert _sign_up(citizen, activity["id"])["my_signup"]["status"] == "enrolled"
    assert _sign_up(member, activity["id"])["my_signup"]["status"] == "enrolled"
    third = _sign_up(working, activity["id"])
    assert third["my_signup"]["status"] == "waiting"
    assert (third["taken"], third["waiting"]) == (2, 1)
    again = citizen.post_json(f"/api/v1/volunteers/activities/{activity['id']}/signups", {})
    assert again.status_code == 409

    mine = citizen.get(f"/api/v1/volunteers/activities/{activity['id']}").json()["my_signup"]
    assert {m["action"] for m in mine["moves"]} == {"cancel"}
    cancelled = citizen.post_json(f"/api/v1/volunteers/signups/{mine['id']}/cancel", {})
    assert cancelled.status_code == 200, cancelled.content
    after = working.get(f"/api/v1/volunteers/activities/{activity['id']}").json()
    assert after["my_signup"]["status"] == "enrolled"
    assert (after["taken"], after["waiting"]) == (2, 0)
    assert SignUp.objects.filter(activity_id=activity["id"], status__in=("enrolled",)).count() == 2


def test_check_in_outside_the_window_or_too_far_is_422_naming_the_reason(api_as, clock) -> None:
    activity = _publish(api_as, slots=5)
    citizen = api_as("citizen")
    signup_id = _sign_up(citizen, activity["id"])["my_signup"]["id"]
    start = dt.datetime.fromisoformat(activity["starts_at"])
    url = f"/api/v1/volunteers/signups/{signup_id}/check_in"

    with clock.frozen(start - dt.timedelta(hours=3)):
        early = citizen.post_json(url, {"code": activity["check_in_code"]})
    assert early.status_code == 422
    assert early.json()["code"] == "outside_window"
    assert "签到时间" in early.json()["detail"]

    with clock.frozen(start + dt.timedelta(minutes=10)):
        far = citizen.post_json(url, {"lat": LAT + 0.01, "lng": LNG})  # about 1.1 km north
        assert far.status_code == 422
        assert far.json()["code"] == "too_far"
        assert "超出签到范围" in far.json()["detail"]
        assert "200米" in far.json()["detail"]
        wrong = citizen.post_json(url, {"code": "XXXXXX"})
        assert wrong.status_code == 422
        assert wrong.json()["code"] == "wrong_code"
        near = citizen.post_json(url, {"lat": LAT + 0.0005, "lng": LNG})  # about 55 m
        assert near.status_code == 200, near.content
        assert near.json()["my_signup"]["status"] == "checked_in"
    assert SignUp.objects.get(pk=signup_id).check_in_method == "gps"


def test_confirming_twice_writes_one_ledger_line_and_the_hours_show_with_star_progress(api_as, clock) -> None:
    activity = _publish(api_as, slots=5)
    citizen, staff = api_as("citizen"), api_as("community_staff")
    before = Decimal(citizen.get("/api/v1/volunteers/me").json()["stars"]["hours"])
    signup_id = _sign_up(citizen, activity["id"])["my_signup"]["id"]
    start = dt.datetime.fromisoformat(activity["starts_at"])
    url = f"/api/v1/volunteers/signups/{signup_id}/confirm"

    early = staff.post_json(url, {})
    assert early.status_code == 409  # not begun yet
    with clock.frozen(start + dt.timedelta(minutes=5)):
        assert (
            citizen.post_json(
                f"/api/v1/volunteers/signups/{signup_id}/check_in",
                {"code": activity["check_in_code"].lower()},
            ).status_code
            == 200
        )
    with clock.frozen(start + dt.timedelta(hours=3)):
        assert citizen.post_json(url, {}).status_code == 403  # the volunteer may not confirm own hours
        first = staff.post_json(url, {})
        assert first.status_code == 200, first.content
        second = staff.post_json(url, {})
    assert second.status_code == 409
    assert HoursEntry.objects.filter(activity_id=activity["id"]).count() == 1

    me = citizen.get("/api/v1/volunteers/me").json()
    assert Decimal(me["stars"]["hours"]) == before + 2
    level = star_level(before + 2)
    assert me["stars"]["stars"] == level.stars
    assert me["stars"]["next_star_hours"] == level.next_at
    hours = citizen.get("/api/v1/volunteers/hours").json()
    assert hours[0]["activity_id"] == activity["id"] or any(h["activity_id"] == activity["id"] for h in hours)


def test_star_levels_follow_the_national_thresholds() -> None:
    assert star_level(Decimal(99)).stars == 0
    assert star_level(Decimal(100)).stars == 1
    assert star_level(Decimal(300)).stars == 2
    assert star_level(Decimal(600)).stars == 3
    assert star_level(Decimal(1000)).stars == 4
    assert star_level(Decimal(1500)).stars == 5
    assert star_level(Decimal(1500)).next_at is None
    halfway = star_level(Decimal(200))
    assert (halfway.stars, halfway.next_at, halfway.progress, halfway.to_next) == (1, 300, 50, Decimal(100))


def test_an_organiser_reading_another_communitys_activity_gets_404(api_as) -> None:
    staff = api_as("community_staff")
    home = Region.objects.get(pk=Team.objects.order_by("id").first().region_id)  # type: ignore[union-attr]
    other = Activity.objects.exclude(region__path__startswith=home.path).order_by("id").first()
    assert other is not None, "the demo seeds activities in other communities"
    assert staff.get(f"/api/v1/volunteers/activities/{other.pk}/signups").status_code == 404
    assert staff.get(f"/volunteers/workbench/activities/{other.pk}/").status_code == 404
    public = staff.get(f"/api/v1/volunteers/activities/{other.pk}").json()
    assert public["is_organiser"] is False
    assert public["check_in_code"] is None
    signup = SignUp.objects.filter(activity=other).first()
    assert signup is not None
    assert staff.post_json(f"/api/v1/volunteers/signups/{signup.pk}/confirm", {}).status_code == 404
    # the street above both communities organises both
    assert api_as("street_staff").get(f"/api/v1/volunteers/activities/{other.pk}/signups").status_code == 200


def test_organisers_see_their_people_masked_and_residents_see_none(api_as) -> None:
    activity = _publish(api_as)
    _sign_up(api_as("citizen"), activity["id"])
    people = api_as("community_staff").get(f"/api/v1/volunteers/activities/{activity['id']}/signups").json()
    assert [p["volunteer"] for p in people] == ["刘**"]  # 刘桂兰
    assert "桂" not in people[0]["volunteer"]
    assert (
        api_as("party_member").get(f"/api/v1/volunteers/activities/{activity['id']}/signups").status_code
        == 404
    )


def test_joining_a_team_needs_the_communitys_approval(api_as) -> None:
    team = Team.objects.order_by("id").first()
    assert team is not None
    worker = api_as("working_member")
    asked = worker.post_json(f"/api/v1/volunteers/teams/{team.pk}/memberships", {})
    assert asked.status_code == 201, asked.content
    assert asked.json()["status"] == "pending"
    assert worker.post_json(f"/api/v1/volunteers/teams/{team.pk}/memberships", {}).status_code == 409
    membership_id = asked.json()["id"]
    assert worker.post_json(f"/api/v1/volunteers/memberships/{membership_id}/approve", {}).status_code == 403
    staff = api_as("community_staff")
    pending = staff.get("/api/v1/volunteers/memberships", {"status": "pending"}).json()
    assert membership_id in [m["id"] for m in pending]
    assert staff.post_json(f"/api/v1/volunteers/memberships/{membership_id}/approve", {}).status_code == 200
    assert TeamMembership.objects.get(pk=membership_id).status == "active"
    me = worker.get("/api/v1/volunteers/me").json()
    assert me["registered"]
    assert [t["team_id"] for t in me["teams"]] == [team.pk]
    left = worker.post_json(f"/api/v1/volunteers/memberships/{membership_id}/leave", {})
    assert left.status_code == 200
    assert left.json()["status"] == "left"


def test_the_demo_has_teams_volunteers_and_a_year_of_hours(api_as) -> None:
    teams = api_as("citizen").get("/api/v1/volunteers/teams").json()
    assert len(teams) >= 6
    assert any(Decimal(t["hours"]) > 0 for t in teams)
    upcoming = api_as("citizen").get("/api/v1/volunteers/activities").json()
    assert upcoming
    assert any(a["waiting"] > 0 for a in upcoming)
    assert all(a["taken"] <= a["slots"] for a in upcoming)
    me = api_as("citizen").get("/api/v1/volunteers/me").json()
    assert me["registered"]
    assert Decimal(me["stars"]["hours"]) > 0


def _queries(client, path: str) -> int:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("path", ["/api/v1/volunteers/activities", "/volunteers/", "/volunteers/teams/"])
def test_lists_read_a_fixed_number_of_queries(api_as, path: str) -> None:
    citizen = api_as("citizen")
    before = _queries(citizen, path)
    for _n in range(3):
        _sign_up(citizen, _publish(api_as, slots=3)["id"])
    assert _queries(citizen, path) == before


def test_my_activities_list_only_mine(api_as) -> None:
    activity = _publish(api_as)
    citizen = api_as("citizen")
    _sign_up(citizen, activity["id"])
    mine = citizen.get("/api/v1/volunteers/activities", {"view": "mine"}).json()
    assert activity["id"] in [a["id"] for a in mine]
    assert all(a["my_signup"] is not None for a in mine)
    assert api_as("grid_worker").get("/api/v1/volunteers/activities", {"view": "mine"}).json() == []
    managed = api_as("community_staff").get("/api/v1/volunteers/activities", {"view": "managed"}).json()
    assert activity["id"] in [a["id"] for a in managed]
    assert api_as("citizen").get("/api/v1/volunteers/activities", {"view": "managed"}).json() == []
