"""The case map's grid layer: every grid of a small scope at once; a scope wider than the limit as its
streets, then the grids of the view by bbox; coordinates rounded; bad boxes refused."""

from __future__ import annotations

import re
from typing import Any

import pytest

from dangqun.analytics import command_data
from dangqun.regions.models import Region, RegionLevel
from tests.web.test_case_page import as_user


def _decimals(data: dict[str, Any]) -> int:
    numbers = re.findall(r"-?\d+\.(\d+)", str([f["geometry"]["coordinates"] for f in data["features"]]))
    return max(len(n) for n in numbers)


def test_a_small_scope_gets_every_grid_rounded(demo: Any) -> None:
    grids = as_user("dispatcher").get("/command/map/grids.json").json()

    total = Region.objects.filter(level=RegionLevel.GRID, is_active=True, boundary__isnull=False).count()
    assert grids["grids"] == total == len(grids["features"])
    assert "overview" not in grids
    assert _decimals(grids) <= command_data.MAP_DIGITS


def test_a_wide_scope_gets_its_streets_then_the_grids_of_the_view(demo: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(command_data, "GRID_MAP_LIMIT", 2)
    client = as_user("dispatcher")
    grid = Region.objects.filter(level=RegionLevel.GRID, boundary__isnull=False).order_by("path").first()
    assert grid is not None
    assert grid.centroid_lng is not None
    assert grid.centroid_lat is not None
    lng, lat = grid.centroid_lng, grid.centroid_lat

    overview = client.get("/command/map/grids.json").json()
    near = client.get(
        f"/command/map/grids.json?bbox={lng - 1e-4},{lat - 1e-4},{lng + 1e-4},{lat + 1e-4}"
    ).json()
    wide = client.get("/command/map/grids.json?bbox=-180,-90,180,90").json()
    empty = client.get("/command/map/grids.json?bbox=0,0,1,1").json()

    streets = set(
        Region.objects.filter(level=RegionLevel.STREET, boundary__isnull=False).values_list("code", flat=True)
    )
    assert overview["overview"] is True
    assert overview["grids"] > 2
    assert {f["properties"]["code"] for f in overview["features"]} <= streets
    assert grid.code in {f["properties"]["code"] for f in near["features"]}
    assert near["truncated"] is False
    assert len(wide["features"]) == 2
    assert wide["truncated"] is True
    assert empty["features"] == []
    assert empty["truncated"] is False


@pytest.mark.parametrize("bbox", ["1,2,3", "a,b,c,d", "10,10,5,20", "0,95,1,96", "nan,0,1,1"])
def test_a_bad_bbox_is_a_422_naming_it(demo: Any, bbox: str) -> None:
    response = as_user("dispatcher").get(f"/command/map/grids.json?bbox={bbox}")

    assert response.status_code == 422
    assert "bbox" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/command/map/grids.json", "/command/map/cases.json"])
def test_map_data_are_gzipped_for_a_client_that_accepts_it(demo: Any, path: str) -> None:
    import gzip
    import json

    client = as_user("dispatcher")

    plain = client.get(path)
    packed = client.get(path, HTTP_ACCEPT_ENCODING="gzip")

    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(packed.content)) == plain.json()
