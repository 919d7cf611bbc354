"""Data scope through the API: each role reaches exactly its own part of the registries."""

import pytest

from dangqun.accounts.models import Membership, Role
from dangqun.regions.models import Region
from dangqun.registry.models import Building, Resident


def _region_of(username: str, role: str) -> Region:
    return Membership.objects.get(user__username=username, role=role).region


def _resident_outside(path: str) -> Resident:
    resident = Resident.objects.exclude(grid__path__startswith=path).order_by("id").first()
    assert resident is not None
    return resident


def _resident_inside(path: str) -> Resident:
    resident = Resident.objects.filter(grid__path__startswith=path).order_by("id").first()
    assert resident is not None
    return resident


def test_grid_worker_lists_only_residents_of_its_grid(api_as):
    grid = _region_of("grid_worker", Role.GRID_WORKER)
    client = api_as("grid_worker")

    body = client.get("/api/v1/residents?limit=1000").json()

    assert body["count"] == Resident.objects.filter(grid=grid).count() > 0
    assert {item["grid_code"] for item in body["items"]} == {grid.code}


def test_grid_worker_gets_404_for_a_resident_of_another_community(api_as):
    grid = _region_of("grid_worker", Role.GRID_WORKER)
    community = Region.objects.get(path=grid.ancestor_paths()[2])
    stranger = _resident_outside(community.path)
    client = api_as("grid_worker")

    response = client.get(f"/api/v1/residents/{stranger.pk}")

    assert response.status_code == 404


def test_unknown_and_out_of_scope_residents_look_the_same(api_as):
    grid = _region_of("grid_worker", Role.GRID_WORKER)
    stranger = _resident_outside(grid.path)
    client = api_as("grid_worker")

    out_of_scope = client.get(f"/api/v1/residents/{stranger.pk}")
    missing = client.get("/api/v1/residents/999999999")

    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.json() == missing.json()


def test_resident_detail_masks_personal_data(api_as):
    grid = _region_of("grid_worker", Role.GRID_WORKER)
    resident = _resident_inside(grid.path)
    client = api_as("grid_worker")

    body = client.get(f"/api/v1/residents/{resident.pk}").json()

    assert body["name"] == resident.name
    assert body["id_number"] != resident.id_number
    assert body["id_number"].startswith(resident.id_number[:3])
    assert body["id_number"].endswith(resident.id_number[-4:])
    assert "*" in body["phone"]


def test_community_staff_sees_its_whole_community_and_nothing_else(api_as):
    community = _region_of("community_staff", Role.COMMUNITY_STAFF)
    client = api_as("community_staff")

    body = client.get("/api/v1/residents?limit=1").json()
    inside = _resident_inside(community.path)
    outside = _resident_outside(community.path)

    assert body["count"] == Resident.objects.filter(grid__path__startswith=community.path).count()
    assert client.get(f"/api/v1/residents/{inside.pk}").status_code == 200
    assert client.get(f"/api/v1/residents/{outside.pk}").status_code == 404


def test_filtering_by_a_region_outside_the_scope_is_404(api_as):
    community = _region_of("community_staff", Role.COMMUNITY_STAFF)
    other = Region.objects.filter(level=3).exclude(pk=community.pk).first()
    client = api_as("community_staff")

    assert client.get(f"/api/v1/residents?region={other.code}").status_code == 404
    assert client.get("/api/v1/residents?region=NOPE").status_code == 404


def test_street_staff_sees_its_street(api_as):
    street = _region_of("street_staff", Role.STREET_STAFF)
    client = api_as("street_staff")

    body = client.get("/api/v1/residents?limit=1").json()

    assert body["count"] == Resident.objects.filter(grid__path__startswith=street.path).count()
    assert body["count"] < Resident.objects.count()


@pytest.mark.parametrize("username", ["dispatcher", "leader", "sysadmin"])
def test_district_roles_see_the_whole_district(api_as, username):
    client = api_as(username)

    body = client.get("/api/v1/residents?limit=1").json()

    assert body["count"] == Resident.objects.count()


@pytest.mark.parametrize("username", ["citizen", "department_staff", "party_admin"])
def test_roles_without_registry_access_see_no_residents(api_as, username):
    resident = Resident.objects.order_by("id").first()
    building = Building.objects.order_by("id").first()
    client = api_as(username)

    assert client.get("/api/v1/residents").json()["count"] == 0
    assert client.get(f"/api/v1/residents/{resident.pk}").status_code == 404
    assert client.get(f"/api/v1/buildings/{building.pk}").status_code == 404


def test_grid_worker_reads_buildings_and_households_of_its_grid(api_as):
    grid = _region_of("grid_worker", Role.GRID_WORKER)
    building = Building.objects.filter(grid=grid).first()
    foreign = Building.objects.exclude(grid=grid).first()
    client = api_as("grid_worker")

    households = client.get(f"/api/v1/buildings/{building.pk}/households")

    assert households.status_code == 200
    assert len(households.json()) == building.households.count()
    assert client.get(f"/api/v1/buildings/{foreign.pk}/households").status_code == 404


def test_party_admin_sees_members_of_its_organisation_subtree(api_as):
    org = Membership.objects.get(user__username="party_admin", role=Role.PARTY_ADMIN).party_org
    client = api_as("party_admin")

    body = client.get("/api/v1/party-members?limit=5").json()

    from dangqun.party.models import PartyMember

    assert body["count"] == PartyMember.objects.filter(party_org__path__startswith=org.path).count() > 0
    assert all("*" in m["phone"] for m in body["items"] if m["phone"])


def test_grid_worker_sees_no_party_member_list(api_as):
    client = api_as("grid_worker")

    assert client.get("/api/v1/party-members").json()["count"] == 0
