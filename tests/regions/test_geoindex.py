import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon, box

from dangqun.regions.geoindex import GridIndex


@pytest.fixture(scope="module")
def two_by_two() -> GridIndex:
    # Ids deliberately not in geometric order: 7 | 3 on top, 5 | 9 below.
    return GridIndex(
        [7, 3, 5, 9],
        [box(0, 1, 1, 2), box(1, 1, 2, 2), box(0, 0, 1, 1), box(1, 0, 2, 1)],
    )


def test_point_inside_a_grid_returns_its_id(two_by_two):
    assert two_by_two.locate(0.5, 1.5) == 7
    assert two_by_two.locate(1.5, 0.5) == 9


def test_point_outside_every_grid_returns_none(two_by_two):
    assert two_by_two.locate(5.0, 5.0) is None
    assert two_by_two.locate(-0.001, 0.5) is None
    assert two_by_two.locate(float("nan"), 0.5) is None


def test_point_on_a_shared_edge_returns_the_lowest_id(two_by_two):
    assert two_by_two.locate(1.0, 1.5) == 3  # between 7 and 3
    assert two_by_two.locate(0.5, 1.0) == 5  # between 7 and 5
    assert two_by_two.locate(1.0, 1.0) == 3  # the corner of all four
    assert two_by_two.locate(1.5, 1.0) == 3  # between 3 and 9


def test_point_on_the_outer_boundary_belongs_to_the_grid(two_by_two):
    assert two_by_two.locate(0.0, 0.5) == 5
    assert two_by_two.locate(2.0, 2.0) == 3


def test_locate_many_gives_the_same_answers_as_locate(two_by_two):
    xs = np.array([0.5, 1.5, 1.0, 0.5, 1.0, 5.0, np.nan, 2.0, 0.0])
    ys = np.array([1.5, 0.5, 1.5, 1.0, 1.0, 5.0, 0.5, 2.0, 0.5])
    got = two_by_two.locate_many(xs, ys)
    assert got.dtype == np.int64
    assert got.tolist() == [7, 9, 3, 5, 3, -1, -1, 3, 5]
    assert got.tolist() == [two_by_two.locate(x, y) or -1 for x, y in zip(xs, ys, strict=True)]


def test_empty_index_finds_nothing():
    index = GridIndex([], [])
    assert index.locate(1.0, 1.0) is None
    assert index.locate_many(np.array([1.0]), np.array([1.0])).tolist() == [-1]


def test_duplicate_ids_are_refused():
    with pytest.raises(ValueError, match="unique"):
        GridIndex([1, 1], [box(0, 0, 1, 1), box(1, 0, 2, 1)])


def test_polygon_with_a_hole_does_not_claim_the_hole():
    ring = Polygon(box(0, 0, 3, 3).exterior.coords, [box(1, 1, 2, 2).exterior.coords])
    index = GridIndex([1, 2], [ring, box(1, 1, 2, 2)])
    assert index.locate(1.5, 1.5) == 2
    assert index.locate(0.5, 0.5) == 1


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**31), n=st.integers(1, 60))
def test_random_voronoi_tilings_agree_with_a_brute_force_scan(seed, n):
    import shapely

    rng = np.random.default_rng(seed)
    pts = rng.random((n, 2))
    frame = box(0, 0, 1, 1)
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=frame, ordered=True)
    )
    cells = shapely.intersection(cells, frame)
    ids = rng.permutation(np.arange(100, 100 + len(cells)))
    index = GridIndex(ids, cells)
    qx, qy = rng.uniform(-0.1, 1.1, 300), rng.uniform(-0.1, 1.1, 300)
    many = index.locate_many(qx, qy)
    for i, (x, y) in enumerate(zip(qx.tolist(), qy.tolist(), strict=True)):
        hits = [int(ids[j]) for j in range(len(cells)) if shapely.intersects_xy(cells[j], x, y)]
        expected = min(hits) if hits else None
        assert index.locate(x, y) == expected
        assert many[i] == (expected if expected is not None else -1)
