"""书记项目 library through the API: a community declares its secretary's project, the street (the
level above) approves it, the community runs and completes it, the street evaluates it once (a second
evaluation is 409) and promotes it to 品牌, where the showcase shows it; the library filters by level,
status and region and exports to Excel. Attackers: a resident (403), another street's staff (404), the
community approving its own project (403), a community declaring for its street (403), bad fields (422
naming them)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from dangqun.accounts.models import Membership, Role
from dangqun.community.models import SecretaryProject
from dangqun.core.models import AuditEvent
from dangqun.orgs.models import PartyOrg
from dangqun.regions.models import Region

API = "/api/v1/community/secretary-projects"


@pytest.fixture
def community(demo) -> Region:  # type: ignore[no-untyped-def]
    region = Membership.objects.get(user__username="community_staff", role=Role.COMMUNITY_STAFF).region
    assert region is not None
    return region


def _org(region: Region) -> PartyOrg:
    org = PartyOrg.objects.filter(region=region, is_active=True).first()
    assert org is not None
    return org


def _declare(client, region: Region, title: str = "红色物业暖心工程"):  # type: ignore[no-untyped-def]
    return client.post_json(
        API,
        {
            "title": title,
            "region": region.code,
            "org_id": _org(region).pk,
            "goals": "推动小区物业服务纳入党建引领,居民满意度提升到90%以上",
            "milestones": "2026-03-31 组建红色物业联盟\n2026-09-30 覆盖全部小区",
        },
    )


def test_a_project_walks_from_declaration_to_brand(api_as, community):
    staff, street = api_as("community_staff"), api_as("street_staff")
    r = _declare(staff, community)
    assert r.status_code == 201, r.content
    row = r.json()
    assert row["status"] == "declared"
    assert row["level"] == 3
    assert row["secretary_name"] == _org(community).secretary_name
    assert len(row["milestones"]) == 2
    assert row["moves"] == []  # its own level cannot approve it
    pid = row["id"]
    assert staff.post_json(f"{API}/{pid}/approve", {}).status_code == 403
    seen = street.get(f"{API}/{pid}").json()
    assert [m["action"] for m in seen["moves"]] == ["approve"]
    assert street.post_json(f"{API}/{pid}/approve", {}).json()["status"] == "approved"
    assert street.post_json(f"{API}/{pid}/start", {}).status_code == 403  # the street does not run it
    started = staff.post_json(f"{API}/{pid}/start", {})
    assert [m["action"] for m in started.json()["moves"]] == ["complete"]
    bad = staff.post_json(f"{API}/{pid}/complete", {"result": ""})
    assert bad.status_code == 422
    assert "result" in bad.content.decode()
    done = staff.post_json(f"{API}/{pid}/complete", {"result": "12个小区成立红色物业,满意度92%"})
    assert done.json()["status"] == "completed"
    assert staff.post_json(f"{API}/{pid}/evaluate", {"score": 95}).status_code == 403
    for score in ("abc", 101):
        r = street.post_json(f"{API}/{pid}/evaluate", {"score": score})
        assert r.status_code == 422
        assert "score" in r.content.decode()
    evaluated = street.post_json(f"{API}/{pid}/evaluate", {"score": 93, "comment": "成效显著,可复制推广"})
    assert evaluated.json()["status"] == "evaluated"
    assert evaluated.json()["score"] == 93
    assert [m["action"] for m in evaluated.json()["moves"]] == ["promote"]
    assert street.post_json(f"{API}/{pid}/evaluate", {"score": 60}).status_code == 409
    promoted = street.post_json(f"{API}/{pid}/promote", {})
    assert promoted.json()["is_brand"] is True
    assert promoted.json()["moves"] == []
    assert street.post_json(f"{API}/{pid}/promote", {}).status_code == 409
    library = staff.get(API).json()
    assert pid in {p["id"] for p in library["showcase"]}
    assert (
        AuditEvent.objects.filter(
            event_type="community.secretary_project_evaluated", target_id=str(pid)
        ).count()
        == 1
    )
    assert SecretaryProject.objects.get(pk=pid).score == 93


def test_a_low_score_is_not_promoted(api_as, community):
    staff, street = api_as("community_staff"), api_as("street_staff")
    pid = _declare(staff, community).json()["id"]
    street.post_json(f"{API}/{pid}/approve", {})
    staff.post_json(f"{API}/{pid}/start", {})
    staff.post_json(f"{API}/{pid}/complete", {"result": "部分完成"})
    row = street.post_json(f"{API}/{pid}/evaluate", {"score": 70}).json()
    assert row["moves"] == []
    assert street.post_json(f"{API}/{pid}/promote", {}).status_code == 409


def test_the_street_declares_its_own_level_and_the_district_evaluates(api_as, community):
    street_region = community.parent
    assert street_region is not None
    staff, street, leader = api_as("community_staff"), api_as("street_staff"), api_as("leader")
    assert _declare(staff, street_region).status_code == 422  # not the community's region
    r = _declare(street, street_region, "街道党建联盟聚合力")
    assert r.status_code == 201, r.content
    assert r.json()["level"] == 2
    pid = r.json()["id"]
    assert street.post_json(f"{API}/{pid}/approve", {}).status_code == 403
    assert leader.post_json(f"{API}/{pid}/approve", {}).json()["status"] == "approved"
    assert staff.get(f"{API}/{pid}").status_code == 404  # the community does not see the street's
    # A community's project is declared by the community, not by the street above it.
    assert _declare(street, community).status_code == 403


def test_bad_input_scope_and_roles(api_as, community):
    staff = api_as("community_staff")
    for body, field in (
        ({"title": "x", "region": "nowhere", "goals": "y"}, "region"),
        ({"title": "x", "region": community.code, "org_id": 0, "goals": "y"}, "org_id"),
        ({"title": "", "region": community.code, "org_id": _org(community).pk, "goals": "y"}, "title"),
        ({"title": "x", "region": community.code, "org_id": _org(community).pk, "goals": ""}, "goals"),
    ):
        r = staff.post_json(API, body)
        assert r.status_code == 422, body
        assert field in r.content.decode()
    assert SecretaryProject.objects.filter(title="x").count() == 0
    assert _declare(api_as("citizen"), community).status_code == 422  # no region of theirs
    street_path = "/".join(community.path.split("/")[:3]) + "/"
    other = Region.objects.filter(level=3).exclude(path__startswith=street_path).first()
    assert other is not None
    foreign = SecretaryProject.objects.create(
        code="SJX1", title="外街项目", level=3, region=other, org=_org(other), secretary_name="王", goals="g"
    )
    assert staff.get(f"{API}/{foreign.pk}").status_code == 404
    assert api_as("street_staff").post_json(f"{API}/{foreign.pk}/approve", {}).status_code == 404
    assert api_as("leader").get(f"{API}/{foreign.pk}").status_code == 200
    for query, field in (("level=9", "level"), ("status=nope", "status"), ("region=nowhere", "region")):
        r = staff.get(f"{API}?{query}")
        assert r.status_code == 422
        assert field in r.content.decode()


def test_the_library_filters_and_exports(api_as, community):
    staff, leader = api_as("community_staff"), api_as("leader")
    pid = _declare(staff, community).json()["id"]
    rows = leader.get(f"{API}?level=3&status=declared&region={community.code}").json()["projects"]
    assert pid in {p["id"] for p in rows}
    assert all(p["level"] == 3 and p["status"] == "declared" for p in rows)
    assert pid not in {p["id"] for p in leader.get(f"{API}?status=approved").json()["projects"]}
    r = leader.get(f"{API}.xlsx?region={community.code}")
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    titles = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "红色物业暖心工程" in titles
