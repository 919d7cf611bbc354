"""The command views at every level: a street's (街镇党群服务平台) and a community's staff open the same
dashboard, queue, lights, supervision, map and big screen as the district, each over its own subtree."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangqun.accounts.models import Membership, Role, User
from dangqun.cases.models import Case
from dangqun.cases.services.intake import case_create
from tests.web.test_case_page import as_user, dispatched_case
from tests.web.test_case_search import other_street_grid, persona_grid, report


def lights(html: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'data-light="(\w+)">(\d+)<', html)}


@pytest.mark.parametrize("username", ["street_staff", "community_staff"])
def test_a_street_and_a_community_open_their_own_command_view(demo: Any, username: str) -> None:
    grid = persona_grid()
    # the staff's own report (未诉先办) stays at their level (首问负责): it is their queue's
    own = case_create(
        actor=User.objects.get(username=username),
        channel="proactive",
        title="本级指挥视图的诉求",
        description="本级巡查发现的问题。",
        lng=grid.centroid_lng,
        lat=grid.centroid_lat,
    ).case
    foreign = report(other_street_grid(), "外街道指挥视图的诉求")
    client = as_user(username)
    region = Membership.objects.get(user__username=username, role=username).region
    assert region is not None

    home = client.get("/", follow=True).content.decode()
    dashboard = client.get("/command/")

    html = dashboard.content.decode()
    assert dashboard.status_code == 200
    assert f"{region.name} · 指挥中心" in html
    assert 'href="/command/">本级指挥中心' in home
    assert own.handling_region_id == region.pk
    assert f'id="queue-{own.code}"' in html
    assert foreign.code not in html
    assert set(lights(html)) == {"red", "yellow", "green"}
    for path in ("/command/supervision/", "/command/map/", "/command/screen/", "/command/hotspots/"):
        assert client.get(path).status_code == 200, path
    points = client.get("/command/map/cases.json").json()["features"]
    codes = {f["properties"]["code"] for f in points}
    assert own.code in codes
    assert foreign.code not in codes
    assert all(Case.objects.get(code=code).region_path.startswith(region.path) for code in list(codes)[:50])


def test_a_streets_lights_count_only_its_subtree(demo: Any) -> None:
    cache.clear()  # the lights are kept a minute per reader (analytics.dashcache)
    for _ in range(2):
        dispatched_case()
    Case.objects.filter(status="dispatched").update(resolve_due_at="2020-01-01T00:00:00Z")
    street = Membership.objects.get(user__username="street_staff", role=Role.STREET_STAFF).region
    assert street is not None

    district = lights(as_user("dispatcher").get("/command/").content.decode())
    own = lights(as_user("street_staff").get("/command/").content.decode())

    expected = Case.objects.filter(
        status__in=["dispatched", "in_progress"],
        resolve_due_at__lt="2021-01-01T00:00:00Z",
        region_path__startswith=street.path,
    ).count()
    assert own["red"] >= expected >= 2
    assert own["red"] <= district["red"]


@pytest.mark.parametrize(
    "path", ["/command/", "/command/supervision/", "/command/map/cases.json", "/command/screen/"]
)
def test_a_streets_command_pages_queries_do_not_grow_with_cases(
    demo: Any, path: str, django_assert_max_num_queries: Any
) -> None:
    client = as_user("street_staff")
    report(persona_grid(), "起点")
    dispatched_case()  # a case on the clock, so that every light is counted from the start
    client.get(path)
    with CaptureQueriesContext(connection) as before:
        assert client.get(path).status_code == 200
    for i in range(4):
        report(persona_grid(), f"增长{i}")
        dispatched_case()

    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(path).status_code == 200
