"""联席会议 through the API: community staff record a meeting of their 大党委 whose decisions become
responsibilities of co-building units with an owner and a due date, tracked to done through the door;
bad items are 422 naming the item's field and write nothing; other scopes are 404, other roles 403,
a second 落实 is 409."""

from __future__ import annotations

import datetime as dt

import pytest

from dangqun.accounts.models import Membership, Role
from dangqun.community.models import CoUnit, JointMeeting, Responsibility
from dangqun.core import clock
from dangqun.core.models import AuditEvent
from dangqun.regions.models import Region, RegionLevel


@pytest.fixture
def community(demo) -> Region:  # type: ignore[no-untyped-def]
    region = Membership.objects.get(user__username="community_staff", role=Role.COMMUNITY_STAFF).region
    assert region is not None
    return region


def _unit(community: Region) -> CoUnit:
    unit = CoUnit.objects.filter(region=community).order_by("id").first()
    assert unit is not None, "the demo seats co-building units in every community"
    return unit


def _meeting(community: Region, unit: CoUnit, **over: object) -> dict[str, object]:
    today = clock.local_today()
    body: dict[str, object] = {
        "region": community.code,
        "held_on": today.isoformat(),
        "topic": "大党委联席会议:无障碍设施改造",
        "attendees": f"社区党委、{unit.name}",
        "agenda": "坡道改造;停车场开放",
        "minutes": "会议研究确定以下事项。",
        "decisions": [
            {
                "text": "完成3号楼无障碍坡道改造",
                "unit_id": unit.pk,
                "owner_name": "王建国",
                "due_on": (today + dt.timedelta(days=30)).isoformat(),
            },
            {
                "text": "单位停车场夜间向居民开放",
                "unit_id": unit.pk,
                "owner_name": "李红",
                "due_on": (today + dt.timedelta(days=14)).isoformat(),
            },
        ],
    }
    body.update(over)
    return body


def test_a_meetings_decisions_become_responsibilities_tracked_to_done(api_as, community):
    staff = api_as("community_staff")
    unit = _unit(community)
    r = staff.post_json("/api/v1/community/cobuild/meetings", _meeting(community, unit))
    assert r.status_code == 201, r.content
    meeting = r.json()
    assert [d["owner_name"] for d in meeting["decisions"]] == ["王建国", "李红"]
    first = meeting["decisions"][0]
    assert first["unit"] == unit.name
    assert first["status"] == "open"
    assert [m["action"] for m in first["moves"]] == ["complete"]
    duty = Responsibility.objects.get(pk=first["id"])
    assert duty.meeting_id == meeting["id"]
    assert duty.region == community
    assert duty.year == duty.due_on.year
    # the meeting is listed with its progress
    rows = staff.get(f"/api/v1/community/cobuild/regions/{community.code}/meetings").json()
    row = next(m for m in rows if m["id"] == meeting["id"])
    assert (row["decision_count"], row["done_count"]) == (2, 0)
    # 落实 through the door; a second time is a conflict
    done = staff.post_json(
        f"/api/v1/community/responsibilities/{first['id']}/complete", {"note": "坡道已验收"}
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "done"
    assert done.json()["moves"] == []
    again = staff.post_json(f"/api/v1/community/responsibilities/{first['id']}/complete", {})
    assert again.status_code == 409
    assert AuditEvent.objects.filter(
        event_type="community.meeting_recorded", target_id=str(meeting["id"])
    ).exists()
    assert (
        AuditEvent.objects.filter(
            event_type="community.responsibility_done", target_id=str(first["id"])
        ).count()
        == 1
    )
    detail = staff.get(f"/api/v1/community/cobuild/meetings/{meeting['id']}").json()
    assert detail["decisions"][0]["done_note"] == "坡道已验收"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"topic": ""}, "topic"),
        ({"held_on": "2099-01-01"}, "held_on"),
        ({"held_on": "yesterday"}, "held_on"),
        ({"region": "nowhere"}, "region"),
        ({"alliance_id": 99999999}, "alliance_id"),
    ],
)
def test_bad_meeting_fields_are_named_and_write_nothing(api_as, community, change, field):
    staff = api_as("community_staff")
    before = (JointMeeting.objects.count(), Responsibility.objects.count())
    r = staff.post_json("/api/v1/community/cobuild/meetings", _meeting(community, _unit(community), **change))
    assert r.status_code == 422, r.content
    assert field in r.content.decode()
    assert (JointMeeting.objects.count(), Responsibility.objects.count()) == before


