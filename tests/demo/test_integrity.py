"""The seeded district is coherent: its shape, people, numbers, points and chains of command."""

from __future__ import annotations

from collections import Counter, defaultdict

import shapely
from django.test import Client
from shapely.geometry import shape

from dangqun.accounts.models import Membership, Role, User
from dangqun.demo.context import DISTRICT_CODE, age_on_reference
from dangqun.demo.identifiers import LIAONING_AREA_CODES
from dangqun.demo.personas import DEMO_PASSWORD, PERSONAS
from dangqun.demo.tree import RegionTree
from dangqun.orgs.models import Department, DepartmentKind, PartyOrg, PartyOrgKind
from dangqun.party.models import PartyMember
from dangqun.regions.models import Region, RegionKind, RegionLevel
from dangqun.registry.models import Building, Business, Facility, Household, Institution, Resident
from dangqun.registry.validators import birth_date_from_id_number, validate_id_number


def test_the_tiny_district_has_two_streets_with_two_communities_each(demo: None) -> None:
    district = Region.objects.get(code=DISTRICT_CODE)
    streets = Region.objects.filter(parent=district, kind=RegionKind.STREET)
    towns = Region.objects.filter(parent=district, kind=RegionKind.TOWN)

    assert district.name == "元宝区"
    assert streets.count() >= 2
    assert {"广济街道", "七道街道"} <= set(streets.values_list("name", flat=True))
    assert list(towns.values_list("name", flat=True)) == ["金山镇"]
    for street in streets:
        assert Region.objects.filter(parent=street, kind=RegionKind.COMMUNITY).count() >= 2
    for region in Region.objects.filter(path__subtree=district.path):
        assert region.boundary
        assert region.area_km2
        assert region.area_km2 > 0
        assert shape(region.boundary).covers(shapely.Point(region.centroid_lng, region.centroid_lat))


def test_region_names_follow_their_kind(demo: None) -> None:
    for region in Region.objects.filter(level__gte=RegionLevel.COMMUNITY):
        suffix = {RegionKind.COMMUNITY: "社区", RegionKind.VILLAGE: "村"}.get(region.kind)  # type: ignore[call-overload]
        if suffix:
            assert region.name.endswith(suffix)
        if region.kind == RegionKind.GRID:
            assert region.name.startswith("第")
            assert region.name.endswith("网格")


def test_every_persona_exists_and_logs_in(demo: None) -> None:
    for persona in PERSONAS:
        user = User.objects.get(username=persona.username)
        client = Client()

        response = client.post("/login/", {"username": persona.username, "password": DEMO_PASSWORD})

        assert response.status_code == 302, persona.username
        assert user.display_name == persona.display_name
        assert user.is_superuser == persona.is_superuser
        membership = Membership.objects.get(user=user)
        assert membership.role == persona.role
        assert membership.title == persona.title


def test_personas_hold_the_documented_scopes(demo: None) -> None:
    tree = RegionTree.load()
    grid, community, street = tree.persona_grid(), tree.persona_community(), tree.persona_street()
    scope = {
        m.user.username: m
        for m in Membership.objects.select_related("user").filter(
            user__username__in=[p.username for p in PERSONAS]
        )
    }

    assert street.name == "广济街道"
    assert grid.parent is not None
    assert grid.parent.parent_id == community.pk
    assert scope["grid_worker"].region == grid
    assert scope["grid_leader"].region == grid
    assert scope["community_staff"].region == community
    assert scope["street_staff"].region == street
    assert scope["department_staff"].department == Department.objects.get(short_name="城管局")
    assert scope["dispatcher"].region == tree.district
    assert scope["leader"].region == tree.district
    assert scope["party_admin"].party_org == PartyOrg.objects.get(region=street)
    assert PartyOrg.objects.get(region=street).short_name == "广济街道党工委"
    for membership in scope.values():
        membership.full_clean()


def test_every_grid_has_a_leader_and_workers_and_a_complete_chain(demo: None) -> None:
    roles: dict[int, Counter[str]] = defaultdict(Counter)
    for region_id, role in Membership.objects.filter(region__level=RegionLevel.GRID).values_list(
        "region_id", "role"
    ):
        roles[region_id][role] += 1
    orgs = {o.region_id: o for o in PartyOrg.objects.exclude(kind=PartyOrgKind.GROUP).exclude(region=None)}

    district_org = PartyOrg.objects.get(region__code=DISTRICT_CODE)
    grids = Region.objects.filter(level=RegionLevel.GRID).select_related("parent__parent")
    assert grids.exists()
    for grid in grids:
        assert roles[grid.pk][Role.GRID_LEADER] >= 1, grid.code
        assert 1 <= roles[grid.pk][Role.GRID_WORKER] <= 3, grid.code
        parent = grid.parent
        assert parent is not None
        if parent.kind == RegionKind.COMPOUND:
            compound_branch = orgs[parent.pk]
            assert compound_branch.kind == PartyOrgKind.BRANCH
            community = parent.parent
        else:
            community = parent
        assert community is not None
        community_org = orgs[community.pk]
        street_org = orgs[community.parent_id or 0]
        if parent.kind == RegionKind.COMPOUND:
            assert compound_branch.parent_id == community_org.pk
        assert community_org.parent_id == street_org.pk
        assert street_org.kind in (PartyOrgKind.WORKING_COMMITTEE, PartyOrgKind.COMMITTEE)
        assert street_org.parent_id == district_org.pk


