"""Where is it: a typed address → building/compound → grid, through the API and at intake, on the demo
district's registry; odd input gets a low confidence, never an error page."""

from __future__ import annotations

import pytest

from dangqun.cases.models import Case
from dangqun.regions.models import Region, RegionLevel
from dangqun.registry.models import Building
from dangqun.triage import address_index
from dangqun.triage.address import building_key, local_similarity, normalize
from dangqun.triage.address_noise import make


@pytest.fixture(autouse=True)
def _fresh_index():  # type: ignore[no-untyped-def]
    address_index.invalidate()
    yield
    address_index.invalidate()


def _compound_building() -> Building:
    """A building in a compound whose full name no other compound shares."""
    names = list(Region.objects.filter(level=RegionLevel.COMPOUND).values_list("name", flat=True))
    for building in Building.objects.select_related("grid__parent").order_by("code"):
        parent = building.grid.parent
        if parent.level == RegionLevel.COMPOUND and names.count(parent.name) == 1:
            return building
    pytest.skip("the demo district has no compound")


def test_normalize_reads_numbers_and_building_words_alike() -> None:
    assert normalize("和谐小区 三栋") == normalize("和谐小区3号楼") == "和谐小区3号楼"
    assert normalize("和谐小区3#") == "和谐小区3号楼"
    assert building_key(normalize("榆树底村二组19号")) == "2-19"
    assert building_key(normalize("阳光小区十二幢2单元301室")) == "12"
    assert local_similarity("和谐小区", "我家在和协小区门口")[0] == pytest.approx(0.75)
    assert local_similarity("和谐小区", "和小谐区")[0] == pytest.approx(0.75)  # one swap costs one


def test_dispatcher_locates_an_abbreviated_address_to_its_grid(api_as) -> None:
    building = _compound_building()
    compound = building.grid.parent.name
    number = building.name.removesuffix("号楼")
    dispatcher = api_as("dispatcher")
    for typed in (f"{compound}{number}栋", f"{compound} {number}#", f"我家在{compound}{number}号楼2单元301"):
        body = dispatcher.post_json("/api/v1/triage/locate", {"address": typed}).json()
        assert body["grid"] == building.grid.code, (typed, body)
        assert body["confidence"] >= 0.8
        assert body["matched"].endswith(building.name)


def test_a_point_is_located_through_the_geometry_index(api_as) -> None:
    grid = Region.objects.filter(level=RegionLevel.GRID, centroid_lng__isnull=False).order_by("code").first()
    assert grid is not None
    dispatcher = api_as("dispatcher")
    body = dispatcher.post_json(
        "/api/v1/triage/locate", {"lng": grid.centroid_lng, "lat": grid.centroid_lat}
    ).json()
    assert body["grid"] == grid.code
    outside = dispatcher.post_json("/api/v1/triage/locate", {"lng": 10.0, "lat": 10.0})
    assert outside.status_code == 422


@pytest.mark.parametrize("typed", ["", "a", "楼", "火星基地七号舱", "😀😀😀", "x" * 100_000, "小区" * 50_000])
def test_odd_addresses_get_no_place_and_never_an_error(api_as, typed) -> None:
    response = api_as("dispatcher").post_json("/api/v1/triage/locate", {"address": typed})
    assert response.status_code == 200
    body = response.json()
    assert body["grid"] is None or body["confidence"] < 0.8
    assert body["confidence"] < 0.8


def test_a_longer_paste_is_refused_and_citizens_may_not_use_the_locator(api_as) -> None:
    too_long = api_as("dispatcher").post_json("/api/v1/triage/locate", {"address": "x" * 100_001})
    assert too_long.status_code == 422
    assert api_as("citizen").post_json("/api/v1/triage/locate", {"address": "和谐小区"}).status_code == 403


def test_a_case_with_only_an_address_gets_its_grid_with_no_one_choosing(api_as) -> None:
    building = _compound_building()
    compound = building.grid.parent.name
    citizen, dispatcher = api_as("citizen"), api_as("dispatcher")
    response = citizen.post_json(
        "/api/v1/cases",
        {
            "channel": "app",
            "title": "楼道灯坏了",
            "description": "楼道里的灯坏了一个星期,晚上看不见。",
            "address": f"{compound}{building.name.removesuffix('号楼')}栋",
        },
    )
    assert response.status_code == 201, response.content
    code = response.json()["code"]
    case = Case.objects.get(code=code)
    assert case.grid_id == building.grid_id
    assert case.region_id == building.grid_id
    block = dispatcher.get(f"/api/v1/cases/{code}").json()["suggested_route"]["address"]
    assert block["grid"] == building.grid.code
    assert block["confidence"] >= 0.8
    assert citizen.get(f"/api/v1/cases/{code}").json()["suggested_route"] == {}


def test_an_unknown_address_leaves_the_place_to_the_dispatcher_and_says_so(api_as) -> None:
    root = Region.objects.get(parent__isnull=True)
    response = api_as("citizen").post_json(
        "/api/v1/cases",
        {"channel": "app", "title": "噪音扰民", "description": "晚上有人施工。", "address": "宗裕城D区3号楼"},
    )
    assert response.status_code == 201, response.content
    case = Case.objects.get(code=response.json()["code"])
    assert case.region_id == root.pk
    assert case.grid_id is None
    assert case.suggested_route["address"]["confidence"] < 0.8
    assert case.suggested_route["address"]["query"] == "宗裕城D区3号楼"


def test_a_point_or_a_region_wins_over_the_address(api_as) -> None:
    building = _compound_building()
    other = (
        Region.objects.filter(level=RegionLevel.GRID).exclude(pk=building.grid_id).order_by("code").first()
    )
    assert other is not None
    response = api_as("dispatcher").post_json(
        "/api/v1/cases",
        {
            "channel": "hotline_12345",
            "reporter_phone": "13900000000",
            "title": "路面塌陷",
            "description": "路面塌了一个坑。",
            "region": other.code,
            "address": f"{building.grid.parent.name}{building.name}",
        },
    )
    assert response.status_code == 201, response.content
    case = Case.objects.get(code=response.json()["code"])
    assert case.region_id == other.pk
    assert "address" not in case.suggested_route


def test_accuracy_on_noisy_demo_addresses(demo) -> None:
    """The bound on the tiny demo district (bench/triage_address.py measures any scale)."""
    rows = make(300, seed=11)
    assert len(rows) == 300
    codes = dict(Region.objects.values_list("pk", "code"))
    threshold = address_index.confidence_threshold()
    placed = placed_right = top1 = 0
    for row in rows:
        result = address_index.resolve(row.text)
        grid = result.as_json()["grid"]
        top1 += grid == codes[row.grid_id]
        if result.confidence >= threshold:
            placed += 1
            placed_right += grid == codes[row.grid_id]
    assert top1 / len(rows) >= 0.9
    assert placed / len(rows) >= 0.8
    assert placed_right / placed >= 0.97  # a case placed on its own is almost never placed wrong
