"""找网格员: by picking street → community → grid, or by a coordinate in any coordinate system."""

from __future__ import annotations

from dangqun.regions.coords import CoordSystem, from_wgs84
from tests.web.conftest import BASE_LAT, BASE_LNG, World


def test_picking_street_then_community_then_grid_shows_the_chain(client_as, world: World) -> None:
    client = client_as("citizen")
    street, community, grid = world.streets[0], world.communities[0], world.grids[0]

    step1 = client.get("/find-grid/", {"street": street.code}).content.decode()
    step2 = client.get("/find-grid/", {"street": street.code, "community": community.code}).content.decode()
    step3 = client.get(
        "/find-grid/", {"street": street.code, "community": community.code, "grid": grid.code}
    ).content.decode()

    assert "锦江社区" in step1
    assert "春江社区" not in step1
    assert "锦江一网格" in step2
    assert "锦江二网格" in step2
    assert "春江一网格" not in step2
    assert "有事请找" in step3
    assert "刘网格" in step3
    assert 'href="tel:13600000001"' in step3
    assert "周网格长" in step3
    assert "锦江社区党委" in step3
    assert "六道口街道党工委" in step3


def test_a_community_of_another_street_is_refused_clearly(client_as, world: World) -> None:
    response = client_as("citizen").get(
        "/find-grid/", {"street": world.streets[0].code, "community": world.communities[1].code}
    )

    assert response.status_code == 200
    assert "所选社区不属于该街道" in response.content.decode()


def test_unknown_street_is_refused_clearly(client_as) -> None:
    response = client_as("citizen").get("/find-grid/", {"street": "bogus"})

    assert response.status_code == 200
    assert "未找到所选街道" in response.content.decode()


def test_wgs84_coordinate_finds_the_grid(client_as) -> None:
    response = client_as("citizen").get(
        "/find-grid/", {"lng": BASE_LNG + 0.21, "lat": BASE_LAT + 0.01, "crs": "wgs84"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "该坐标位于" in html
    assert "春江一网格" in html
    assert "春江网格员" in html


def test_gcj02_and_bd09_coordinates_find_the_same_grid(client_as) -> None:
    client = client_as("citizen")
    for crs in (CoordSystem.GCJ02, CoordSystem.BD09):
        lng, lat = from_wgs84(BASE_LNG + 0.01, BASE_LAT + 0.01, crs)

        html = client.get("/find-grid/", {"lng": lng, "lat": lat, "crs": crs.value}).content.decode()

        assert "锦江一网格" in html, crs


def test_coordinate_outside_every_grid_is_a_clear_error(client_as) -> None:
    response = client_as("citizen").get("/find-grid/", {"lng": "116.4", "lat": "39.9", "crs": "wgs84"})

    assert response.status_code == 200
    assert "该坐标不在本区任何网格内" in response.content.decode()


def test_malformed_coordinates_are_clear_errors(client_as) -> None:
    client = client_as("citizen")

    not_numbers = client.get("/find-grid/", {"lng": "东经", "lat": "", "crs": "wgs84"}).content.decode()
    out_of_range = client.get("/find-grid/", {"lng": "500", "lat": "40", "crs": "wgs84"})
    bad_crs = client.get("/find-grid/", {"lng": "124.36", "lat": "40.01", "crs": "mars"})
    not_finite = client.get("/find-grid/", {"lng": "nan", "lat": "inf", "crs": "wgs84"})

    assert "经度应为数字" in not_numbers
    assert "请填写纬度" in not_numbers
    assert out_of_range.status_code == 200
    assert "180" in out_of_range.content.decode()
    assert bad_crs.status_code == 200
    assert not_finite.status_code == 200
    assert "有事请找" not in bad_crs.content.decode()
