"""The named demo personas (``seed_demo --scale 0.02``) sign in through the login form and get
their homes: each shows the name of the unit the persona's membership points at."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from dangqun.accounts.models import Membership, Role
from dangqun.demo.personas import DEMO_PASSWORD, PERSONAS
from dangqun.regions.models import RegionLevel

PAGE_BUDGET = 200 * 1024


def _login(username: str) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client


def _unit_name(username: str) -> str:
    membership = (
        Membership.objects.filter(user__username=username, is_active=True)
        .select_related("region", "department", "party_org")
        .order_by("id")
        .first()
    )
    if membership is None:
        return ""
    unit = membership.region or membership.department or membership.party_org
    return unit.name if unit is not None else ""


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p.username)
def test_each_persona_signs_in_and_gets_its_home(demo: None, persona: Any) -> None:
    client = _login(persona.username)

    response = client.get("/", follow=True)

    assert response.status_code == 200
    assert len(response.content) < PAGE_BUDGET
    html = response.content.decode()
    assert persona.display_name in html
    unit = _unit_name(persona.username)
    if persona.role == Role.CITIZEN:
        assert response.redirect_chain[-1][0] == "/citizen/"
    elif persona.role == Role.SYSADMIN:
        assert "系统概况" in html
    else:
        assert unit
        assert unit in html


def test_grid_worker_sees_no_other_grid_of_its_community(demo: None) -> None:
    membership = Membership.objects.select_related("region").get(
        user__username="grid_worker", role=Role.GRID_WORKER
    )
    grid = membership.region
    assert grid is not None
    client = _login("grid_worker")

    html = client.get("/").content.decode()

    linked = set(re.findall(r'href="/regions/([^/"]+)/"', html))
    assert linked == {grid.code}


def test_demo_community_home_has_bounded_queries(
    demo: None, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    client = _login("community_staff")
    community = Membership.objects.select_related("region").get(user__username="community_staff").region
    assert community is not None
    assert community.level == RegionLevel.COMMUNITY

    with django_assert_max_num_queries(15):
        response = client.get("/")

    assert response.status_code == 200
