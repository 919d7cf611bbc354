"""The server-side SVG map and the Chinese date filter."""

from __future__ import annotations

import datetime as dt
import math
import re

from django.utils import translation

from dangqun.web.svgmap import WIDTH, MapFeature, build_map
from dangqun.web.templatetags.dangqun_web import cn_date
from tests.web.conftest import square


def _points(d: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"[ML](-?[\d.]+) (-?[\d.]+)", d)]


def test_map_fits_shapes_into_the_view_box() -> None:
    svg = build_map(
        [
            MapFeature("a", "甲", square(0, 0, 0.01), href="/regions/a/", highlight=True),
            MapFeature("b", "乙", square(0.01, 0, 0.01)),
        ]
    )

    assert svg.width == WIDTH
    assert len(svg.shapes) == 2
    for shape in svg.shapes:
        for x, y in _points(shape.d):
            assert 0 <= x <= WIDTH
            assert 0 <= y <= svg.height
    assert svg.shapes[-1].highlight  # drawn last, on top


def test_map_scales_longitude_by_cos_latitude() -> None:
    # a square of 0.01° × 0.01° at 60°N is twice as tall as wide on the ground
    svg = build_map(
        [
            MapFeature(
                "a",
                "甲",
                {
                    "type": "Polygon",
                    "coordinates": [[[10, 60], [10.01, 60], [10.01, 60.01], [10, 60.01], [10, 60]]],
                },
            )
        ]
    )

    xs = [p[0] for p in _points(svg.shapes[0].d)]
    ys = [p[1] for p in _points(svg.shapes[0].d)]
    ratio = (max(ys) - min(ys)) / (max(xs) - min(xs))
    assert math.isclose(ratio, 1 / math.cos(math.radians(60.005)), rel_tol=0.02)


def test_map_handles_multipolygons_holes_and_missing_boundaries() -> None:
    outer = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    hole = [[0.4, 0.4], [0.6, 0.4], [0.6, 0.6], [0.4, 0.6], [0.4, 0.4]]
    features = [
        MapFeature(
            "m",
            "多",
            {"type": "MultiPolygon", "coordinates": [[outer, hole], [[[2, 0], [3, 0], [3, 1], [2, 0]]]]},
        ),
        MapFeature("n", "无", None),
        MapFeature("x", "坏", {"type": "Polygon", "coordinates": "nonsense"}),
    ]

    svg = build_map(features)

    assert [s.code for s in svg.shapes] == ["m"]
    assert svg.shapes[0].d.count("M") == 3


def test_empty_map() -> None:
    assert build_map([]).is_empty


def test_dense_rings_are_thinned() -> None:
    n = 5000
    ring = [[math.cos(2 * math.pi * i / n), math.sin(2 * math.pi * i / n)] for i in range(n)]
    ring.append(ring[0])

    svg = build_map([MapFeature("c", "圆", {"type": "Polygon", "coordinates": [ring]})])

    assert len(_points(svg.shapes[0].d)) < 2500


def test_cn_date_in_chinese_and_english() -> None:
    day = dt.date(2026, 11, 22)
    moment = dt.datetime(2026, 11, 22, 6, 5, tzinfo=dt.UTC)

    with translation.override("zh-hans"):
        assert cn_date(day) == "2026年11月22日"
        assert cn_date(moment, True) == "2026年11月22日 14:05"  # Asia/Shanghai
        assert cn_date(moment) == "2026年11月22日"
    with translation.override("en"):
        assert "2026" in cn_date(day)
    assert cn_date(None) == ""
