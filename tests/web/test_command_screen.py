"""指挥中心大屏: the wall's figures (the day's and year's KPIs, party-building, grids), its map data
(open cases per grid and per street, hotspots), the offline base map's outlines, each scoped to the
reader's subtree, and the query counts that do not grow with the cases."""

from __future__ import annotations

import json
import re
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangqun.accounts.models import Membership, Role
from dangqun.cases.enums import OPEN_STATUSES
from dangqun.cases.models import Case
from dangqun.orgs.models import PartyOrg
from dangqun.party.models import PartyMember
from dangqun.regions.models import Region, RegionLevel
from dangqun.registry.models import Building, Resident
from tests.web.test_case_page import as_user, dispatched_case
from tests.web.test_case_search import other_street_grid, persona_grid, report


def figures(html: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'data-figure="(\w+)">(\d+)<', html)}


def map_data(html: str) -> dict[str, Any]:
    raw = re.search(r'<script id="screen-map-data" type="application/json">(.*?)</script>', html, re.S)
    assert raw is not None
    return json.loads(raw.group(1))


def street_of_staff() -> Region:
    region = Membership.objects.get(user__username="street_staff", role=Role.STREET_STAFF).region
    assert region is not None
    return region


def test_the_district_wall_shows_every_figure_and_its_map_data(demo: Any) -> None:
    cache.clear()
    case = report(persona_grid(), "大屏上的新诉求")

    response = as_user("leader").get("/command/screen/")

    html = response.content.decode()
    assert response.status_code == 200
    shown = figures(html)
    assert shown["grids"] == Region.objects.filter(level=RegionLevel.GRID, is_active=True).count() > 0
    assert shown["residents"] == Resident.objects.count() > 0
    assert shown["buildings"] == Building.objects.count() > 0
    # the district counts every organisation and member (those of institutions and firms too)
    assert shown["party_members"] == PartyMember.objects.filter(status="active").count() > 0
    assert shown["party_orgs"] == PartyOrg.objects.filter(is_active=True).count() > 0
    assert shown["grid_workers"] > 0
    assert "meetings_month" in shown
    assert 'data-kpi="today-accepted"' in html
    assert 'data-kpi="year-accepted"' in html
    assert "无主办部门" not in html  # cases without a lead unit are not a unit in the rankings
    data = map_data(html)
    assert case.grid is not None
    assert data["open"]["grids"][case.grid.code] >= 1
    open_cases = Case.objects.filter(status__in=OPEN_STATUSES, grid__isnull=False).count()
    assert sum(data["open"]["grids"].values()) == open_cases
    assert sum(data["open"]["streets"].values()) == open_cases
    for status in OPEN_STATUSES:  # the map's points are the open cases
        assert f"status={status}" in html
    # everything from our own static files: no CDN
    assert not re.search(r'(src|href)="https?://', html)
    assert "/static/web/js/map-base.js" in html


def test_the_panel_polls_and_carries_the_map_data(demo: Any) -> None:
    client = as_user("dispatcher")
    page = client.get("/command/screen/").content.decode()
    panel = client.get("/command/screen/", HTTP_HX_REQUEST="true").content.decode()

    assert re.search(r'hx-trigger="every \d+s"', page)
    assert panel.lstrip().startswith('<div id="screen-panel"')
    assert "<html" not in panel
    assert map_data(panel)["open"] == map_data(page)["open"]


def test_a_streets_wall_counts_only_its_subtree(demo: Any) -> None:
    cache.clear()
    street = street_of_staff()
    own = report(persona_grid(), "本街道大屏诉求")
    foreign = report(other_street_grid(), "外街道大屏诉求")

    html = as_user("street_staff").get("/command/screen/").content.decode()

    shown = figures(html)
    assert f"{street.name} · 党群一张网 · 指挥中心" in html
    grids = Region.objects.filter(level=RegionLevel.GRID, is_active=True, path__startswith=street.path)
    assert shown["grids"] == grids.count() > 0
    assert shown["grids"] < Region.objects.filter(level=RegionLevel.GRID, is_active=True).count()
    assert shown["residents"] == Resident.objects.filter(grid__path__startswith=street.path).count()
    assert (
        shown["party_orgs"]
        == PartyOrg.objects.filter(is_active=True, region__path__startswith=street.path).count()
    )
    data = map_data(html)
    assert own.grid is not None
    assert foreign.grid is not None
    assert own.grid.code in data["open"]["grids"]
    assert foreign.grid.code not in data["open"]["grids"]
    assert set(data["open"]["streets"]) == {street.code}
    # a street's wall ranks its communities, not the one street it is
    assert "社区按时办结率排名" in html
    assert "街道按时办结率排名" not in html


def test_the_offline_base_map_draws_the_scopes_streets_and_communities(demo: Any) -> None:
    district = as_user("dispatcher").get("/command/map/grids.json?level=street").json()
    own = as_user("street_staff").get("/command/map/grids.json?level=street").json()
    communities = as_user("street_staff").get("/command/map/grids.json?level=community").json()

    street = street_of_staff()
    assert (
        len(district["features"])
        == Region.objects.filter(level=RegionLevel.STREET, is_active=True, boundary__isnull=False).count()
        > 1
    )
    assert [f["properties"]["code"] for f in own["features"]] == [street.code]
    assert all(f["properties"]["name"] for f in communities["features"])
    codes = {f["properties"]["code"] for f in communities["features"]}
    assert codes == set(
        Region.objects.filter(
            level=RegionLevel.COMMUNITY, is_active=True, boundary__isnull=False, path__startswith=street.path
        ).values_list("code", flat=True)
    )


def test_an_unknown_outline_level_is_a_422_naming_the_field(demo: Any) -> None:
    response = as_user("dispatcher").get("/command/map/grids.json?level=planet")

    assert response.status_code == 422
    assert "level" in response.json()["detail"]


def test_the_walls_queries_do_not_grow_with_cases(demo: Any, django_assert_max_num_queries: Any) -> None:
    client = as_user("street_staff")
    report(persona_grid(), "起点")
    dispatched_case()
    cache.clear()
    with CaptureQueriesContext(connection) as before:
        assert client.get("/command/screen/").status_code == 200
    for i in range(4):
        report(persona_grid(), f"增长{i}")
        dispatched_case()
    cache.clear()

    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get("/command/screen/").status_code == 200


def test_the_base_maps_buildings_come_by_view_within_the_scope(demo: Any) -> None:
    inside = Building.objects.filter(grid__path__startswith=street_of_staff().path, lng__isnull=False).first()
    outside = (
        Building.objects.exclude(grid__path__startswith=street_of_staff().path)
        .filter(lng__isnull=False)
        .first()
    )
    assert inside is not None
    assert outside is not None
    west, east = sorted((inside.lng, outside.lng))
    south, north = sorted((inside.lat, outside.lat))
    bbox = f"{west - 0.001},{south - 0.001},{east + 0.001},{north + 0.001}"

    own = as_user("street_staff").get(f"/command/map/grids.json?level=building&bbox={bbox}").json()
    district = as_user("dispatcher").get(f"/command/map/grids.json?level=building&bbox={bbox}").json()
    missing = as_user("dispatcher").get("/command/map/grids.json?level=building")

    own_codes = {f["properties"]["code"] for f in own["features"]}
    district_codes = {f["properties"]["code"] for f in district["features"]}
    assert inside.code in own_codes
    assert outside.code not in own_codes
    assert {inside.code, outside.code} <= district_codes
    assert missing.status_code == 422
    assert "bbox" in missing.json()["detail"]
