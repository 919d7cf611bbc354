"""办事指南 in a browser: a resident scans a service item's QR code — its public page opens on a
phone without logging in — reads the 一次性告知单, signs in from the page, applies online with a photo
of a material, and the community's staff carry the application to 办结 within its time limit from the
workbench; the resident then sees it done with its hand-over."""

from __future__ import annotations

import datetime as dt

from tests.browser.phone_helpers import PHONE, Api, assert_no_sideways_scroll, png_bytes, screenshot

PASSWORD = "Dangqun@2026"


def test_resident_scans_applies_with_a_file_and_staff_carry_it_to_done(new_page, server_url) -> None:
    staff_api = Api(new_page, server_url, "community_staff")
    open_items = staff_api.get("/api/v1/civic/applications?status=open")["items"]
    code = open_items[0]["item_code"]
    item = staff_api.get(f"/api/v1/civic/services/{code}")
    qr = staff_api.page.request.get(f"{server_url}{item['qr_url']}")
    assert qr.ok
    assert qr.headers["content-type"] == "image/svg+xml"

    # The QR code's target, on a phone, not logged in.
    phone = new_page(viewport=PHONE)
    phone.goto(item["page_url"])
    phone.get_by_role("heading", name=item["name"]).wait_for()
    for material in item["materials"]:
        assert phone.locator(".materials-list li", has_text=material["name"]).count() >= 1
    assert_no_sideways_scroll(phone)
    screenshot(phone, "guide-item-phone")
    phone.get_by_role("link", name="打印一次性告知单").click()
    phone.get_by_role("heading", name="一次性告知单").wait_for()
    assert phone.locator(".qr-inline svg").count() == 1
    phone.go_back()

    # Apply online: the page sends the resident to sign in, then back to the form.
    phone.get_by_role("link", name="网上代办申请").click()
    phone.get_by_label("用户名").fill("citizen")
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_url(f"**/civic/services/{code}/apply/")
    phone.get_by_label("上传材料(拍照或PDF)").set_input_files(
        files=[{"name": "户口簿.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    phone.get_by_label("申请说明(选填)").fill("请帮忙代办,谢谢")
    phone.get_by_role("button", name="提交申请").click()
    phone.wait_for_url("**/civic/applications/*/")
    assert phone.locator("#app-status").inner_text() == "待受理"
    application_url = phone.url.removeprefix(server_url)

    # The community's staff: the workbench lists it with its light; they accept, hand over, complete.
    desk = new_page()
    desk.goto("/login/?next=/civic/service-desk/")
    desk.get_by_label("用户名").fill("community_staff")
    desk.get_by_label("密码").fill(PASSWORD)
    desk.get_by_role("button", name="登录").click()
    desk.wait_for_url("**/civic/service-desk/")
    row = desk.locator("#desk-table tbody tr", has=desk.locator(f'a[href="{application_url}"]'))
    assert row.locator(".light").count() == 1
    row.locator("a").first.click()
    desk.locator('[data-move="accept"]').click()
    desk.get_by_label("交给(接收方)").fill("区政务服务中心民政窗口")
    desk.get_by_label("交接说明").fill("代办员送交材料")
    desk.locator('[data-move="hand_over"]').click()
    desk.locator("#handovers", has_text="区政务服务中心民政窗口").wait_for()
    desk.get_by_label("办理结果", exact=True).first.fill("已办结,证件已送达")
    desk.locator('[data-move="complete"]').click()
    assert desk.locator("#app-status").inner_text() == "已办结"
    assert desk.locator("[data-move]").count() == 0

    # Done within the time limit, and the resident sees it with its hand-over.
    detail = staff_api.get(f"/api/v1/civic/applications/{application_url.rstrip('/').rsplit('/', 1)[-1]}")
    assert detail["status"] == "done"
    assert dt.datetime.fromisoformat(detail["done_at"]) <= dt.datetime.fromisoformat(detail["due_at"])
    phone.reload()
    assert phone.locator("#app-status").inner_text() == "已办结"
    assert phone.locator("#handovers", has_text="区政务服务中心民政窗口").count() == 1
    screenshot(phone, "guide-application-done-phone")
