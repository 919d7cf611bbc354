"""网格员履职: the month's figures per grid worker come from the same rows the pages show (patrols,
visits, diaries, cases reported), grow when the worker works, stay within the reader's grids, and a
bad month is a 422 naming ``month``."""

from __future__ import annotations

from django.test import Client

from dangqun.core import clock
from dangqun.demo.personas import DEMO_PASSWORD
from dangqun.gridwork.models import DiaryEntry, Patrol, PatrolStatus

URL = "/api/v1/gridwork/workers"


def _mine(rows, user_id):  # type: ignore[no-untyped-def]
    found = [r for r in rows if r["user_id"] == user_id]
    assert len(found) == 1
    return found[0]


def test_a_diary_written_today_counts_this_month(api_as, grid_world) -> None:
    staff = api_as("community_staff")
    before = _mine(staff.get(URL).json(), grid_world.worker.pk)
    today = clock.local_today()
    assert (
        before["diaries"]
        == DiaryEntry.objects.filter(
            author=grid_world.worker, day__gte=today.replace(day=1), day__lte=today
        ).count()
    )
    assert (
        before["patrols"]
        == Patrol.objects.filter(
            worker=grid_world.worker, day__gte=today.replace(day=1), day__lte=today, status=PatrolStatus.ENDED
        ).count()
    )
    written = api_as("grid_worker").post_json("/api/v1/gridwork/diaries", {"seen": "井盖松动"})
    assert written.status_code == 201
    after = _mine(staff.get(URL).json(), grid_world.worker.pk)
    assert after["diaries"] == before["diaries"] + 1


def test_scope_and_bad_month(api_as, grid_world) -> None:
    rows = api_as("community_staff").get(URL).json()
    assert rows
    assert all(r["grid_code"] != grid_world.other.code for r in rows)
    assert api_as("citizen").get(URL).json() == []
    for month in ("2026-13", "soon", "2999-01"):
        response = api_as("community_staff").get(URL, {"month": month})
        assert response.status_code == 422, month
        assert "month" in response.content.decode()


def test_the_page_sorts_and_explains_a_bad_month(grid_world) -> None:
    client = Client()
    login = client.post("/login/", {"username": "community_staff", "password": DEMO_PASSWORD})
    assert login.status_code == 302
    page = client.get("/gridwork/workers/", {"sort": "diaries"})
    assert page.status_code == 200
    assert f'data-worker="{grid_world.worker.pk}"' in page.content.decode()
    bad = client.get("/gridwork/workers/", {"month": "soon"})
    assert bad.status_code == 200
    assert "YYYY-MM" in bad.content.decode()
