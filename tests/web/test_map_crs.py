"""Maps on offset tiles: with AMap (高德) or Tencent tiles, which draw their streets in GCJ-02, the map
pages send polygons and case points shifted to GCJ-02, and a place the citizen picks on such a map is
converted back to WGS-84, so it lands in the grid whose streets the citizen clicked."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from dangqun.cases.models import Case
from dangqun.regions.coords import CoordSystem, from_wgs84
from dangqun.regions.selectors import locate_grid
from dangqun.web import mapcrs
from tests.web.conftest import BASE_LAT, BASE_LNG, World

AMAP = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"
TENCENT = "https://rt{s}.map.gtimg.com/tile?z={z}&x={x}&y={y}&styleid=1000&scene=0"
BAIDU = "https://maponline{s}.bdimg.com/tile/?qt=vtile&x={x}&y={y}&z={z}"
TIANDITU = "https://t{s}.tianditu.gov.cn/vec_w/wmts?tk=KEY&x={x}&y={y}&l={z}"
# 0.003° inside the east edge of 锦江一网格 (its square spans 0–0.05° east of BASE_LNG): the GCJ-02
# offset here is about +0.005°, so the same street drawn on AMap tiles lies over 锦江二网格's WGS-84 square.
STREET = (BASE_LNG + 0.047, BASE_LAT + 0.01)


def tiles(settings: Any, url: str, crs: str = "") -> None:
    settings.DANGQUN = {**settings.DANGQUN, "MAP_TILE_URL": url, "MAP_TILE_CRS": crs}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (AMAP, CoordSystem.GCJ02),
        (TENCENT, CoordSystem.GCJ02),
        ("https://wprd0{s}.amap.com/appmaptile?x={x}&y={y}&z={z}", CoordSystem.GCJ02),
        (BAIDU, CoordSystem.BD09),
        (TIANDITU, CoordSystem.WGS84),
        ("https://tiles.district.example/{z}/{x}/{y}.png", CoordSystem.WGS84),
        ("https://autonavi.com.evil.example/{z}/{x}/{y}.png", CoordSystem.WGS84),
        ("", CoordSystem.WGS84),
    ],
)
def test_the_crs_is_guessed_from_the_tile_host(settings: Any, url: str, expected: CoordSystem) -> None:
    tiles(settings, url)

    assert mapcrs.tile_crs() is expected


def test_the_setting_overrides_the_guess_and_a_wrong_one_is_refused(settings: Any) -> None:
    tiles(settings, "https://tiles.district.example/{z}/{x}/{y}.png", crs="GCJ02")
    assert mapcrs.tile_crs() is CoordSystem.GCJ02

    tiles(settings, AMAP, crs="wgs84")  # e.g. an intranet mirror that re-projected the tiles
    assert mapcrs.tile_crs() is CoordSystem.WGS84

    tiles(settings, AMAP, crs="mars")
    with pytest.raises(ImproperlyConfigured, match="DANGQUN_MAP_TILE_CRS"):
        mapcrs.tile_crs()


def test_geojson_is_moved_position_by_position_and_left_alone_on_wgs84() -> None:
    ring = [
        [BASE_LNG, BASE_LAT],
        [BASE_LNG + 0.05, BASE_LAT],
        [BASE_LNG, BASE_LAT + 0.05],
        [BASE_LNG, BASE_LAT],
    ]
    data = {
        "type": "FeatureCollection",
        "features": [{"geometry": {"type": "Polygon", "coordinates": [ring]}}],
    }

    moved = mapcrs.geojson_to_map(data, CoordSystem.GCJ02)

    assert mapcrs.geojson_to_map(data, CoordSystem.WGS84) is data
    assert data["features"][0]["geometry"]["coordinates"][0] == ring  # the input is not touched
    for (lng, lat), (mlng, mlat) in zip(
        ring, moved["features"][0]["geometry"]["coordinates"][0], strict=True
    ):
        assert (mlng, mlat) == pytest.approx(from_wgs84(lng, lat, "gcj02"), abs=1e-7)


def _map_data(html: str) -> dict[str, Any]:
    return json.loads(re.search(r'id="map-data" type="application/json">(.*?)</script>', html).group(1))  # type: ignore[union-attr]


def _hidden(html: str, name: str) -> str:
    return re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html).group(1)  # type: ignore[union-attr]


def test_a_place_picked_on_a_gcj02_map_lands_in_the_grid_of_its_street(
    settings: Any, world: World, client_as
) -> None:
    tiles(settings, AMAP)
    citizen: Client = client_as("citizen")
    page = citizen.get("/citizen/submit/").content.decode()
    data = _map_data(page)
    assert data["crs"] == "gcj02"
    street = next(a for a in data["areas"] if a["name"] == "六道口街道")
    corner = street["boundary"]["coordinates"][0][0]
    assert corner == pytest.approx(from_wgs84(BASE_LNG, BASE_LAT, "gcj02"), abs=1e-5)

    # The citizen clicks the street on the AMap tiles: the map hands back its GCJ-02 position.
    clicked = from_wgs84(*STREET, "gcj02")
    assert locate_grid(*clicked, crs=CoordSystem.WGS84) == world.grids[1]  # taken as WGS-84: the wrong grid
    response = citizen.post(
        "/citizen/submit/",
        {
            "title": "路口井盖松动",
            "case_type": "help",
            "description": "车辆经过时井盖响",
            "address": "",
            "key": _hidden(page, "key"),
            "crs": _hidden(page, "crs"),
            "lng": f"{clicked[0]:.6f}",
            "lat": f"{clicked[1]:.6f}",
        },
    )

    assert response.status_code == 302
    case = Case.objects.get(title="路口井盖松动")
    assert case.grid == world.grids[0] == locate_grid(*STREET, crs=CoordSystem.WGS84)
    assert (case.lng, case.lat) == pytest.approx(STREET, abs=2e-6)  # stored in WGS-84 (≈ 0.2 m)

    # and the command centre's map draws it on the same street of its tiles
    dispatcher = client_as("dispatcher")
    features = dispatcher.get("/command/map/cases.json").json()["features"]
    drawn = next(f for f in features if f["properties"]["code"] == case.code)
    assert drawn["geometry"]["coordinates"] == pytest.approx(list(clicked), abs=2e-6)
    grids = dispatcher.get("/command/map/grids.json").json()["features"]
    g1 = next(f for f in grids if f["properties"]["code"] == world.grids[0].code)
    assert g1["geometry"]["coordinates"][0][0] == pytest.approx(
        from_wgs84(BASE_LNG, BASE_LAT, "gcj02"), abs=1e-6
    )
    assert 'data-crs="gcj02"' in dispatcher.get("/command/map/").content.decode()


def test_grid_worker_map_is_shifted_too_and_plain_without_tiles(
    settings: Any, world: World, client_as
) -> None:
    worker = client_as("grid_worker")
    plain = _map_data(worker.get("/grid/map/").content.decode())
    tiles(settings, TENCENT)
    shifted = _map_data(worker.get("/grid/map/").content.decode())

    assert plain["crs"] == "wgs84"
    assert plain["grid"]["boundary"] == world.grids[0].boundary
    assert shifted["crs"] == "gcj02"
    lng, lat = plain["centre"]["coordinates"]
    assert shifted["centre"]["coordinates"] == pytest.approx(from_wgs84(lng, lat, "gcj02"), abs=1e-7)
    first = world.grids[0].boundary["coordinates"][0][0]
    assert shifted["grid"]["boundary"]["coordinates"][0][0] == pytest.approx(
        from_wgs84(*first, "gcj02"), abs=1e-7
    )


def test_a_forged_crs_on_the_form_is_refused_next_to_the_field(
    settings: Any, world: World, client_as
) -> None:
    citizen: Client = client_as("citizen")
    body = {
        "title": "t",
        "case_type": "help",
        "description": "d",
        "lng": "110.36",
        "lat": "30.01",
        "crs": "mars",
    }

    response = citizen.post("/citizen/submit/", body)

    assert response.status_code == 422
    assert not Case.objects.filter(title="t").exists()
