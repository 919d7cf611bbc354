import collections
import re

import numpy as np
import pytest
import shapely

from dangqun.regions.geoindex import GridIndex
from dangqun.regions.geometry import area_km2, label_point
from dangqun.regions.layout import RegionSpec, generate_layout


@pytest.fixture(scope="module")
def layout() -> list[RegionSpec]:
    return generate_layout(scale=1.0, seed=1)


@pytest.fixture(scope="module")
def small() -> list[RegionSpec]:
    return generate_layout(scale=0.02, seed=3)


def grids_of(specs):
    return [s for s in specs if s.kind == "grid"]


def test_counts_at_scale_one(layout):
    kinds = collections.Counter(s.kind for s in layout)
    assert kinds["district"] == 1
    assert (kinds["street"], kinds["town"]) == (4, 1)
    assert kinds["community"] + kinds["village"] == 45
    assert kinds["village"] == 9
    assert 1035 * 0.97 <= kinds["grid"] <= 1035 * 1.03
    per_community = collections.Counter(s.parent_code for s in layout if s.kind == "compound")
    assert all(2 <= n <= 6 for n in per_community.values())
    assert np.mean(list(per_community.values())) >= 3


def test_district_area_is_about_100_km2_times_scale(layout, small):
    assert area_km2(layout[0].geometry) == pytest.approx(100, rel=0.05)
    assert area_km2(small[0].geometry) == pytest.approx(2, rel=0.05)


def test_grids_tile_the_district_without_gap_or_overlap(layout):
    district = layout[0].geometry
    grids = [s.geometry for s in grids_of(layout)]
    assert shapely.union_all(grids).area == pytest.approx(district.area, rel=1e-9)
    assert sum(g.area for g in grids) == pytest.approx(district.area, rel=1e-9)
    assert all(g.is_valid and not g.is_empty for g in grids)


def test_every_parent_is_the_union_of_its_children(layout):
    by_parent = collections.defaultdict(list)
    for s in layout:
        by_parent[s.parent_code].append(s.geometry)
    for s in layout:
        if s.kind != "grid":
            union = shapely.union_all(by_parent[s.code])
            assert union.symmetric_difference(s.geometry).area <= 1e-12 * s.geometry.area + 1e-18, s.code


def test_parents_come_before_children_and_codes_extend_the_parent(layout):
    seen: set[str] = set()
    for s in layout:
        if s.parent_code is not None:
            assert s.parent_code in seen
            assert s.code.startswith(s.parent_code)
        seen.add(s.code)
    assert len(seen) == len(layout)
    lengths = {kind: {len(s.code) for s in layout if s.kind == kind} for kind in ("street", "community")}
    assert lengths == {"street": {9}, "community": {12}}
    assert all(re.fullmatch(r"\d+", s.code) for s in layout)


def test_siblings_are_numbered_from_one(layout):
    by_parent = collections.defaultdict(list)
    for s in layout:
        by_parent[s.parent_code].append(s.index)
    for indexes in by_parent.values():
        assert sorted(indexes) == list(range(1, len(indexes) + 1))


def test_village_grids_sit_directly_under_the_village(layout):
    kind_of = {s.code: s.kind for s in layout}
    parents = {kind_of[s.parent_code] for s in grids_of(layout)}
    assert parents == {"compound", "village"}
    assert not any(kind_of[s.parent_code] == "village" for s in layout if s.kind == "compound")


def test_every_grid_label_point_maps_back_to_that_grid(layout):
    grids = grids_of(layout)
    index = GridIndex(list(range(1, len(grids) + 1)), [g.geometry for g in grids])
    points = np.array([label_point(g.geometry) for g in grids])
    assert index.locate_many(points[:, 0], points[:, 1]).tolist() == list(range(1, len(grids) + 1))
    assert [index.locate(x, y) for x, y in points.tolist()] == list(range(1, len(grids) + 1))


def test_same_seed_gives_the_same_layout_and_another_seed_does_not():
    a = generate_layout(scale=0.05, seed=11)
    b = generate_layout(scale=0.05, seed=11)
    c = generate_layout(scale=0.05, seed=12)
    assert [(s.code, s.kind, s.parent_code, s.index) for s in a] == [
        (s.code, s.kind, s.parent_code, s.index) for s in b
    ]
    assert all(x.geometry.equals_exact(y.geometry, 0) for x, y in zip(a, b, strict=True))
    assert not a[0].geometry.equals(c[0].geometry)


def test_small_scale_still_has_the_minimum_structure(small):
    kinds = collections.Counter(s.kind for s in small)
    assert kinds["street"] >= 2
    for street in (s for s in small if s.kind == "street"):
        communities = [s for s in small if s.parent_code == street.code]
        assert len(communities) >= 2
    level3 = [s.code for s in small if s.kind in ("community", "village")]
    for code in level3:
        n_grids = sum(1 for s in grids_of(small) if s.code.startswith(code))
        assert n_grids >= 2, code


def test_layout_is_placed_at_the_requested_centre():
    specs = generate_layout(scale=0.05, center=(116.4, 39.9), district_code="110101")
    lng, lat = specs[0].geometry.centroid.coords[0]
    assert (lng, lat) == pytest.approx((116.4, 39.9), abs=0.02)
    assert specs[0].code == "110101"


@pytest.mark.parametrize("bad", [0, -1, float("nan")])
def test_bad_scale_is_refused(bad):
    with pytest.raises(ValueError, match="scale"):
        generate_layout(scale=bad)
