"""Region and building pages: scoped through the access helpers, out of scope is 404."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangqun.registry.models import Building, Household, Resident, ResidentTag
from tests.web.conftest import World


def test_grid_worker_opens_its_building_with_masked_data(client_as, world: World) -> None:
    building = world.buildings[0]

    response = client_as("grid_worker").get(f"/buildings/{building.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "锦江花园1号楼" in html
    assert "1单元101" in html
    assert "张大爷" in html
    assert "张小明" in html
    assert "210*" in html
    assert "1234" in html
    assert "210603194501011234" not in html
    assert "138****5678" in html
    assert "13812345678" not in html
    assert "独居老人" in html


def test_grid_worker_gets_404_for_another_communitys_building(client_as, world: World) -> None:
    response = client_as("grid_worker").get(f"/buildings/{world.buildings[1].pk}/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "春江" not in html
    assert "页面不存在或无权访问" in html


def test_missing_and_foreign_buildings_look_the_same(client_as, world: World) -> None:
    client = client_as("grid_worker")

    foreign = client.get(f"/buildings/{world.buildings[1].pk}/")
    missing = client.get("/buildings/999999/")

    assert foreign.status_code == missing.status_code == 404


def test_community_staff_opens_buildings_of_its_community_only(client_as, world: World) -> None:
    client = client_as("community_staff")

    assert client.get(f"/buildings/{world.buildings[0].pk}/").status_code == 200
    assert client.get(f"/buildings/{world.buildings[1].pk}/").status_code == 404


def test_department_and_party_staff_cannot_open_registry_pages(client_as, world: World) -> None:
    for username in ("department_staff", "party_admin", "citizen"):
        client = client_as(username)
        assert client.get(f"/buildings/{world.buildings[0].pk}/").status_code == 404
        assert client.get(f"/regions/{world.grids[0].code}/").status_code == 404


def test_region_page_shows_breadcrumbs_children_and_map(client_as, world: World) -> None:
    response = client_as("street_staff").get(f"/regions/{world.communities[0].code}/")

    assert response.status_code == 200
    html = response.content.decode()
    crumbs = html[html.index('class="crumbs"') : html.index("</nav>", html.index('class="crumbs"'))]
    assert "元宝区" in crumbs
    assert "<a" in crumbs
    assert f'href="/regions/{world.streets[0].code}/"' in crumbs
    assert f'href="/regions/{world.district.code}/"' not in crumbs
    assert "锦江一网格" in html
    assert "<svg" in html


def test_grid_worker_cannot_open_its_community_page(client_as, world: World) -> None:
    client = client_as("grid_worker")

    assert client.get(f"/regions/{world.grids[0].code}/").status_code == 200
    assert client.get(f"/regions/{world.communities[0].code}/").status_code == 404
    assert client.get(f"/regions/{world.grids[2].code}/").status_code == 404
    assert client.get("/regions/no-such-code/").status_code == 404


def test_leader_walks_down_from_district_to_grid(client_as, world: World) -> None:
    client = client_as("leader")

    for region in (world.district, world.streets[1], world.communities[1], world.grids[2]):
        response = client.get(f"/regions/{region.code}/")
        assert response.status_code == 200
        assert region.name in response.content.decode()


def test_compound_page_lists_its_grids(client_as, world: World) -> None:
    html = client_as("community_staff").get(f"/regions/{world.compound.code}/").content.decode()

    assert "锦江一网格" in html
    assert "锦江二网格" in html


def test_sysadmin_opens_any_region(client_as, world: World) -> None:
    assert client_as("sysadmin").get(f"/regions/{world.grids[2].code}/").status_code == 200


def _grow_grid(world: World, count: int) -> None:
    """More buildings, households and residents (with tags) in the grid worker's grid."""
    grid = world.grids[0]
    tag = ResidentTag.objects.get(code="w_elderly_alone")
    for i in range(count):
        building = Building.objects.create(code=f"QB{i}", name=f"新增{i}号楼", grid=grid)
        household = Household.objects.create(code=f"QHH{i}", building=building, grid=grid, room="201")
        resident = Resident.objects.create(household=household, grid=grid, name=f"新居民{i}", gender="M")
        resident.tags.add(tag)


def test_grid_page_queries_do_not_grow_with_the_registry(
    client_as, world: World, django_assert_max_num_queries: Any
) -> None:
    client = client_as("grid_worker")
    page = f"/regions/{world.grids[0].code}/"
    with CaptureQueriesContext(connection) as before:
        assert client.get(page).status_code == 200
    _grow_grid(world, 8)

    with django_assert_max_num_queries(len(before.captured_queries)):
        html = client.get(page).content.decode()
    assert "新增7号楼" in html


def test_building_page_queries_do_not_grow_with_households(
    client_as, world: World, django_assert_max_num_queries: Any
) -> None:
    client = client_as("grid_worker")
    building = world.buildings[0]
    page = f"/buildings/{building.pk}/"
    with CaptureQueriesContext(connection) as before:
        assert client.get(page).status_code == 200
    tag = ResidentTag.objects.get(code="w_elderly_alone")
    for i in range(6):
        household = Household.objects.create(
            code=f"QBH{i}", building=building, grid=building.grid, room=f"3{i:02d}"
        )
        resident = Resident.objects.create(
            household=household, grid=building.grid, name=f"住户{i}", gender="F"
        )
        resident.tags.add(tag)

    with django_assert_max_num_queries(len(before.captured_queries)):
        html = client.get(page).content.decode()
    assert "住户5" in html
