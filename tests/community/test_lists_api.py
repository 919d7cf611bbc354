"""The four lists through the API: a resident posts a need, community staff see ranked resources, a
co-building unit claims it, it becomes a project with an owner and a due date, the project is
completed, and the public wall shows it with the resident's rating; scope, role and bad input."""

from __future__ import annotations

import datetime as dt

import pytest

from dangqun.accounts.models import Membership, Role
from dangqun.community.models import CoUnit, Need, NeedStatus, Resource, Responsibility
from dangqun.core import clock
from dangqun.core.models import AuditEvent
from dangqun.regions.models import Region, RegionLevel


@pytest.fixture
def community(demo) -> Region:  # type: ignore[no-untyped-def]
    region = Membership.objects.get(user__username="community_staff", role=Role.COMMUNITY_STAFF).region
    assert region is not None
    return region


def _other_street_community(community: Region) -> Region:
    street = "/".join(community.path.split("/")[:3]) + "/"
    other = (
        Region.objects.filter(level=RegionLevel.COMMUNITY)
        .exclude(path__startswith=street)
        .order_by("path")
        .first()
    )
    assert other is not None
    return other


def _ramp(client, community: Region):  # type: ignore[no-untyped-def]
    return client.post_json(
        "/api/v1/community/needs",
        {
            "title": "轮椅无障碍坡道改造",
            "description": "3号楼单元门口台阶太高,轮椅出入困难,希望修一条坡道",
            "category": "disability",
            "region": community.code,
            "beneficiaries": 3,
        },
    )


def test_a_need_goes_from_resident_to_project_to_the_wall(api_as, community):
    resident, staff = api_as("citizen"), api_as("community_staff")
    r = _ramp(resident, community)
    assert r.status_code == 201, r.content
    need = r.json()
    assert need["status"] == "published"
    assert need["moves"] == []  # the resident may not claim
    # the resident sees the need they raised; the matching suggests the ramp builders first
    assert resident.get(f"/api/v1/community/needs/{need['id']}").status_code == 200
    matches = staff.get(f"/api/v1/community/needs/{need['id']}/matches").json()
    assert matches, "the demo has resources in the community"
    assert matches[0]["same_category"] is True, matches
    assert [m["score"] for m in matches] == sorted((m["score"] for m in matches), reverse=True)
    unit = CoUnit.objects.filter(region=community).order_by("id").first()
    assert unit is not None
    r = staff.post_json(f"/api/v1/community/needs/{need['id']}/claim", {"unit_id": unit.pk})
    assert r.status_code == 200, r.content
    assert r.json()["claimed_by_id"] == unit.pk
    # claiming twice: 409, naming what may be done
    r = staff.post_json(f"/api/v1/community/needs/{need['id']}/claim", {"unit_id": unit.pk})
    assert r.status_code == 409
    due = (clock.local_today() + dt.timedelta(days=20)).isoformat()
    resource = matches[0]["resource_id"]
    left = Resource.objects.get(pk=resource).remaining
    r = staff.post_json(
        f"/api/v1/community/needs/{need['id']}/project",
        {"owner_name": "张明", "due_on": due, "milestone": "施工", "resource_ids": [resource]},
    )
    assert r.status_code == 201, r.content
    project = r.json()["project"]
    assert r.json()["status"] == "in_progress"
    assert project["owner_unit_id"] == unit.pk
    assert project["resource_ids"] == [resource]
    assert Resource.objects.get(pk=resource).remaining == left - 1
    duty = Responsibility.objects.get(project_id=project["id"])
    assert duty.owner_name == "张明"
    assert duty.status == "open"
    assert [m["action"] for m in project["moves"]] == ["complete", "cancel"]
    # completing needs a result (422 naming it), then resolves the need and closes the duty
    r = staff.post_json(f"/api/v1/community/projects/{project['id']}/complete", {})
    assert r.status_code == 422
    assert "result" in r.content.decode()
    r = staff.post_json(f"/api/v1/community/projects/{project['id']}/complete", {"result": "坡道已建成"})
    assert r.status_code == 200, r.content
    assert Need.objects.get(pk=need["id"]).status == NeedStatus.RESOLVED
    assert Responsibility.objects.get(pk=duty.pk).status == "done"
    # the resident rates it once
    r = resident.post_json(f"/api/v1/community/needs/{need['id']}/rate", {"rating": 5, "feedback": "很方便"})
    assert r.status_code == 200, r.content
    assert resident.post_json(f"/api/v1/community/needs/{need['id']}/rate", {"rating": 4}).status_code == 409
    # the public wall, without a login: the item with its rating, the name masked
    wall = api_as("citizen").__class__().get(f"/api/v1/community/wall/{community.code}")
    assert wall.status_code == 200
    item = next(i for i in wall.json()["items"] if i["code"] == need["code"])
    assert item["rating"] == 5
    assert item["result"] == "坡道已建成"
    assert item["taken_by"] == unit.name
    assert item["raised_by"] == "刘**"
    assert "刘桂兰" not in wall.content.decode()
    assert AuditEvent.objects.filter(target_type="community.need", target_id=str(need["id"])).count() >= 5


