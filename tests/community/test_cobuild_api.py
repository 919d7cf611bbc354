"""Co-building through the API: a resident unit joins the 大党委 with its 兼职委员, an agreement is
signed and renewed once (the renewal reminders list the ones ending within 30 days), an alliance is
founded and seats members across fields, organisations pair up; the agreements' Excel ledger. Bad
fields are 422 naming the field, doubles 409, other scopes 404, other roles 403."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from dangqun.accounts.models import Membership, Role
from dangqun.community.models import Agreement, CoUnit
from dangqun.core import clock
from dangqun.orgs.models import PartyOrg
from dangqun.regions.models import Region, RegionLevel
from dangqun.registry.models import Business


@pytest.fixture
def community(demo) -> Region:  # type: ignore[no-untyped-def]
    region = Membership.objects.get(user__username="community_staff", role=Role.COMMUNITY_STAFF).region
    assert region is not None
    return region


def _street(community: Region) -> str:
    return "/".join(community.path.split("/")[:3]) + "/"


def test_a_business_joins_the_community_council_once(api_as, community):
    staff = api_as("community_staff")
    seated = CoUnit.objects.filter(region=community, business__isnull=False).values("business_id")
    business = Business.objects.filter(grid__path__subtree=community.path).exclude(pk__in=seated).first()
    assert business is not None
    body = {"region": community.code, "business_id": business.pk, "member_name": "周经理"}
    r = staff.post_json("/api/v1/community/cobuild/units", body)
    assert r.status_code == 201, r.content
    assert r.json()["council"] == "大党委"
    assert r.json()["member_name"] == "周经理"
    assert staff.post_json("/api/v1/community/cobuild/units", body).status_code == 409
    foreign = Business.objects.exclude(grid__path__startswith=_street(community)).first()
    assert foreign is not None
    r = staff.post_json("/api/v1/community/cobuild/units", {**body, "business_id": foreign.pk})
    assert r.status_code == 422
    assert "business_id" in r.content.decode()
    assert api_as("citizen").post_json("/api/v1/community/cobuild/units", body).status_code == 403
    listed = staff.get(f"/api/v1/community/cobuild/regions/{community.code}/units").json()
    assert business.name in {u["name"] for u in listed}


def test_an_agreement_is_signed_and_renewed_once(api_as, community):
    staff = api_as("community_staff")
    unit = CoUnit.objects.filter(region=community).order_by("id").first()
    assert unit is not None
    today = clock.local_today()
    body = {
        "unit_id": unit.pk,
        "title": "联建共建协议书",
        "parties": f"社区党委、{unit.name}",
        "commitments": "开放活动场地;认领需求项目",
        "starts_on": (today - dt.timedelta(days=700)).isoformat(),
        "ends_on": (today + dt.timedelta(days=10)).isoformat(),
    }
    r = staff.post_json("/api/v1/community/cobuild/agreements", body)
    assert r.status_code == 201, r.content
    agreement = r.json()
    assert agreement["state"] == "renew_soon"
    due = staff.get(f"/api/v1/community/cobuild/regions/{community.code}/agreements?renewal_due=true").json()
    assert agreement["id"] in {a["id"] for a in due}
    assert all(today <= dt.date.fromisoformat(a["ends_on"]) <= today + dt.timedelta(days=30) for a in due)
    renew = {"ends_on": (today + dt.timedelta(days=740)).isoformat()}
    r = staff.post_json(f"/api/v1/community/cobuild/agreements/{agreement['id']}/renew", renew)
    assert r.status_code == 201, r.content
    assert r.json()["renews_id"] == agreement["id"]
    assert r.json()["starts_on"] == (today + dt.timedelta(days=11)).isoformat()
    assert (
        staff.post_json(f"/api/v1/community/cobuild/agreements/{agreement['id']}/renew", renew).status_code
        == 409
    )
    due = staff.get(f"/api/v1/community/cobuild/regions/{community.code}/agreements?renewal_due=true").json()
    assert agreement["id"] not in {a["id"] for a in due}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_on": "2000-01-01"}, "ends_on"),
        ({"starts_on": "soon"}, "starts_on"),
        ({"unit_id": 0}, "unit_id"),
    ],
)
def test_bad_agreement_fields_are_named(api_as, community, change, field):
    unit = CoUnit.objects.filter(region=community).first()
    assert unit is not None
    today = clock.local_today()
    body = {
        "unit_id": unit.pk,
        "title": "协议",
        "parties": "甲乙双方",
        "commitments": "共建",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=365)).isoformat(),
        **change,
    }
    before = Agreement.objects.count()
    r = api_as("community_staff").post_json("/api/v1/community/cobuild/agreements", body)
    assert r.status_code == 422
    assert field in r.content.decode()
    assert Agreement.objects.count() == before


def test_another_streets_agreement_is_not_found(api_as, community):
    foreign = Agreement.objects.exclude(region__path__startswith=_street(community)).first()
    assert foreign is not None, "the demo signs agreements in every street"
    r = api_as("community_staff").post_json(
        f"/api/v1/community/cobuild/agreements/{foreign.pk}/renew", {"ends_on": "2099-01-01"}
    )
    assert r.status_code == 404


def test_an_alliance_seats_members_across_fields(api_as, community):
    staff = api_as("community_staff")
    org = PartyOrg.objects.filter(region=community).first()
    assert org is not None
    r = staff.post_json(
        "/api/v1/community/cobuild/alliances",
        {"region": community.code, "name": "无障碍共建联盟", "lead_org_id": org.pk, "theme": "助残"},
    )
    assert r.status_code == 201, r.content
    alliance = r.json()
    unit = CoUnit.objects.filter(region=community).first()
    assert unit is not None
    url = f"/api/v1/community/cobuild/alliances/{alliance['id']}/members"
    r = staff.post_json(url, {"unit_id": unit.pk, "field": "enterprise", "liaison_name": "吴敏"})
    assert r.status_code == 201, r.content
    r = staff.post_json(url, {"org_name": "区残联党支部", "field": "social", "liaison_name": "郑磊"})
    assert {m["field"] for m in r.json()["members"]} == {"enterprise", "social"}
    again = staff.post_json(url, {"org_name": "区残联党支部", "field": "social", "liaison_name": "郑磊"})
    assert again.status_code == 409
    bad = staff.post_json(url, {"org_name": "某单位", "field": "army", "liaison_name": "郑磊"})
    assert bad.status_code == 422
    assert "field" in bad.content.decode()
    foreign_org = (
        PartyOrg.objects.exclude(region__path__startswith=_street(community))
        .filter(region__level=RegionLevel.COMMUNITY)
        .first()
    )
    assert foreign_org is not None
    r = staff.post_json(
        "/api/v1/community/cobuild/alliances",
        {"region": community.code, "name": "X", "lead_org_id": foreign_org.pk},
    )
    assert r.status_code == 422
    assert "lead_org_id" in r.content.decode()
    listed = staff.get(f"/api/v1/community/cobuild/regions/{community.code}/alliances").json()
    assert "无障碍共建联盟" in {a["name"] for a in listed}


def test_a_pairing_is_recorded(api_as, community):
    staff = api_as("community_staff")
    org = PartyOrg.objects.filter(region=community).first()
    assert org is not None
    body = {
        "region": community.code,
        "kind": "urban_rural",
        "org_id": org.pk,
        "partner_name": "西岭村",
        "partner_kind": "village",
        "goal": "农产品进社区",
    }
    r = staff.post_json("/api/v1/community/cobuild/pairings", body)
    assert r.status_code == 201, r.content
    assert r.json()["kind_label"] == "城乡联建"
    bad = staff.post_json("/api/v1/community/cobuild/pairings", {**body, "partner_kind": "planet"})
    assert bad.status_code == 422
    assert "partner_kind" in bad.content.decode()
    listed = staff.get(f"/api/v1/community/cobuild/regions/{community.code}/pairings").json()
    assert "西岭村" in {p["partner_name"] for p in listed}


def test_the_agreements_ledger_exports_to_excel(api_as, community):
    staff = api_as("community_staff")
    response = staff.get(f"/community/regions/{community.code}/agreements.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1] == "编号"
    codes = {r[1] for r in rows[2:]}
    assert codes == set(
        Agreement.objects.filter(region__path__subtree=community.path).values_list("code", flat=True)
    )
    assert codes, "the demo signs agreements in the persona community"
