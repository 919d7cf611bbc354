"""The region tree, locating points, the responsibility chain and boundary changes over HTTP."""

from dangqun.accounts.models import Membership, Role
from dangqun.core.models import AuditEvent
from dangqun.regions.coords import CoordSystem, from_wgs84
from dangqun.regions.models import Region


def _persona_grid() -> Region:
    return Membership.objects.get(user__username="grid_worker", role=Role.GRID_WORKER).region


def test_the_tree_starts_at_the_district(api_as):
    client = api_as("citizen")

    top = client.get("/api/v1/regions").json()["items"]
    streets = client.get(f"/api/v1/regions?parent={top[0]['code']}&limit=100").json()

    assert [r["level"] for r in top] == [1]
    assert streets["count"] >= 2
    assert all(s["parent_code"] == top[0]["code"] for s in streets["items"])


def test_region_detail_has_boundary_ancestors_and_children(api_as):
    grid = _persona_grid()
    client = api_as("community_staff")

    body = client.get(f"/api/v1/regions/{grid.code}").json()

    assert body["boundary"]["type"] in {"Polygon", "MultiPolygon"}
    assert [a["level"] for a in body["ancestors"]] == sorted(a["level"] for a in body["ancestors"])
    assert body["ancestors"][0]["level"] == 1


def test_unknown_region_code_is_404_with_the_code_named(api_as):
    response = api_as("citizen").get("/api/v1/regions/999999")

    assert response.status_code == 404
    assert "999999" in response.json()["detail"]


def test_subtree_lists_every_grid_under_a_street(api_as):
    street = Membership.objects.get(user__username="street_staff", role=Role.STREET_STAFF).region
    client = api_as("street_staff")

    body = client.get(f"/api/v1/regions/{street.code}/subtree?level=5&limit=1000").json()

    assert body["count"] == Region.objects.filter(level=5, path__startswith=street.path).count() > 0


def test_every_grid_centroid_locates_back_to_its_grid(api_as):
    client = api_as("citizen")
    grids = list(Region.objects.filter(level=5))

    located = {
        g.code: client.get(f"/api/v1/regions/locate?lng={g.centroid_lng}&lat={g.centroid_lat}").json()[
            "grid"
        ]["code"]
        for g in grids
    }

    assert located == {g.code: g.code for g in grids}


def test_locate_converts_gcj02_and_bd09_points(api_as):
    grid = _persona_grid()
    client = api_as("citizen")
    for crs in (CoordSystem.GCJ02, CoordSystem.BD09):
        lng, lat = from_wgs84(grid.centroid_lng, grid.centroid_lat, crs)

        body = client.get(f"/api/v1/regions/locate?lng={lng}&lat={lat}&crs={crs.value}").json()

        assert body["grid"]["code"] == grid.code


def test_a_point_outside_the_district_is_a_clear_422(api_as):
    response = api_as("citizen").get("/api/v1/regions/locate?lng=116.39&lat=39.91")

    assert response.status_code == 422
    assert "网格" in response.json()["detail"]


def test_bad_coordinates_are_rejected_not_500(api_as):
    client = api_as("citizen")

    assert client.get("/api/v1/regions/locate?lng=abc&lat=40").status_code == 422
    assert client.get("/api/v1/regions/locate?lng=124&lat=40&crs=mars").status_code == 422


def test_chain_has_five_levels_with_people_and_party_orgs(api_as):
    grid = _persona_grid()
    client = api_as("citizen")

    links = client.get(f"/api/v1/grids/{grid.code}/chain").json()["links"]

    assert [link["level"] for link in links] == [
        "grid_worker",
        "grid_leader",
        "compound_branch",
        "community_committee",
        "street_committee",
    ]
    assert links[0]["people"]
    assert links[1]["people"]
    assert all(link["party_org_name"] for link in links[3:])


def test_chain_of_a_non_grid_is_404(api_as):
    street = Region.objects.filter(level=2).first()

    assert api_as("citizen").get(f"/api/v1/grids/{street.code}/chain").status_code == 404


def test_only_sysadmin_may_change_a_boundary(api_as):
    grid = _persona_grid()

    response = api_as("dispatcher").put_json(
        f"/api/v1/regions/{grid.code}/boundary", {"boundary": grid.boundary}
    )

    assert response.status_code == 403


def test_self_intersecting_boundary_is_rejected_and_nothing_changes(api_as):
    grid = _persona_grid()
    before = grid.boundary
    x, y = grid.centroid_lng, grid.centroid_lat
    bow_tie = {
        "type": "Polygon",
        "coordinates": [[[x, y], [x + 0.001, y + 0.001], [x + 0.001, y], [x, y + 0.001], [x, y]]],
    }
    events = AuditEvent.objects.count()

    response = api_as("sysadmin").put_json(f"/api/v1/regions/{grid.code}/boundary", {"boundary": bow_tie})

    assert response.status_code == 422
    assert response.json()["detail"]
    grid.refresh_from_db()
    assert grid.boundary == before
    assert AuditEvent.objects.count() == events


def test_malformed_geojson_is_rejected(api_as):
    grid = _persona_grid()
    client = api_as("sysadmin")

    for bad in (
        {"type": "Polygon"},
        {"type": "Point", "coordinates": [1, 2]},
        {"type": "Polygon", "coordinates": "x"},
    ):
        response = client.put_json(f"/api/v1/regions/{grid.code}/boundary", {"boundary": bad})
        assert response.status_code == 422, bad


def test_overlapping_grid_boundary_is_rejected_naming_the_other_grid(api_as):
    grid = _persona_grid()
    neighbour = Region.objects.filter(level=5).exclude(pk=grid.pk).order_by("path").first()

    response = api_as("sysadmin").put_json(
        f"/api/v1/regions/{grid.code}/boundary", {"boundary": neighbour.boundary}
    )

    assert response.status_code == 422
    assert neighbour.code in response.json()["detail"]


def test_changing_a_boundary_moves_the_index_and_writes_audit(api_as):
    grid = _persona_grid()
    client = api_as("sysadmin")

    response = client.put_json(f"/api/v1/regions/{grid.code}/boundary", {"boundary": grid.boundary})

    assert response.status_code == 200
    assert AuditEvent.objects.filter(event_type="regions.boundary_changed", target_id=str(grid.pk)).exists()
