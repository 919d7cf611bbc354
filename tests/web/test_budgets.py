"""Page weight and query-count budgets: pages stay small and their queries do not grow with data."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dangqun.accounts.models import Membership, Role
from dangqun.orgs.models import PartyOrg, PartyOrgKind
from dangqun.regions.models import Region, RegionKind
from dangqun.registry.models import Building, Household, Resident, ResidentTag
from tests.web.conftest import World, make_region, make_user

PAGE_BUDGET = 200 * 1024
HOMES = [
    "grid_worker",
    "community_staff",
    "street_staff",
    "dispatcher",
    "department_staff",
    "party_admin",
    "sysadmin",
]


@pytest.mark.parametrize("username", HOMES)
def test_home_pages_weigh_under_200_kb(client_as, username: str) -> None:
    response = client_as(username).get("/", follow=True)

    assert response.status_code == 200
    assert len(response.content) < PAGE_BUDGET


def test_css_is_small_and_pages_load_no_third_party_assets(client_as) -> None:
    html = client_as("grid_worker").get("/").content.decode()

    assert "/static/web/site.css" in html
    # scripts only from our own static files (the grid app's outbox and service worker) and our own
    # message catalogue
    assert all(
        src.startswith(("/static/", "/jsi18n/")) for src in re.findall(r'<script[^>]*\ssrc="([^"]*)"', html)
    )
    assert not re.search(r"<script(?![^>]*\s(src|type=\"application/json\"))[^>]*>", html)
    # no asset from a CDN: every src/href names our own paths (the CSRF token is random text and may
    # spell "cdn" by chance, so only the addresses are searched)
    addresses = re.findall(r'\s(?:src|href)="([^"]*)"', html)
    assert addresses
    assert not [address for address in addresses if "cdn" in address.lower()]
    assert "https://" not in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


def _big_community(world: World, grids: int) -> Region:
    """A community of ``grids`` grids in the street 六道口街道, each with buildings and residents."""
    community = make_region("W210603001009", "大社区", RegionKind.COMMUNITY, world.streets[0], (0, 0.1, 0.1))
    org = PartyOrg.objects.create(
        code="WC09",
        name="大社区党委",
        kind=PartyOrgKind.COMMITTEE,
        parent=world.orgs["s1"],
        region=community,
        path="/WD01/WS01/WC09/",
    )
    tag = ResidentTag.objects.get(code="w_elderly_alone")
    size = 0.1 / grids
    for i in range(grids):
        grid = make_region(
            f"W210603001009G{i:02d}", f"大社区{i}号网格", RegionKind.GRID, community, (i * size, 0.1, size)
        )
        building = Building.objects.create(code=f"WBB{i}", name=f"{i}号楼", grid=grid)
        household = Household.objects.create(code=f"WHH{i}", building=building, grid=grid, room="101")
        for j in range(3):
            resident = Resident.objects.create(
                household=household, grid=grid, name=f"居民{i}-{j}", gender="F"
            )
            if j == 0:
                resident.tags.add(tag)
    assert org.pk
    return community


def _staff_client(community: Region) -> Client:
    user = make_user("big_staff", "大社区干部", role=Role.COMMUNITY_STAFF, region=community)
    client = Client()
    client.force_login(user)
    return client


def test_community_home_with_20_grids_has_bounded_queries(
    world: World, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    community = _big_community(world, grids=20)
    client = _staff_client(community)

    with django_assert_max_num_queries(15):
        response = client.get("/")

    assert response.status_code == 200
    assert response.content.decode().count("号网格</a></th>") == 20


def test_community_home_queries_do_not_grow_with_grids(
    world: World, django_assert_num_queries: Callable[..., Any]
) -> None:
    small_client = Client()
    small_client.force_login(world.users["community_staff"])  # 2 grids

    with CaptureQueriesContext(connection) as small:
        small_client.get("/")
    big_client = _staff_client(_big_community(world, grids=20))

    with django_assert_num_queries(len(small.captured_queries)):
        big_client.get("/")


@pytest.mark.parametrize(
    "username", ["dispatcher", "street_staff", "grid_worker", "party_admin", "department_staff"]
)
def test_other_homes_have_bounded_queries(
    client_as, username: str, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    client = client_as(username)

    with django_assert_max_num_queries(40):
        assert client.get("/", follow=True).status_code == 200


def test_district_home_queries_do_not_grow_with_grids(
    world: World, client_as, django_assert_num_queries: Callable[..., Any]
) -> None:
    client = client_as("dispatcher")
    page = f"/regions/{world.district.code}/"

    with CaptureQueriesContext(connection) as before:
        client.get(page)
    _big_community(world, grids=20)
    Membership.objects.filter(user__username="dispatcher").update(title="调度员")

    with django_assert_num_queries(len(before.captured_queries)):
        client.get(page)
