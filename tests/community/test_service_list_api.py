"""社区服务清单 through the API and pages: the public list of a community's items with time limits and
materials; a resident requests one and it is due the item's working days later; the community accepts
and completes it through the door (a second 办结 is 409); a resident cannot move it, another street's
staff do not see it (404); a bad item is 422 naming the field; the list exports to Excel; the citizen
app lists the requests I made."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client

from dangqun.accounts.models import Membership, Role, User
from dangqun.community.models import ServiceItem, ServiceRequest
from dangqun.core import workcal
from dangqun.core.models import AuditEvent
from dangqun.regions.models import Region


@pytest.fixture
def community(demo) -> Region:  # type: ignore[no-untyped-def]
    region = Membership.objects.get(user__username="community_staff", role=Role.COMMUNITY_STAFF).region
    assert region is not None
    return region


def test_the_service_list_is_public_with_time_limits_and_materials(client, community):
    items = client.get(f"/api/v1/community/services/{community.code}").json()
    assert len(items) == 52
    assert all(i["time_limit_days"] > 0 and i["materials"] for i in items)
    assert client.get("/api/v1/community/services/nowhere").status_code == 404


def test_a_resident_requests_a_service_tracked_to_its_time_limit(api_as, community):
    resident, staff = api_as("citizen"), api_as("community_staff")
    item = ServiceItem.objects.filter(region=community, time_limit_days=5).first()
    assert item is not None
    r = resident.post_json("/api/v1/community/service-requests", {"item_id": item.pk, "note": "为母亲申请"})
    assert r.status_code == 201, r.content
    row = r.json()
    assert row["status"] == "submitted"
    assert row["moves"] == []  # the resident cannot accept their own request
    made = ServiceRequest.objects.get(pk=row["id"])
    assert made.due_at == workcal.add_working_days(made.created_at, 5)
    assert row["id"] in {x["id"] for x in resident.get("/api/v1/community/service-requests").json()}
    assert resident.post_json(f"/api/v1/community/service-requests/{row['id']}/accept", {}).status_code == 403
    accepted = staff.post_json(f"/api/v1/community/service-requests/{row['id']}/accept", {})
    assert accepted.status_code == 200, accepted.content
    assert [m["action"] for m in accepted.json()["moves"]] == ["complete"]
    done = staff.post_json(f"/api/v1/community/service-requests/{row['id']}/complete", {"result": "已办结"})
    assert done.json()["status"] == "done"
    again = staff.post_json(f"/api/v1/community/service-requests/{row['id']}/complete", {"result": "再办"})
    assert again.status_code == 409
    assert (
        AuditEvent.objects.filter(event_type="community.service_done", target_id=str(row["id"])).count() == 1
    )


def test_bad_input_scope_and_roles(api_as, community):
    resident = api_as("citizen")
    r = resident.post_json("/api/v1/community/service-requests", {"item_id": 0})
    assert r.status_code == 422
    assert "item_id" in r.content.decode()
    item = ServiceItem.objects.filter(region=community).first()
    assert item is not None
    assert (
        api_as("community_staff")
        .post_json("/api/v1/community/service-requests", {"item_id": item.pk})
        .status_code
        == 403
    )
    street = "/".join(community.path.split("/")[:3]) + "/"
    foreign = ServiceRequest.objects.exclude(region__path__startswith=street).first()
    assert foreign is not None
    assert (
        api_as("community_staff")
        .post_json(f"/api/v1/community/service-requests/{foreign.pk}/accept", {})
        .status_code
        == 404
    )
    # a rejection needs its reason
    waiting = ServiceRequest.objects.filter(region=community, status="submitted").first()
    assert waiting is not None
    r = api_as("community_staff").post_json(f"/api/v1/community/service-requests/{waiting.pk}/reject", {})
    assert r.status_code == 422


def test_pages_export_and_the_citizen_app(demo, community):
    staff = Client()
    staff.force_login(User.objects.get(username="community_staff"))
    html = staff.get(f"/community/regions/{community.code}/services/").content.decode()
    assert 'id="service-counts"' in html
    assert 'id="service-items"' in html
    response = staff.get(f"/community/regions/{community.code}/services.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert len(rows) == 2 + 52
    resident = Client()
    resident.force_login(User.objects.get(username="citizen"))
    item = ServiceItem.objects.filter(region=community).order_by("number").first()
    assert item is not None
    r = resident.post(
        f"/citizen/services/?community={community.code}", {"item_id": item.pk, "community": community.code}
    )
    assert r.status_code == 302
    html = resident.get(f"/citizen/services/?community={community.code}").content.decode()
    assert item.name in html
    mine = ServiceRequest.objects.filter(requester__username="citizen").order_by("-id").first()
    assert mine is not None
    assert f'data-request="{mine.pk}"' in html
    assert resident.get(f"/community/regions/{community.code}/services/").status_code == 404
