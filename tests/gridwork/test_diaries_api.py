"""社情日记 through the API and the pages: a grid worker writes the day's diary (sent twice from the
offline queue, stored once), the community searches it, reads it (阅示) and comments; a read diary
is no longer edited; bad input names its field; other grids' diaries are 404."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from dangqun.core import clock
from dangqun.core.models import AuditEvent
from dangqun.demo.personas import DEMO_PASSWORD
from dangqun.gridwork.models import DiaryEntry, DiaryStatus

URL = "/api/v1/gridwork/diaries"


def _write(api, **fields):  # type: ignore[no-untyped-def]
    body = {"seen": "3号楼楼道堆放杂物", "done": "走访独居老人李奶奶", "heard": "居民希望增设快递柜"}
    body.update(fields)
    return api.post_json(URL, body)


def test_a_diary_sent_twice_is_stored_once_and_amended_the_same_day(api_as, grid_world) -> None:
    api = api_as("grid_worker")
    first = _write(api)
    again = _write(api)  # the offline queue retried it
    amended = _write(api, heard="居民反映夜间广场舞音量过大")

    assert first.status_code == 201, first.content
    assert again.status_code == 200
    assert amended.status_code == 200
    assert amended.json()["heard"] == "居民反映夜间广场舞音量过大"
    today = clock.local_today()
    assert DiaryEntry.objects.filter(author=grid_world.worker, day=today).count() == 1
    entry = DiaryEntry.objects.get(author=grid_world.worker, day=today)
    assert entry.grid_id == grid_world.grid.pk
    # written twice (the identical retry wrote nothing), each with its event
    events = AuditEvent.objects.filter(event_type="gridwork.diary_written", target_id=str(entry.pk))
    assert events.count() == 2


def test_the_community_finds_reads_and_comments_and_the_read_diary_is_kept(api_as, grid_world) -> None:
    worker = api_as("grid_worker")
    entry_id = _write(worker, heard="居民反映单元门禁损坏无人修").json()["id"]
    community = api_as("community_staff")

    found = community.get(URL, {"q": "门禁 损坏", "status": "submitted"}).json()
    assert [r["id"] for r in found["results"]] == [entry_id]
    assert community.get(URL, {"q": "门禁 不存在的词"}).json()["count"] == 0

    detail = community.get(f"{URL}/{entry_id}").json()
    assert [m["action"] for m in detail["moves"]] == ["review"]
    assert worker.get(f"{URL}/{entry_id}").json()["moves"] == []  # nobody reads their own diary

    commented = community.post_json(f"{URL}/{entry_id}/comments", {"text": "已转物业,三天内修复"})
    assert commented.status_code == 201, commented.content
    assert commented.json()["comments_count"] == 1
    reply = worker.post_json(f"{URL}/{entry_id}/comments", {"text": "好的,我跟进"})
    assert reply.status_code == 201

    reviewed = community.post_json(f"{URL}/{entry_id}/review", {"note": "情况清楚,继续跟进"})
    assert reviewed.status_code == 200, reviewed.content
    assert reviewed.json()["status"] == DiaryStatus.REVIEWED
    assert reviewed.json()["review_note"] == "情况清楚,继续跟进"
    assert [c["text"] for c in reviewed.json()["comments"]] == ["已转物业,三天内修复", "好的,我跟进"]

    again = community.post_json(f"{URL}/{entry_id}/review", {})
    assert again.status_code == 409
    locked = _write(worker, heard="改一改")
    assert locked.status_code == 409
    assert DiaryEntry.objects.get(pk=entry_id).heard == "居民反映单元门禁损坏无人修"


def test_bad_input_names_its_field_and_writes_nothing(api_as, grid_world) -> None:
    api = api_as("grid_worker")
    today = clock.local_today()
    cases = [
        ({"seen": "", "done": "", "heard": ""}, "seen"),
        ({"heard": "长" * 2001}, "heard"),
        ({"done": "a\x00b"}, "done"),
        ({"day": (today + dt.timedelta(days=1)).isoformat()}, "day"),
        ({"day": (today - dt.timedelta(days=30)).isoformat()}, "day"),
    ]
    for fields, field in cases:
        response = _write(api, **fields)
        assert response.status_code == 422, (fields, response.content)
        assert field in response.content.decode(), (fields, response.content)
    assert not DiaryEntry.objects.filter(author=grid_world.worker, day__gte=today).exists()
    backdated = _write(api, day=(today - dt.timedelta(days=1)).isoformat())
    assert backdated.status_code in (200, 201)  # written the next morning (or kept offline)


def test_scope_other_grids_roles_and_comments(api_as, grid_world) -> None:
    other = DiaryEntry.objects.filter(grid_path__startswith=grid_world.other.path).first()
    assert other is not None, "the demo writes diaries in every grid"
    assert api_as("grid_worker").get(f"{URL}/{other.pk}").status_code == 404
    assert api_as("community_staff").get(f"{URL}/{other.pk}").status_code == 404
    assert api_as("citizen").get(f"{URL}/{other.pk}").status_code == 404
    assert api_as("citizen").get(URL).json()["count"] == 0
    assert _write(api_as("community_staff")).status_code == 403  # only a grid's worker writes one
    assert _write(api_as("citizen")).status_code == 403
    mine = DiaryEntry.objects.filter(author=grid_world.worker).first()
    assert mine is not None
    # a worker cannot 阅示 anything; the community cannot comment outside its grids
    assert api_as("grid_worker").post_json(f"{URL}/{mine.pk}/review", {}).status_code in (403, 409)
    assert api_as("community_staff").post_json(f"{URL}/{other.pk}/comments", {"text": "x"}).status_code == 404
    empty = api_as("community_staff").post_json(f"{URL}/{mine.pk}/comments", {"text": "  "})
    assert empty.status_code == 422
    assert "text" in empty.content.decode()
    assert api_as("community_staff").get(URL, {"status": "nope"}).status_code == 422


def client_as(username: str) -> Client:
    client = Client()
    assert client.post("/login/", {"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


def test_the_pages_write_list_and_review(grid_world) -> None:  # type: ignore[no-untyped-def]
    worker = client_as("grid_worker")
    page = worker.get("/grid/diary/")
    assert page.status_code == 200
    assert "社情日记" in page.content.decode()
    saved = worker.post("/grid/diary/", {"seen": "", "done": "", "heard": ""})
    assert saved.status_code == 200
    assert "至少填写一项" in saved.content.decode()
    saved = worker.post("/grid/diary/", {"seen": "路灯不亮", "done": "", "heard": ""})
    assert saved.status_code == 302
    entry = DiaryEntry.objects.get(author=grid_world.worker, day=clock.local_today())

    community = client_as("community_staff")
    listing = community.get("/gridwork/diaries/", {"q": "路灯不亮"})
    assert listing.status_code == 200
    assert f'data-diary="{entry.pk}"' in listing.content.decode()
    assert community.get("/gridwork/diaries/", {"from": "yesterday"}).status_code == 200
    detail = community.get(f"/gridwork/diaries/{entry.pk}/")
    assert 'id="review-form"' in detail.content.decode()
    community.post(f"/gridwork/diaries/{entry.pk}/review/", {"note": "已阅"})
    entry.refresh_from_db()
    assert entry.status == DiaryStatus.REVIEWED
    assert 'id="review-form"' not in community.get(f"/gridwork/diaries/{entry.pk}/").content.decode()
    assert "已阅示" in worker.get("/grid/diary/").content.decode()
    assert client_as("citizen").get("/gridwork/diaries/").status_code == 403
