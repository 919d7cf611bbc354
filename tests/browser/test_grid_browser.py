"""网格员 app in a phone-sized Chromium: the app shell works offline, a report made without signal
waits on the phone and arrives exactly once when the signal is back."""

from __future__ import annotations

import json
import uuid

from tests.browser.phone_helpers import (
    PAGE_BUDGET,
    PHONE,
    Api,
    assert_no_sideways_scroll,
    page_weight,
    png_bytes,
    screenshot,
)


def _cases_titled(api: Api, title: str) -> list[dict]:  # type: ignore[type-arg]
    items = api.get("/api/v1/cases?channel=grid_worker&limit=200")["items"]
    return [c for c in items if c["title"] == title]


def test_offline_report_waits_then_arrives_exactly_once(login, new_page, server_url):  # type: ignore[no-untyped-def]
    page = login("grid_worker", viewport=PHONE)
    assert page.url.rstrip("/") == server_url  # the grid worker lands on the grid app
    assert page.get_by_role("link", name="拍照上报").is_visible()
    screenshot(page, "grid-home")

    page.goto("/grid/map/")
    data = json.loads(page.locator("#map-data").text_content() or "{}")
    page.wait_for_selector("#grid-map path.leaflet-interactive")
    screenshot(page, "grid-map")
    lng, lat = data["centre"]["coordinates"]  # GeoJSON order; WGS-84 with no tile URL set
    page.context.grant_permissions(["geolocation"], origin=server_url)
    page.context.set_geolocation({"latitude": lat, "longitude": lng})

    page.goto("/grid/report/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now controlled by the service worker, which has stored the app shell
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.wait_for_function("document.getElementById('r-lat').value !== ''")

    api = Api(new_page, server_url, "grid_worker")
    title = f"离线上报-{uuid.uuid4().hex[:6]}"
    page.context.set_offline(True)
    page.reload()  # the page comes from the service worker's copy
    assert page.get_by_role("heading", name="拍照上报").is_visible()
    page.wait_for_function("document.getElementById('r-lat').value !== ''")
    page.get_by_label("标题").fill(title)
    page.get_by_label("情况描述").fill("路面塌陷约一平方米,已摆放警示桩")
    page.get_by_label("现场照片").set_input_files(
        files=[{"name": "scene.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.get_by_role("button", name="提交上报").click()

    waiting = page.locator(".queue-waiting", has_text=title)
    waiting.wait_for()
    assert "等待发送" in waiting.inner_text()
    assert "1 条上报等待发送" in page.locator("#net-status").inner_text()
    assert _cases_titled(api, title) == []
    screenshot(page, "grid-report-offline")
    assert_no_sideways_scroll(page)

    page.context.set_offline(False)
    sent = page.locator(".queue-sent", has_text=title)
    sent.wait_for(timeout=20_000)
    assert "已送达" in sent.inner_text()
    page.reload()  # a second flush on load must not make a second case
    page.locator(".queue-sent", has_text=title).wait_for()

    arrived = _cases_titled(api, title)
    assert len(arrived) == 1
    detail = api.get(f"/api/v1/cases/{arrived[0]['code']}")
    assert detail["channel"] == "grid_worker"
    assert detail["grid"] is not None
    assert [a["content_type"] for a in detail["attachments"]] == ["image/png"]

    page.goto("/grid/tasks/")
    assert page.get_by_text(title).is_visible()
    screenshot(page, "grid-tasks")
    page.get_by_text(title).click()
    page.get_by_label("处置结果").fill("已设置围挡并通知养护单位")
    page.get_by_role("button", name="确认现场办结").click()
    assert page.get_by_text("已现场办结。").is_visible()
    screenshot(page, "grid-case")
    assert api.get(f"/api/v1/cases/{arrived[0]['code']}")["status"] == "resolved"


def test_grid_pages_fit_a_phone_and_the_byte_budget(login):  # type: ignore[no-untyped-def]
    page = login("grid_worker", viewport=PHONE)
    for path in ("/grid/", "/grid/report/", "/grid/map/", "/grid/tasks/"):
        weight = page_weight(page, path)
        assert weight < PAGE_BUDGET, f"{path}: {weight} bytes"
        assert_no_sideways_scroll(page)
