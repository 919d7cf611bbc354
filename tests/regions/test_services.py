import pytest
from django.core.exceptions import ValidationError

from dangqun.core.models import AuditEvent
from dangqun.regions import services
from dangqun.regions.events import RegionsEvent
from dangqun.regions.geoindex import current_geo_index_version
from dangqun.regions.models import Region, RegionLevel

from .conftest import X0, Y0, square

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int]:
    return Region.objects.count(), AuditEvent.objects.count(), current_geo_index_version()


def test_create_sets_level_path_label_point_and_area(tree):
    grid = Region.objects.get(pk=tree.grid_a.pk)
    assert grid.level == RegionLevel.GRID
    assert grid.path == "/990001/990001001/990001001001/990001001001001/99000100100100101/"
    assert (grid.centroid_lng, grid.centroid_lat) == pytest.approx((X0 + 0.025, Y0 + 0.025))
    assert grid.area_km2 == pytest.approx(4.82 * 5.54, rel=0.01)  # ~4.82 km × 5.54 km at 30°N
    assert grid.boundary == square(X0, Y0, X0 + 0.05, Y0 + 0.05)
    assert grid.sort_order == 1
    assert Region.objects.get(pk=tree.grid_b.pk).sort_order == 2


def test_create_writes_one_audit_event_with_code_and_area(tree):
    event = AuditEvent.objects.filter(
        event_type=RegionsEvent.REGION_CREATED, target_id=str(tree.grid_b.pk)
    ).get()
    assert event.actor == tree.actor
    assert event.data["code"] == "99000100100100102"
    assert event.data["parent"] == "990001001001001"
    assert event.data["area_km2"] == pytest.approx(tree.grid_b.area_km2)


def test_creating_a_grid_with_a_boundary_bumps_the_index_version(tree):
    before = current_geo_index_version()
    tree.grid("99000100100100103", "第3网格", None)  # no boundary: no bump
    assert current_geo_index_version() == before
    tree.grid_a.refresh_from_db()
    services.region_set_boundary(actor=tree.actor, region=tree.grid_a, boundary=tree.grid_a.boundary)
    assert current_geo_index_version() == before + 1


def test_grid_may_sit_directly_under_a_village_without_compounds(tree):
    village = services.region_create(
        actor=tree.actor, code="990001001002", name="测试村", kind="village", parent=tree.street
    )
    grid = tree.grid("99000100100201", "村网格", square(X0, Y0 + 0.05, X0 + 0.05, Y0 + 0.1), parent=village)
    assert grid.level == 5
    assert grid.parent == village
    with pytest.raises(ValidationError, match="已直接划分网格，不能再添加小区"):
        services.region_create(
            actor=tree.actor, code="990001001002001", name="小区", kind="compound", parent=village
        )


def test_grid_under_a_community_that_has_compounds_is_refused(tree):
    with pytest.raises(ValidationError, match="下设有小区，网格须建在小区之下"):
        tree.grid("99000100100199", "错网格", None, parent=tree.community)


@pytest.mark.parametrize(
    ("kind", "parent_attr", "message"),
    [
        ("street", None, "必须有上级区划"),
        ("district", "district", "区/县不能有上级区划"),
        ("compound", "street", "小区不能直接建在街道/乡镇"),
        ("grid", "street", "网格不能直接建在街道/乡镇"),
        ("community", "district", "社区不能直接建在区/县"),
    ],
)
def test_wrong_parent_level_is_refused_and_nothing_is_written(tree, kind, parent_attr, message):
    before = counts()
    parent = getattr(tree, parent_attr) if parent_attr else None
    with pytest.raises(ValidationError, match=message):
        services.region_create(actor=tree.actor, code="99X", name="X", kind=kind, parent=parent)
    assert counts() == before


def test_unknown_kind_duplicate_code_and_bad_code_are_refused(tree):
    before = counts()
    with pytest.raises(ValidationError, match="未知区划类型"):
        services.region_create(actor=tree.actor, code="99Y", name="Y", kind="province")
    with pytest.raises(ValidationError, match="区划代码已存在: 990001001"):
        services.region_create(
            actor=tree.actor, code="990001001", name="重复", kind="street", parent=tree.district
        )
    with pytest.raises(ValidationError, match="区划代码只能包含"):
        services.region_create(
            actor=tree.actor, code="99/1", name="斜杠", kind="street", parent=tree.district
        )
    with pytest.raises(ValidationError):
        services.region_create(
            actor=tree.actor, code="990001009", name="", kind="street", parent=tree.district
        )
    assert counts() == before


@pytest.mark.parametrize(
    ("boundary", "message"),
    [
        ("not json", "GeoJSON 对象"),
        ({"type": "Point", "coordinates": [X0, Y0]}, "Polygon 或 MultiPolygon"),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [[X0, Y0], [X0 + 0.01, Y0 + 0.01], [X0 + 0.01, Y0], [X0, Y0 + 0.01], [X0, Y0]]
                ],
            },
            "自相交",
        ),
        ({"type": "Polygon", "coordinates": [[[X0, Y0], [X0 + 0.01, Y0], [X0, Y0]]]}, "至少需要 4 个坐标"),
    ],
)
def test_bad_boundary_on_create_writes_nothing(tree, boundary, message):
    before = counts()
    with pytest.raises(ValidationError, match=message):
        tree.grid("99000100100100109", "坏网格", boundary)
    assert counts() == before