def test_an_exhausted_resource_cannot_go_into_a_project(api_as, community):
    staff = api_as("community_staff")
    need = _ramp(staff, community).json()
    unit = CoUnit.objects.filter(region=community).order_by("id").first()
    staff.post_json(f"/api/v1/community/needs/{need['id']}/claim", {"unit_id": unit.pk})
    resource = Resource.objects.filter(region__path__subtree=community.path).order_by("id").first()
    Resource.objects.filter(pk=resource.pk).update(remaining=0)
    due = (clock.local_today() + dt.timedelta(days=20)).isoformat()
    body = {"owner_name": "张明", "due_on": due, "resource_ids": [resource.pk]}
    r = staff.post_json(f"/api/v1/community/needs/{need['id']}/project", body)
    assert r.status_code == 409
    assert Need.objects.get(pk=need["id"]).status == NeedStatus.CLAIMED
    # bad input names the field and changes nothing
    r = staff.post_json(f"/api/v1/community/needs/{need['id']}/project", {**body, "due_on": "tomorrow"})
    assert r.status_code == 422
    assert "due_on" in r.content.decode()
    r = staff.post_json(f"/api/v1/community/needs/{need['id']}/project", {**body, "resource_ids": [10**9]})
    assert r.status_code == 422
    assert "resource_ids" in r.content.decode()


def test_scope_role_and_input(api_as, community):
    staff = api_as("community_staff")
    other = _other_street_community(community)
    outside = Need.objects.filter(region__path__subtree=other.path).order_by("id").first()
    assert outside is not None
    assert staff.get(f"/api/v1/community/needs/{outside.pk}").status_code == 404
    assert staff.post_json(f"/api/v1/community/needs/{outside.pk}/claim", {"unit_id": 1}).status_code == 404
    assert staff.get(f"/api/v1/community/regions/{other.code}/lists").status_code == 404
    # a need in another street: 422 naming the region
    r = _ramp(staff, other)
    assert r.status_code == 422
    assert "region" in r.content.decode()
    r = staff.post_json(
        "/api/v1/community/needs", {"title": "", "category": "nope", "region": community.code}
    )
    assert r.status_code == 422
    assert "title" in r.content.decode()
    # a grid worker sees the need but may not claim it (403); a unit of another street is refused (422)
    need = _ramp(staff, community).json()
    unit = CoUnit.objects.filter(region=community).order_by("id").first()
    outsider_unit = CoUnit.objects.filter(region=other).order_by("id").first()
    r = staff.post_json(f"/api/v1/community/needs/{need['id']}/claim", {"unit_id": outsider_unit.pk})
    assert r.status_code == 422
    assert "unit_id" in r.content.decode()
    grid_worker = api_as("grid_worker")
    assert grid_worker.post_json(
        f"/api/v1/community/needs/{need['id']}/claim", {"unit_id": unit.pk}
    ).status_code in {
        403,
        404,
    }
    # the four lists of the community: counts by status that add up
    lists = {c["key"]: c for c in staff.get(f"/api/v1/community/regions/{community.code}/lists").json()}
    assert set(lists) == {"needs", "resources", "projects", "responsibilities"}
    for c in lists.values():
        assert c["total"] == sum(s["count"] for s in c["by_status"])
    assert lists["needs"]["total"] > 0
    assert lists["projects"]["total"] > 0