def test_a_bad_decision_names_its_item(api_as, community):
    staff = api_as("community_staff")
    unit = _unit(community)
    body = _meeting(community, unit)
    decisions = list(body["decisions"])  # type: ignore[call-overload]
    decisions[1] = {**decisions[1], "owner_name": ""}
    before = JointMeeting.objects.count()
    r = staff.post_json("/api/v1/community/cobuild/meetings", {**body, "decisions": decisions})
    assert r.status_code == 422
    assert "decisions.2.owner_name" in r.content.decode()
    far = {**decisions[0], "due_on": (clock.local_today() + dt.timedelta(days=800)).isoformat()}
    r = staff.post_json("/api/v1/community/cobuild/meetings", {**body, "decisions": [far]})
    assert r.status_code == 422
    assert "decisions.1.due_on" in r.content.decode()
    assert JointMeeting.objects.count() == before


def test_a_unit_of_another_street_cannot_own_a_decision(api_as, community):
    street = "/".join(community.path.split("/")[:3]) + "/"
    stranger = CoUnit.objects.exclude(region__path__startswith=street).order_by("id").first()
    assert stranger is not None
    body = _meeting(community, _unit(community))
    decisions = [{**body["decisions"][0], "unit_id": stranger.pk}]  # type: ignore[index]
    r = api_as("community_staff").post_json(
        "/api/v1/community/cobuild/meetings", {**body, "decisions": decisions}
    )
    assert r.status_code == 422
    assert "decisions.1.unit_id" in r.content.decode()


def test_other_scopes_and_roles_are_refused(api_as, community):
    staff = api_as("community_staff")
    r = staff.post_json("/api/v1/community/cobuild/meetings", _meeting(community, _unit(community)))
    meeting = r.json()
    duty_id = meeting["decisions"][0]["id"]
    # a resident may not record a meeting, and sees neither the meeting nor its decisions
    citizen = api_as("citizen")
    assert (
        citizen.post_json(
            "/api/v1/community/cobuild/meetings", _meeting(community, _unit(community))
        ).status_code
        == 403
    )
    assert citizen.get(f"/api/v1/community/cobuild/meetings/{meeting['id']}").status_code == 404
    assert citizen.post_json(f"/api/v1/community/responsibilities/{duty_id}/complete", {}).status_code == 404
    # a grid worker's scope is their grid: the community's meeting and decisions are not theirs
    worker = api_as("grid_worker")
    assert worker.get(f"/api/v1/community/cobuild/meetings/{meeting['id']}").status_code == 404
    assert worker.post_json(f"/api/v1/community/responsibilities/{duty_id}/complete", {}).status_code == 404
    assert (
        worker.post_json(
            "/api/v1/community/cobuild/meetings", _meeting(community, _unit(community))
        ).status_code
        == 403
    )
    assert Responsibility.objects.get(pk=duty_id).status == "open"
    # another street's meeting is out of the staff's scope
    street = "/".join(community.path.split("/")[:3]) + "/"
    foreign = JointMeeting.objects.exclude(region__path__startswith=street).order_by("id").first()
    assert foreign is not None, "the demo holds meetings in every street"
    assert staff.get(f"/api/v1/community/cobuild/meetings/{foreign.pk}").status_code == 404
    other = Region.objects.filter(level=RegionLevel.COMMUNITY).exclude(path__startswith=street).first()
    assert other is not None
    r = staff.post_json("/api/v1/community/cobuild/meetings", _meeting(other, _unit(community)))
    assert r.status_code == 422
    assert "region" in r.content.decode()


def test_a_projects_responsibility_closes_only_with_its_project(api_as, community):
    duty = Responsibility.objects.filter(
        region__path__subtree=community.path, project__isnull=False, status="open"
    ).first()
    assert duty is not None, "the demo has projects in progress"
    r = api_as("community_staff").post_json(f"/api/v1/community/responsibilities/{duty.pk}/complete", {})
    assert r.status_code == 409
