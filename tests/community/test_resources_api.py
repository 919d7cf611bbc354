"""Resources through the API: community staff register one in their community (its words kept for
the matching, it is ranked first for a need that names them); others are refused; bad input is 422."""

from __future__ import annotations

from dangqun.accounts.models import Membership, Role
from dangqun.community.models import Resource


def _community():  # type: ignore[no-untyped-def]
    return Membership.objects.get(user__username="community_staff", role=Role.COMMUNITY_STAFF).region


def test_staff_register_a_resource_and_it_is_matched(api_as, demo):
    staff = api_as("community_staff")
    community = _community()
    r = staff.post_json(
        "/api/v1/community/resources",
        {
            "title": "助浴服务车",
            "description": "为失能老人提供上门助浴",
            "category": "elderly",
            "kind": "skill",
            "region": community.code,
            "provider": "爱心护理站",
            "quantity": 4,
        },
    )
    assert r.status_code == 201, r.content
    resource = Resource.objects.get(pk=r.json()["id"])
    assert "老人" in resource.keywords.split()
    assert resource.remaining == 4
    need = staff.post_json(
        "/api/v1/community/needs",
        {"title": "失能老人上门助浴", "category": "elderly", "region": community.code},
    ).json()
    matches = staff.get(f"/api/v1/community/needs/{need['id']}/matches").json()
    assert matches[0]["resource_id"] == resource.pk
    assert "老人" in matches[0]["shared_words"]
    listed = staff.get(f"/api/v1/community/resources?region={community.code}").json()
    assert resource.pk in {x["id"] for x in listed}


def test_resource_refusals(api_as, demo):
    community = _community()
    body = {"title": "场地", "category": "culture", "kind": "room", "region": community.code, "provider": "x"}
    assert api_as("grid_worker").post_json("/api/v1/community/resources", body).status_code == 403
    assert api_as("citizen").post_json("/api/v1/community/resources", body).status_code == 403
    staff = api_as("community_staff")
    r = staff.post_json("/api/v1/community/resources", {**body, "kind": "castle"})
    assert r.status_code == 422
    assert "kind" in r.content.decode()
    r = staff.post_json("/api/v1/community/resources", {**body, "quantity": 0})
    assert r.status_code == 422
    assert "quantity" in r.content.decode()
    before = Resource.objects.count()
    r = staff.post_json("/api/v1/community/resources", {**body, "available_until": "soon"})
    assert r.status_code == 422
    assert Resource.objects.count() == before
