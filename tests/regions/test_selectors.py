import pytest
from django.core.exceptions import ValidationError

from dangqun.core.errors import NotFoundError
from dangqun.regions import geoindex, selectors, services
from dangqun.regions.coords import CoordSystem, from_wgs84

from .conftest import X0, Y0, square

pytestmark = pytest.mark.django_db


@pytest.fixture
def check_every_call(settings):
    settings.DANGQUN = {**settings.DANGQUN, "GEO_INDEX_CHECK_SECONDS": 0}


@pytest.fixture
def check_rarely(settings):
    settings.DANGQUN = {**settings.DANGQUN, "GEO_INDEX_CHECK_SECONDS": 3600}


def test_region_by_code(tree):
    assert selectors.region_by_code("990001001") == tree.street
    with pytest.raises(NotFoundError, match="未知区划代码: 990009"):
        selectors.region_by_code("990009")


def test_subtree_is_one_query_and_includes_the_node(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        codes = [r.code for r in selectors.subtree(tree.community)]
    assert codes == ["990001001001", "990001001001001", "99000100100100101", "99000100100100102"]


def test_ancestors_is_one_query_root_first(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        chain = selectors.ancestors(tree.grid_a)
    assert [r.code for r in chain] == [
        "990001",
        "990001001",
        "990001001001",
        "990001001001001",
        "99000100100100101",
    ]
    assert [r.code for r in selectors.ancestors(tree.street, include_self=False)] == ["990001"]


def test_children_in_display_order(tree):
    assert list(selectors.children(tree.compound)) == [tree.grid_a, tree.grid_b]
    assert list(selectors.children(tree.grid_a)) == []


def test_locate_grid_in_wgs84(tree, check_every_call):
    assert selectors.locate_grid(X0 + 0.01, Y0 + 0.01) == tree.grid_a
    assert selectors.locate_grid(X0 + 0.06, Y0 + 0.01) == tree.grid_b


def test_locate_grid_on_the_shared_edge_returns_the_lower_id(tree, check_every_call):
    assert tree.grid_a.pk < tree.grid_b.pk
    assert selectors.locate_grid(X0 + 0.05, Y0 + 0.02) == tree.grid_a


@pytest.mark.parametrize("crs", [CoordSystem.GCJ02, CoordSystem.BD09, "gcj02"])
def test_locate_grid_converts_from_other_systems(tree, check_every_call, crs):
    lng, lat = from_wgs84(X0 + 0.06, Y0 + 0.01, crs)
    assert selectors.locate_grid(lng, lat, crs=crs) == tree.grid_b


def test_point_outside_every_grid_is_a_clear_error(tree, check_every_call):
    with pytest.raises(ValidationError, match="坐标不在本辖区任何网格内"):
        selectors.locate_grid(X0 + 0.15, Y0 + 0.05)  # inside the district, in no grid
    with pytest.raises(ValidationError, match="坐标不在本辖区任何网格内"):
        selectors.locate_grid(10.0, 10.0)


@pytest.mark.parametrize(
    ("lng", "lat", "crs", "message"),
    [
        (X0, Y0, "utm", "未知坐标系"),
        (200.0, Y0, "wgs84", "坐标超出范围"),
        (float("nan"), Y0, "wgs84", "坐标超出范围"),
        ("east", Y0, "wgs84", "坐标必须是数字"),
    ],
)
def test_bad_locate_input_is_a_clear_error(db, lng, lat, crs, message):
    with pytest.raises(ValidationError, match=message):
        selectors.locate_grid(lng, lat, crs=crs)


def test_inactive_grid_is_not_located(tree, check_every_call):
    type(tree.grid_a).objects.filter(pk=tree.grid_a.pk).update(is_active=False)
    services.geo_index_version_bump()
    with pytest.raises(ValidationError, match="坐标不在本辖区任何网格内"):
        selectors.locate_grid(X0 + 0.01, Y0 + 0.01)


def test_index_is_reused_until_the_check_interval_passes(tree, check_rarely, django_assert_num_queries):
    first = geoindex.get_grid_index()
    with django_assert_num_queries(0):
        assert geoindex.get_grid_index() is first


def test_version_bump_makes_get_grid_index_rebuild(tree, check_every_call, django_assert_num_queries):
    first = geoindex.get_grid_index()
    with django_assert_num_queries(1):  # only the version is read
        assert geoindex.get_grid_index() is first
    services.region_set_boundary(
        actor=tree.actor, region=tree.grid_b, boundary=square(X0 + 0.05, Y0, X0 + 0.07, Y0 + 0.05)
    )
    second = geoindex.get_grid_index()
    assert second is not first
    assert second.locate(X0 + 0.09, Y0 + 0.01) is None
    assert second.locate(X0 + 0.06, Y0 + 0.01) == tree.grid_b.pk


def test_committed_change_invalidates_this_process_index_at_once(
    tree, check_rarely, django_capture_on_commit_callbacks
):
    first = geoindex.get_grid_index()
    assert first.locate(X0 + 0.09, Y0 + 0.01) == tree.grid_b.pk
    with django_capture_on_commit_callbacks(execute=True):
        services.region_set_boundary(
            actor=tree.actor, region=tree.grid_b, boundary=square(X0 + 0.05, Y0, X0 + 0.07, Y0 + 0.05)
        )
    second = geoindex.get_grid_index()
    assert second is not first
    assert second.locate(X0 + 0.09, Y0 + 0.01) is None


def test_other_process_change_is_seen_after_the_check_interval(tree, settings):
    settings.DANGQUN = {**settings.DANGQUN, "GEO_INDEX_CHECK_SECONDS": 3600}
    first = geoindex.get_grid_index()
    services.geo_index_version_bump()  # as another process would, without our on_commit
    assert geoindex.get_grid_index() is first  # within the interval: the cached index
    settings.DANGQUN = {**settings.DANGQUN, "GEO_INDEX_CHECK_SECONDS": 0}
    assert geoindex.get_grid_index() is not first