def test_party_org_codes_and_paths_are_consistent(demo: None) -> None:
    by_id = {o.pk: o for o in PartyOrg.objects.all()}
    for org in by_id.values():
        parent_path = by_id[org.parent_id].path if org.parent_id else "/"
        assert org.path == f"{parent_path}{org.code}/"
    assert PartyOrg.objects.filter(kind=PartyOrgKind.WORKING_COMMITTEE).count() >= 2
    assert (
        Business.objects.exclude(party_org=None).filter(is_resident_unit=True).count()
        + Institution.objects.exclude(party_org=None).count()
        > 0
    )


def test_every_id_number_passes_the_gb11643_check(demo: None) -> None:
    residents = list(Resident.objects.values_list("id_number", "birth_date", "gender", "is_floating"))
    members = list(PartyMember.objects.values_list("id_number", "birth_date", "gender"))
    assert residents
    assert members

    for number, birth_date, gender, floating in residents:
        validate_id_number(number)
        assert birth_date_from_id_number(number) == birth_date
        assert int(number[16]) % 2 == (1 if gender == "M" else 0)
        if floating:
            assert number[:6] in LIAONING_AREA_CODES
            assert number[:6] != DISTRICT_CODE
        else:
            assert number[:6] == DISTRICT_CODE
    for number, birth_date, gender in members:
        validate_id_number(number)
        assert birth_date_from_id_number(number) == birth_date
        assert int(number[16]) % 2 == (1 if gender == "M" else 0)
    assert len({n for n, *_ in residents}) == len(residents)


def test_every_located_row_lies_in_its_grid(demo: None) -> None:
    grids = {r.pk: shape(r.boundary) for r in Region.objects.filter(level=RegionLevel.GRID)}
    for model in (Building, Business, Institution, Facility):
        rows = list(model.objects.values_list("grid_id", "lng", "lat"))
        assert rows, model
        for grid_id, lng, lat in rows:
            assert grids[grid_id].covers(shapely.Point(lng, lat)), (model, grid_id, lng, lat)


def test_households_and_tags_are_plausible(demo: None) -> None:
    for household in Household.objects.exclude(housing="vacant").prefetch_related("residents"):
        people = list(household.residents.all())
        assert 1 <= len(people) <= 4
        assert household.members_count == len(people)
        assert household.head_name == next(p.name for p in people if p.relation_to_head == "户主")
    for resident in Resident.objects.filter(tags__code="elderly_alone"):
        assert resident.birth_date is not None
        assert age_on_reference(resident.birth_date) >= 65
        assert resident.household is not None
        assert resident.household.members_count == 1
    floating = Resident.objects.filter(is_floating=True).count() / Resident.objects.count()
    assert 0.01 < floating < 0.15


def test_party_members_sit_in_branches_and_some_are_probationary(demo: None) -> None:
    members = PartyMember.objects.select_related("party_org", "resident")
    assert members.count() > 100
    for member in members:
        assert member.party_org.kind in (PartyOrgKind.BRANCH, PartyOrgKind.GENERAL_BRANCH)
        if member.resident is not None:
            assert member.resident.is_party_member
            assert member.id_number == member.resident.id_number
        assert member.birth_date is not None
        assert member.joined_on is not None
        assert age_on_reference(member.birth_date) >= 18
    share = members.filter(is_probationary=True).count() / members.count()
    assert 0.03 < share < 0.2
    linked = members.exclude(resident=None).count()
    assert linked == Resident.objects.filter(is_party_member=True).count()


def test_departments_and_utilities_are_there_with_duties(demo: None) -> None:
    departments = Department.objects.all()
    short_names = set(departments.values_list("short_name", flat=True))

    assert {"城管局", "住建局", "民政局", "公安分局", "信访局", "水务局"} <= short_names
    assert set(departments.filter(kind=DepartmentKind.UTILITY).values_list("short_name", flat=True)) == {
        "供热公司", "供水公司", "燃气公司", "供电公司",
    }  # fmt: skip
    assert all(d.duties and d.party_org_id for d in departments)
    assert not Facility.objects.filter(owner_department=None).exists()


def test_a_sample_of_every_seeded_model_passes_full_clean(demo: None) -> None:
    for model in (
        Region,
        PartyOrg,
        Department,
        Building,
        Household,
        Resident,
        Business,
        Institution,
        Facility,
        PartyMember,
        Membership,
    ):
        for row in model.objects.order_by("pk")[:25]:
            row.full_clean()
