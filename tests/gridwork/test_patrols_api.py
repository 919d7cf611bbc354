"""一日两巡 through the API: start, a track posted in batches (stored once, odd points flagged), a
finding that becomes a case, the end through the door, and the missed patrols by grid and day."""

from __future__ import annotations

import datetime as dt

from dangqun.cases.models import Case
from dangqun.core import clock
from dangqun.gridwork.models import Patrol, PatrolPoint, PatrolSlot, PatrolStatus
from dangqun.gridwork.patrols import missed_patrols


def _start(api, key: str = "start-1"):  # type: ignore[no-untyped-def]
    response = api.post_json("/api/v1/gridwork/patrols", {}, HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code in (200, 201), response.content
    return response


def _centre(grid) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    assert grid.centroid_lng is not None
    return grid.centroid_lng, grid.centroid_lat


def test_a_patrol_with_its_track_posted_twice_is_stored_once(api_as, grid_world) -> None:
    api = api_as("grid_worker")
    first = _start(api)
    assert first.status_code == 201
    assert _start(api).status_code == 200  # the same start retried
    patrol_id = first.json()["id"]
    lng, lat = _centre(grid_world.grid)
    t0 = clock.now() + dt.timedelta(seconds=5)
    batch = {
        "points": [
            {"at": (t0 + dt.timedelta(seconds=20 * i)).isoformat(), "lng": lng + 0.0001 * i, "lat": lat}
            for i in range(5)
        ]
    }
    url = f"/api/v1/gridwork/patrols/{patrol_id}/points"

    sent = api.post_json(url, batch)
    again = api.post_json(url, batch)

    assert sent.status_code == 200, sent.content
    assert sent.json()["added"] == 5
    assert again.json()["added"] == 0
    assert again.json()["points_count"] == 5
    assert PatrolPoint.objects.filter(patrol_id=patrol_id).count() == 5


def test_a_far_or_impossibly_fast_point_is_flagged_not_dropped(api_as, grid_world) -> None:
    api = api_as("grid_worker")
    patrol_id = _start(api).json()["id"]
    lng, lat = _centre(grid_world.grid)
    t0 = clock.now() + dt.timedelta(seconds=5)
    points = [
        {"at": t0.isoformat(), "lng": lng, "lat": lat},
        {"at": (t0 + dt.timedelta(seconds=20)).isoformat(), "lng": lng + 0.005, "lat": lat},  # ~400 m in 20 s
        {"at": (t0 + dt.timedelta(seconds=40)).isoformat(), "lng": lng + 2.0, "lat": lat},  # far outside
    ]
    body = api.post_json(f"/api/v1/gridwork/patrols/{patrol_id}/points", {"points": points}).json()

    assert body["added"] == 3
    assert body["flagged"] == 2
    flags = list(
        PatrolPoint.objects.filter(patrol_id=patrol_id).order_by("at").values_list("flag", flat=True)
    )
    assert flags == ["", "speed", "outside"]


def test_bad_points_are_422_naming_the_point(api_as) -> None:
    api = api_as("grid_worker")
    patrol_id = _start(api).json()["id"]
    old = (clock.now() - dt.timedelta(days=1)).isoformat()
    response = api.post_json(
        f"/api/v1/gridwork/patrols/{patrol_id}/points", {"points": [{"at": old, "lng": 1, "lat": 1}]}
    )
    assert response.status_code == 422
    assert "points.0.at" in response.content.decode()
    assert PatrolPoint.objects.filter(patrol_id=patrol_id).count() == 0


def test_a_finding_becomes_a_case_once_and_the_patrol_ends_through_the_door(api_as, grid_world) -> None:
    api = api_as("grid_worker")
    patrol_id = _start(api).json()["id"]
    finding = {"title": "井盖缺失", "description": "3号楼东侧井盖缺失,已设置警示"}
    url = f"/api/v1/gridwork/patrols/{patrol_id}/findings"

    made = api.post_json(url, finding, HTTP_IDEMPOTENCY_KEY="f-1")
    again = api.post_json(url, finding, HTTP_IDEMPOTENCY_KEY="f-1")

    assert made.status_code == 201, made.content
    assert again.status_code == 200
    code = made.json()["case_code"]
    assert again.json()["case_code"] == code
    case = Case.objects.get(code=code)
    assert case.channel == "grid_worker"
    assert case.grid == grid_world.grid
    detail = api.get(f"/api/v1/gridwork/patrols/{patrol_id}").json()
    assert detail["findings"] == [code]
    assert [m["action"] for m in detail["moves"]] == ["end"]

    ended = api.post_json(f"/api/v1/gridwork/patrols/{patrol_id}/end", {})
    assert ended.status_code == 200
    assert ended.json()["status"] == PatrolStatus.ENDED
    assert api.post_json(f"/api/v1/gridwork/patrols/{patrol_id}/end", {}).status_code == 409


def test_someone_elses_patrol(api_as, grid_world) -> None:
    patrol_id = _start(api_as("grid_worker")).json()["id"]
    leader = api_as("grid_leader")  # same grid: sees it, may not end it
    assert leader.get(f"/api/v1/gridwork/patrols/{patrol_id}").status_code == 200
    assert leader.post_json(f"/api/v1/gridwork/patrols/{patrol_id}/end", {}).status_code == 403
    assert api_as("citizen").get(f"/api/v1/gridwork/patrols/{patrol_id}").status_code == 404
    assert api_as("community_staff").post_json("/api/v1/gridwork/patrols", {}).status_code == 403


def test_an_evening_patrol_left_undone_shows_as_missed_the_next_morning(api_as, grid_world) -> None:
    yesterday = clock.local_today() - dt.timedelta(days=1)
    Patrol.objects.filter(grid=grid_world.grid, day=yesterday).delete()
    Patrol.objects.create(
        worker=grid_world.worker,
        grid=grid_world.grid,
        grid_path=grid_world.grid.path,
        day=yesterday,
        slot=PatrolSlot.MORNING,
        status=PatrolStatus.ENDED,
        started_at=clock.now() - dt.timedelta(days=1),
    )

    rows = api_as("community_staff").get(f"/api/v1/gridwork/patrols/missed?day={yesterday}").json()

    mine = [r for r in rows if r["grid_code"] == grid_world.grid.code]
    assert mine == [
        {
            "grid_code": grid_world.grid.code,
            "grid_name": grid_world.grid.name,
            "day": str(yesterday),
            "missing": ["evening"],
        }
    ]
    assert grid_world.other.code not in [r["grid_code"] for r in rows]
    assert missed_patrols(grid_world.worker, day=clock.local_today() + dt.timedelta(days=1)) == []
    page = api_as("community_staff").get(f"/gridwork/patrols/missed/?day={yesterday}")
    assert page.status_code == 200
    assert grid_world.grid.name in page.content.decode()
