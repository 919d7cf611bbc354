import math
import re

import pytest
from django.core.exceptions import ValidationError
from shapely.geometry import Polygon, box

from dangqun.regions.geometry import area_km2, label_point, to_geojson, validate_boundary

from .conftest import square


def test_valid_polygon_becomes_a_shapely_polygon():
    geom = validate_boundary(square(124.0, 40.0, 124.01, 40.01))
    assert geom.geom_type == "Polygon"
    assert geom.bounds == (124.0, 40.0, 124.01, 40.01)


def test_feature_and_multipolygon_are_accepted():
    feature = {"type": "Feature", "properties": {}, "geometry": square(0, 0, 1, 1)}
    assert validate_boundary(feature).geom_type == "Polygon"
    multi = {
        "type": "MultiPolygon",
        "coordinates": [square(0, 0, 1, 1)["coordinates"], square(2, 0, 3, 1)["coordinates"]],
    }
    assert validate_boundary(multi).geom_type == "MultiPolygon"


def test_polygon_with_a_hole_is_accepted():
    outer = square(0, 0, 4, 4)["coordinates"][0]
    hole = [[1, 1], [1, 2], [2, 2], [2, 1], [1, 1]]
    geom = validate_boundary({"type": "Polygon", "coordinates": [outer, hole]})
    assert geom.area == pytest.approx(15.0)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("POLYGON((0 0, 1 0, 1 1, 0 0))", "GeoJSON 对象"),
        ({"coordinates": []}, "缺少 type"),
        ({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, "Polygon 或 MultiPolygon"),
        ({"type": "Feature", "geometry": None}, "geometry"),
        ({"type": "Polygon"}, "coordinates"),
        ({"type": "Polygon", "coordinates": []}, "至少含一个环"),
        ({"type": "Polygon", "coordinates": [[[0, 0], ["a", 0], [1, 1], [0, 0]]]}, "非数字"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [True, 0], [1, 1], [0, 0]]]}, "非数字"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1], [1, 1], [0, 0]]]}, r"\[经度, 纬度\]"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [181, 0], [1, 1], [0, 0]]]}, "经度 181.0"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, -91], [1, 1], [0, 0]]]}, "纬度 -91.0"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}, "至少需要 4 个坐标"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}, "未闭合"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [2, 0], [0, 0]]]}, "面积为零"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [0, 0], [0, 0], [0, 0]]]}, "面积为零"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [math.nan, 0], [1, 1], [0, 0]]]}, "无效数值"),
    ],
)
def test_bad_geojson_is_rejected_with_a_message_naming_the_problem(value, message):
    with pytest.raises(ValidationError) as info:
        validate_boundary(value)
    assert any(re.search(message, m) for m in info.value.messages), info.value.messages


def test_bow_tie_is_rejected_as_self_intersecting_with_the_location():
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    with pytest.raises(ValidationError, match=r"自相交.*0\.5 0\.5") as info:
        validate_boundary(bow_tie)
    assert info.value.code == "self_intersection"


def test_label_point_is_the_centroid_of_a_convex_polygon():
    assert label_point(box(0, 0, 2, 2)) == pytest.approx((1.0, 1.0))


def test_label_point_of_a_c_shape_lies_inside_it():
    c_shape = Polygon([(0, 0), (3, 0), (3, 1), (1, 1), (1, 2), (3, 2), (3, 3), (0, 3), (0, 0)])
    assert not c_shape.contains(c_shape.centroid)
    lng, lat = label_point(c_shape)
    assert c_shape.contains(Polygon.from_bounds(lng, lat, lng, lat).centroid)


def test_area_of_a_one_km_square_near_the_equator():
    # 1 km along the equator is 1/111.3195 degrees of longitude; 1 km of latitude 1/110.574 degrees.
    geom = box(0, 0, 1 / 111.3195, 1 / 110.574)
    assert area_km2(geom) == pytest.approx(1.0, rel=1e-3)


def test_area_of_a_one_degree_cell_matches_the_ellipsoid():
    # Exact WGS-84 area of the cell 124–125°E, 40–41°N: 9,412.85 km² (authalic-latitude formula).
    assert area_km2(box(124, 40, 125, 41)) == pytest.approx(9412.85, rel=1e-4)


def test_to_geojson_round_trips_through_validation():
    geom = validate_boundary(square(124.0, 40.0, 124.01, 40.01))
    out = to_geojson(geom)
    assert out == square(124.0, 40.0, 124.01, 40.01)
    assert validate_boundary(out).equals(geom)
