import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dangqun.regions.coords import CoordSystem, from_wgs84, from_wgs84_many, to_wgs84, to_wgs84_many

# Public reference vectors (eviltransform; coordtransform), as (lng, lat).
WGS_GCJ = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),  # Shanghai
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),  # Shenzhen
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),  # Beijing
    ((116.404, 39.915), (116.41024449916938, 39.91640428150164)),
]

china_lng = st.floats(min_value=73.0, max_value=135.0, allow_nan=False)
china_lat = st.floats(min_value=4.0, max_value=53.0, allow_nan=False)


@pytest.mark.parametrize(("wgs", "gcj"), WGS_GCJ)
def test_wgs84_to_gcj02_matches_published_values(wgs, gcj):
    assert from_wgs84(wgs[0], wgs[1], CoordSystem.GCJ02) == pytest.approx(gcj, abs=1e-9)


@pytest.mark.parametrize(("wgs", "gcj"), WGS_GCJ)
def test_gcj02_to_wgs84_inverts_the_published_values(wgs, gcj):
    assert to_wgs84(gcj[0], gcj[1], CoordSystem.GCJ02) == pytest.approx(wgs, abs=1e-7)


def test_bd09_matches_published_values():
    # coordtransform: wgs84_to_bd09(116.404, 39.915) and gcj02_to_bd09(116.404, 39.915).
    assert from_wgs84(116.404, 39.915, CoordSystem.BD09) == pytest.approx(
        (116.41662724378733, 39.922699552216216), abs=1e-9
    )
    bd_of_gcj = (116.41036949371029, 39.92133699351022)
    wgs = to_wgs84(*bd_of_gcj, "bd09")
    # That BD-09 point is GCJ-02 (116.404, 39.915), whose WGS-84 is about (116.397756, 39.913596)
    # (coordtransform's one-step inverse, good to ~1e-6 degrees; ours is iterated to 1e-9).
    assert wgs == pytest.approx((116.39775550083061, 39.91359571849836), abs=2e-6)
    assert from_wgs84(*wgs, "bd09") == pytest.approx(bd_of_gcj, abs=1e-9)


def test_points_outside_china_are_not_offset():
    for crs in ("gcj02", "bd09"):
        assert to_wgs84(*from_wgs84(2.35, 48.85, crs), crs) == pytest.approx((2.35, 48.85), abs=1e-9)
    assert from_wgs84(2.35, 48.85, "gcj02") == (2.35, 48.85)


@settings(max_examples=200, deadline=None)
@given(lng=china_lng, lat=china_lat, crs=st.sampled_from(list(CoordSystem)))
def test_round_trip_through_any_system_is_within_1e6_degrees(lng, lat, crs):
    back = to_wgs84(*from_wgs84(lng, lat, crs), crs)
    assert back == pytest.approx((lng, lat), abs=1e-6)


@settings(max_examples=50, deadline=None)
@given(
    lngs=st.lists(china_lng, min_size=1, max_size=20),
    lat=china_lat,
    crs=st.sampled_from(list(CoordSystem)),
)
def test_vectorised_conversions_agree_with_the_scalar_ones(lngs, lat, crs):
    lats = [lat] * len(lngs)
    f_lng, f_lat = from_wgs84_many(lngs, lats, crs)
    b_lng, b_lat = to_wgs84_many(f_lng, f_lat, crs)
    for i, lng in enumerate(lngs):
        assert (f_lng[i], f_lat[i]) == pytest.approx(from_wgs84(lng, lat, crs), abs=1e-12)
        assert (b_lng[i], b_lat[i]) == pytest.approx(to_wgs84(f_lng[i], f_lat[i], crs), abs=1e-9)
    np.testing.assert_allclose(b_lng, lngs, atol=1e-6)


def test_crs_names_are_case_insensitive():
    assert to_wgs84(116.4, 39.9, "GCJ02") == to_wgs84(116.4, 39.9, CoordSystem.GCJ02)


@pytest.mark.parametrize("bad", ["mercator", "", None, 4326])
def test_unknown_crs_is_a_clear_value_error(bad):
    with pytest.raises(ValueError, match=r"未知坐标系.*wgs84, gcj02, bd09"):
        to_wgs84(116.4, 39.9, bad)
    with pytest.raises(ValueError, match="未知坐标系"):
        to_wgs84_many([116.4], [39.9], bad)
