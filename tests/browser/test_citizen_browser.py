"""群众 app in a phone-sized Chromium: a bad photo is refused before sending; a request with a photo
goes in, the staff move it on (through the API, each in its own context), the citizen tracks it by
code and rates it."""

from __future__ import annotations

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


def test_citizen_submits_tracks_and_rates(login, new_page, server_url):  # type: ignore[no-untyped-def]
    page = login("citizen", viewport=PHONE)
    assert page.url.endswith("/citizen/")
    screenshot(page, "citizen-home")
    assert_no_sideways_scroll(page)

    page.get_by_role("link", name="我要反映").first.click()
    page.locator("#pick-map path.leaflet-interactive").first.wait_for()
    title = f"楼道堆物-{uuid.uuid4().hex[:6]}"
    page.get_by_label("标题").fill(title)
    page.get_by_label("详细描述").fill("三单元楼道堆放杂物,影响通行")
    photos = page.get_by_label("照片(选填)")
    photos.set_input_files(files=[{"name": "note.txt", "mimeType": "text/plain", "buffer": b"hello"}])
    assert "不是图片" in page.locator("#c-photos-error").inner_text()
    page.get_by_label("地址").fill("华泉社区3号楼三单元")
    page.get_by_role("button", name="提交").click()
    assert page.url.endswith("/citizen/submit/")  # refused in the browser: nothing was sent
    assert page.get_by_label("标题").input_value() == title
    screenshot(page, "citizen-submit-error")
    assert_no_sideways_scroll(page)

    photos.set_input_files(files=[{"name": "scene.png", "mimeType": "image/png", "buffer": png_bytes()}])
    assert page.locator("#c-photos-error").is_hidden()
    page.get_by_role("button", name="提交").click()
    page.wait_for_url("**/citizen/cases/**")
    code = page.url.split("/citizen/cases/")[1].split("/")[0]
    assert page.get_by_text(f"诉求编号 {code}").first.is_visible()
    assert page.locator(".photos img").count() == 1
    screenshot(page, "citizen-case-new")

    # the staff move it on, each in its own context
    mine = Api(new_page, server_url, "citizen").get(f"/api/v1/cases/{code}")
    dispatcher = Api(new_page, server_url, "dispatcher")
    department = Api(new_page, server_url, "department_staff")
    unit = next(m["department_code"] for m in department.me["memberships"] if m["department_code"])
    dispatcher.post(f"/api/v1/cases/{code}/accept")
    dispatcher.post(f"/api/v1/cases/{code}/dispatch", {"lead": {"department": unit}})
    department.post(f"/api/v1/cases/{code}/sign")
    department.post(f"/api/v1/cases/{code}/resolve", {"reason": "已清理楼道杂物"})
    dispatcher.post(f"/api/v1/cases/{code}/review")

    visitor = new_page(viewport=PHONE)
    visitor.goto("/citizen/track/")
    visitor.get_by_label("诉求编号").fill(code)
    visitor.get_by_label("手机号后四位").fill(mine["reporter_phone"][-4:])
    visitor.get_by_role("button", name="查询").click()
    assert visitor.get_by_text("已清理楼道杂物").first.is_visible()
    assert visitor.get_by_text("已审核待评价").first.is_visible()
    screenshot(visitor, "citizen-track")
    assert_no_sideways_scroll(visitor)

    page.reload()
    page.get_by_label("满意", exact=True).check()
    page.get_by_label("评价内容(选填)").fill("处理及时")
    page.get_by_role("button", name="提交评价").click()
    assert page.get_by_text("感谢您的评价。").is_visible()
    assert page.get_by_role("button", name="提交评价").count() == 0
    screenshot(page, "citizen-case-rated")
    assert dispatcher.get(f"/api/v1/cases/{code}")["satisfaction"] == "satisfied"

    page.goto("/citizen/inbox/")
    screenshot(page, "citizen-inbox")
    assert_no_sideways_scroll(page)


def test_citizen_pages_fit_a_phone_and_the_byte_budget(login):  # type: ignore[no-untyped-def]
    page = login("citizen", viewport=PHONE)
    for path in ("/citizen/", "/citizen/submit/", "/citizen/track/", "/citizen/inbox/"):
        weight = page_weight(page, path)
        assert weight < PAGE_BUDGET, f"{path}: {weight} bytes"
        assert_no_sideways_scroll(page)
