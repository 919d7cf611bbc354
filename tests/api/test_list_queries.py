"""Every list endpoint of the API runs a fixed number of queries: more rows never mean more queries
(no N+1). Paginated lists are compared at one row and at a full page; the others before and after
rows are added."""

from __future__ import annotations

from typing import Any

import pytest

from dangqun.orgs.models import Department, DepartmentKind, PartyOrgKind
from dangqun.regions.models import Region
from dangqun.registry.models import Building, Household

# (persona, path, filters): paginated lists the persona sees with more than one row in the demo.
PAGINATED: list[tuple[str, str, dict[str, Any]]] = [
    ("sysadmin", "/api/v1/residents", {}),
    ("grid_worker", "/api/v1/residents", {}),
    ("sysadmin", "/api/v1/buildings", {}),
    ("community_staff", "/api/v1/buildings", {}),
    ("sysadmin", "/api/v1/businesses", {}),
    ("sysadmin", "/api/v1/institutions", {}),
    ("sysadmin", "/api/v1/facilities", {}),
    ("sysadmin", "/api/v1/party-orgs", {"kind": PartyOrgKind.BRANCH}),
    ("party_admin", "/api/v1/party-members", {}),
    ("sysadmin", "/api/v1/party-members", {}),
    ("dispatcher", "/api/v1/regions", {"level": 5}),
    ("dispatcher", "/api/v1/cases", {}),
    ("dispatcher", "/api/v1/cases", {"status": "closed"}),
    ("department_staff", "/api/v1/cases", {}),
]


def _items(response: Any) -> list[Any]:
    body = response.json()
    return body["items"] if isinstance(body, dict) else body


@pytest.mark.parametrize(("persona", "path", "filters"), PAGINATED)
def test_a_full_page_costs_no_more_queries_than_one_row(
    api_as, persona: str, path: str, filters: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client = api_as(persona)
    client.get(path, {**filters, "limit": 50})  # per-process caches (calendar years, scope) warm

    with django_assert_max_num_queries(12) as one:
        small = client.get(path, {**filters, "limit": 1})
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(path, {**filters, "limit": 50})

    assert small.status_code == page.status_code == 200
    assert len(_items(small)) == 1
    assert len(_items(page)) > 1


def test_subtree_list_costs_no_more_queries_for_a_bigger_subtree(
    api_as, django_assert_max_num_queries: Any
) -> None:
    client = api_as("dispatcher")
    district = Region.objects.get(level=1)
    client.get(f"/api/v1/regions/{district.code}/subtree", {"limit": 1})

    with django_assert_max_num_queries(12) as one:
        client.get(f"/api/v1/regions/{district.code}/subtree", {"limit": 1})
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(f"/api/v1/regions/{district.code}/subtree", {"limit": 100})

    assert len(_items(page)) > 20


def test_department_list_queries_do_not_grow_with_departments(
    api_as, django_assert_max_num_queries: Any
) -> None:
    client = api_as("dispatcher")
    district = Region.objects.get(level=1)
    client.get("/api/v1/departments")
    with django_assert_max_num_queries(12) as before:
        first = client.get("/api/v1/departments")
    Department.objects.bulk_create(
        Department(code=f"QX{i:03d}", name=f"测试部门{i}", kind=DepartmentKind.values[0], region=district)
        for i in range(10)
    )

    with django_assert_max_num_queries(len(before.captured_queries)):
        after = client.get("/api/v1/departments")

    assert len(_items(after)) == len(_items(first)) + 10


def test_building_households_queries_do_not_grow_with_households(
    api_as, django_assert_max_num_queries: Any
) -> None:
    client = api_as("sysadmin")
    building = Building.objects.order_by("id").first()
    assert building is not None
    path = f"/api/v1/buildings/{building.pk}/households"
    client.get(path)
    with django_assert_max_num_queries(12) as before:
        first = client.get(path)
    Household.objects.bulk_create(
        Household(code=f"QH{building.pk}-{i}", building=building, grid=building.grid, room=f"9{i:02d}")
        for i in range(12)
    )

    with django_assert_max_num_queries(len(before.captured_queries)):
        after = client.get(path)

    assert len(_items(after)) == len(_items(first)) + 12


@pytest.mark.parametrize("group_by", ["", "street", "department", "category", "month"])
def test_kpi_endpoint_costs_a_fixed_number_of_queries_per_grouping(
    api_as, group_by: str, django_assert_max_num_queries: Any
) -> None:
    client = api_as("leader")
    params = {"group_by": group_by} if group_by else {}
    client.get("/api/v1/kpis", params)

    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/kpis", params)

    assert response.status_code == 200