def test_overlapping_grid_is_refused_naming_the_other_grid(tree):
    before = counts()
    with pytest.raises(ValidationError, match=r"与网格 第1网格\(99000100100100101\) 重叠") as info:
        tree.grid("99000100100100103", "第3网格", square(X0 + 0.04, Y0 + 0.01, X0 + 0.045, Y0 + 0.02))
    assert info.value.code == "overlaps_grid"
    assert counts() == before


def test_grid_sharing_only_an_edge_is_accepted(tree):
    services.region_set_boundary(
        actor=tree.actor, region=tree.grid_b, boundary=square(X0 + 0.05, Y0, X0 + 0.08, Y0 + 0.05)
    )
    grid = tree.grid("99000100100100103", "第3网格", square(X0 + 0.08, Y0, X0 + 0.1, Y0 + 0.05))
    assert grid.area_km2 > 0


def test_grid_outside_its_parent_is_refused(tree):
    before = counts()
    with pytest.raises(ValidationError, match=r"超出上级区划 测试小区\(990001001001001\)") as info:
        tree.grid("99000100100100103", "出界网格", square(X0 + 0.1, Y0, X0 + 0.12, Y0 + 0.05))
    assert info.value.code == "outside_parent"
    assert counts() == before


def test_set_boundary_records_old_and_new_area_and_bumps_the_version(tree):
    before = current_geo_index_version()
    old_area = tree.grid_b.area_km2
    updated = services.region_set_boundary(
        actor=tree.actor, region=tree.grid_b, boundary=square(X0 + 0.05, Y0, X0 + 0.075, Y0 + 0.05)
    )
    assert updated.area_km2 == pytest.approx(old_area / 2, rel=1e-3)
    assert Region.objects.get(pk=tree.grid_b.pk).area_km2 == pytest.approx(updated.area_km2)
    event = AuditEvent.objects.filter(event_type=RegionsEvent.BOUNDARY_CHANGED).get()
    assert event.data == {
        "code": "99000100100100102",
        "old_area_km2": pytest.approx(old_area),
        "new_area_km2": pytest.approx(updated.area_km2),
    }
    assert current_geo_index_version() == before + 1


def test_set_boundary_overlapping_a_neighbour_changes_nothing(tree):
    before = counts()
    with pytest.raises(ValidationError, match=r"第1网格\(99000100100100101\)"):
        services.region_set_boundary(
            actor=tree.actor, region=tree.grid_b, boundary=square(X0 + 0.04, Y0, X0 + 0.1, Y0 + 0.05)
        )
    assert counts() == before
    assert Region.objects.get(pk=tree.grid_b.pk).boundary == square(X0 + 0.05, Y0, X0 + 0.1, Y0 + 0.05)


def test_set_boundary_rejects_a_self_intersecting_polygon(tree):
    before = counts()
    bow_tie = {
        "type": "Polygon",
        "coordinates": [[[X0, Y0], [X0 + 0.01, Y0 + 0.01], [X0 + 0.01, Y0], [X0, Y0 + 0.01], [X0, Y0]]],
    }
    with pytest.raises(ValidationError, match="自相交"):
        services.region_set_boundary(actor=tree.actor, region=tree.grid_a, boundary=bow_tie)
    assert counts() == before


def test_non_grid_boundary_change_does_not_bump_the_version(tree):
    before = current_geo_index_version()
    services.region_set_boundary(
        actor=tree.actor, region=tree.community, boundary=square(X0, Y0, X0 + 0.1, Y0 + 0.06)
    )
    assert current_geo_index_version() == before


def test_clearing_a_grid_boundary(tree):
    cleared = services.region_set_boundary(actor=tree.actor, region=tree.grid_a, boundary=None)
    assert cleared.boundary is None
    assert cleared.area_km2 is None
    assert cleared.centroid_lng is None


def test_region_update_renames_and_records_the_change(tree):
    updated = services.region_update(actor=tree.actor, region=tree.street, name="新街道", address="新地址")
    assert (updated.name, updated.address) == ("新街道", "新地址")
    event = AuditEvent.objects.filter(event_type=RegionsEvent.REGION_UPDATED).get()
    assert event.data == {
        "code": "990001001",
        "changes": {"name": ["测试街道", "新街道"], "address": ["", "新地址"]},
    }


def test_region_update_without_changes_writes_no_event(tree):
    before = counts()
    services.region_update(actor=tree.actor, region=tree.street, name="测试街道")
    assert counts() == before


def test_region_update_rejects_an_empty_name(tree):
    with pytest.raises(ValidationError):
        services.region_update(actor=tree.actor, region=tree.street, name="")
    assert Region.objects.get(pk=tree.street.pk).name == "测试街道"
