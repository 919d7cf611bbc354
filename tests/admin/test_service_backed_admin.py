"""Admin saves of regions and organisations go through their services; service errors are form
errors, never a 500. Membership rows added in the user admin obey ``Membership.clean``."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from dangqun.accounts.models import Membership, User
from dangqun.core.models import AuditEvent
from dangqun.orgs.models import Department, PartyOrg
from dangqun.regions.models import Region

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[121.60, 38.90], [121.61, 38.90], [121.61, 38.91], [121.60, 38.91], [121.60, 38.90]]],
}


def test_region_add_goes_through_the_service(tree: dict[str, Region], admin_client: Client) -> None:
    response = admin_client.post(
        reverse("admin:regions_region_add"),
        {
            "code": "T2101010103",
            "name": "第三网格",
            "kind": "grid",
            "parent": tree["compound"].pk,
            "address": "一号路",
        },
    )

    assert response.status_code == 302, response.content.decode()[-3000:]
    grid = Region.objects.get(code="T2101010103")
    assert (grid.level, grid.path) == (5, tree["compound"].path + "T2101010103/")
    assert AuditEvent.objects.filter(event_type="regions.region_created", target_id=str(grid.pk)).count() == 1


def test_region_service_error_is_a_form_error(tree: dict[str, Region], admin_client: Client) -> None:
    events_before = AuditEvent.objects.count()

    response = admin_client.post(
        reverse("admin:regions_region_add"),
        {"code": "T2109", "name": "错层网格", "kind": "grid", "parent": tree["district"].pk},
    )

    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    assert not Region.objects.filter(code="T2109").exists()
    assert AuditEvent.objects.count() == events_before


def test_region_change_renames_and_sets_boundary(tree: dict[str, Region], admin_client: Client) -> None:
    grid = tree["grid_a"]
    url = reverse("admin:regions_region_change", args=[grid.pk])

    response = admin_client.post(
        url, {"name": "一网格", "address": "", "new_boundary": '{"type": "Polygon"}'}
    )
    assert response.status_code == 200  # a broken polygon is reported on the field
    assert Region.objects.get(pk=grid.pk).name == "第一网格"

    response = admin_client.post(url, {"name": "一网格", "address": "", "new_boundary": json.dumps(SQUARE)})

    assert response.status_code == 302, response.content.decode()[-3000:]
    grid.refresh_from_db()
    assert grid.name == "一网格"
    assert grid.boundary is not None
    assert grid.area_km2 is not None
    assert grid.area_km2 > 0
    types = set(AuditEvent.objects.values_list("event_type", flat=True))
    assert {"regions.region_updated", "regions.boundary_changed"} <= types
    page = admin_client.get(url).content.decode()
    assert "Polygon" in page
    assert "121.6" in page


def test_region_autocomplete_for_a_grid_field_offers_grids_only(
    tree: dict[str, Region], admin_client: Client
) -> None:
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "registry", "model_name": "resident", "field_name": "grid", "term": "测试"},
    )

    assert response.status_code == 200
    assert response.json()["results"] == []
    # The compound's code matches the compound and both of its grids; only the grids are offered.
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "registry",
            "model_name": "resident",
            "field_name": "grid",
            "term": tree["compound"].code,
        },
    )
    assert {r["text"] for r in response.json()["results"]} == {str(tree["grid_a"]), str(tree["grid_b"])}


def test_party_org_and_department_admin_use_the_services(
    tree: dict[str, Region], admin_client: Client
) -> None:
    response = admin_client.post(
        reverse("admin:orgs_partyorg_add"),
        {
            "code": "PW1",
            "name": "测试街道党工委",
            "kind": "working_committee",
            "region": tree["street"].pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    org = PartyOrg.objects.get(code="PW1")
    assert org.path == "/PW1/"

    bad = admin_client.post(
        reverse("admin:orgs_partyorg_add"),
        {"code": "PB1", "name": "孤立支部", "kind": "branch", "is_active": "on"},
    )
    assert bad.status_code == 200
    assert not PartyOrg.objects.filter(code="PB1").exists()

    response = admin_client.post(
        reverse("admin:orgs_department_add"),
        {
            "code": "D1",
            "name": "城管局",
            "kind": "department",
            "region": tree["district"].pk,
            "sort_order": "1",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Department.objects.get(code="D1").name == "城管局"
    assert {"orgs.party_org_created", "orgs.department_created"} <= set(
        AuditEvent.objects.values_list("event_type", flat=True)
    )


# --- users and memberships ---------------------------------------------------------------------------


def _user_change_data(user: User, **membership: object) -> dict[str, object]:
    data: dict[str, object] = {
        "username": user.username,
        "display_name": "网格员甲",
        "phone": "13800000001",
        "email": "",
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for key, value in membership.items():
        data[f"memberships-0-{key}"] = value
    return data


@pytest.fixture
def worker(db: None) -> User:
    return User.objects.create_user(username="worker1", password="Worker-test-2026!")


def test_membership_inline_runs_model_clean(
    tree: dict[str, Region], admin_client: Client, worker: User
) -> None:
    url = reverse("admin:accounts_user_change", args=[worker.pk])

    # A grid worker must be attached to a grid, not a community.
    response = admin_client.post(
        url, _user_change_data(worker, role="grid_worker", region=tree["community"].pk, is_active="on")
    )

    assert response.status_code == 200
    assert "区域层级不符" in response.content.decode()
    assert not Membership.objects.filter(user=worker).exists()

    response = admin_client.post(
        url, _user_change_data(worker, role="grid_worker", region=tree["grid_a"].pk, is_active="on")
    )

    assert response.status_code == 302, response.content.decode()[-3000:]
    membership = Membership.objects.get(user=worker)
    assert (membership.user, membership.region) == (worker, tree["grid_a"])
    worker.refresh_from_db()
    assert (worker.display_name, worker.phone) == ("网格员甲", "13800000001")


def test_user_add_page_takes_display_name_and_phone(admin_client: Client, db: None) -> None:
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newuser",
            "display_name": "新用户",
            "phone": "13900000000",
            "usable_password": "true",
            "password1": "Quite-long-pass-2026",
            "password2": "Quite-long-pass-2026",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 302, response.content.decode()[-3000:]
    user = User.objects.get(username="newuser")
    assert (user.display_name, user.phone) == ("新用户", "13900000000")
