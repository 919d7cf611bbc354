"""The whole loop in a real browser, four people in four browser contexts:

a citizen submits a request with a photo on the phone → the dispatcher accepts and dispatches it in the
command centre → the department signs and resolves it (with a photo) in its workbench → the dispatcher
reviews it → the citizen rates it. Screenshots of each PC terminal go to test-results/screenshots/.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import Image

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


def photo(name: str, colour: tuple[int, int, int]) -> dict[str, object]:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(buffer, format="JPEG")
    return {"name": name, "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_citizen_to_rating_across_four_browsers(login, server_url):  # type: ignore[no-untyped-def]
    citizen = login("citizen", viewport=(360, 740))
    department = login("department_staff")
    dispatcher = login("dispatcher")
    assert dispatcher.url.endswith("/command/")
    assert department.url.endswith("/workbench/")
    unit_name = department.locator(".who-role").inner_text().split("·")[-1].strip()

    # 1. the citizen submits with a photo
    citizen.goto("/citizen/submit/")
    citizen.get_by_label("标题").fill("浏览器测试:小区门口路灯不亮")
    citizen.get_by_label("详细描述").fill("门口路灯连续三晚不亮,夜里老人出行不便。")
    citizen.get_by_label("地址").fill("元宝区六道口街道锦江花园门口")
    citizen.locator('input[type="file"][name="photos"]').set_input_files([photo("路灯.jpg", (30, 30, 90))])
    citizen.get_by_role("button", name="提交").click()
    citizen.wait_for_url(re.compile(r"/citizen/cases/[^/]+/"))
    code = re.search(r"/citizen/cases/([^/]+)/", citizen.url).group(1)  # type: ignore[union-attr]

    # 2. the dispatcher finds it in the triage queue and accepts and dispatches it in one action
    dispatcher.reload()
    item = dispatcher.locator(f"#queue-{code}")
    assert item.get_by_text("浏览器测试:小区门口路灯不亮").is_visible()
    item.get_by_label("主办单位").select_option(label=unit_name)
    item.get_by_label("办结时限(工作日)").fill("3")
    item.get_by_role("button", name="受理并派单").click()
    dispatcher.wait_for_url("**/command/")
    assert f"已派单 {code}" in dispatcher.locator(".messages").inner_text()
    dispatcher.goto(f"/cases/{code}/")
    assert dispatcher.locator(".status").inner_text() == "已派单"
    assert dispatcher.locator(".timeline").get_by_text("派单", exact=True).is_visible()

    # 3. the department signs in its inbox, then handles and resolves with a photo
    department.goto("/workbench/")
    row = department.locator("tr", has=department.get_by_role("link", name=code))
    assert row.locator(".light").count() == 1
    row.get_by_role("button", name=f"签收 {code}").click()
    department.wait_for_url("**/workbench/**")
    assert "已签收" in department.locator(".messages").inner_text()
    shot(department, "workbench")
    department.goto(f"/cases/{code}/")
    # the reporter's phone is masked; 显示电话 swaps it in place (htmx), an audited reveal
    contact = department.locator("#reporter-contact")
    assert "****" in contact.inner_text()
    contact.get_by_role("button", name="显示电话").click()
    contact.get_by_role("button", name="显示电话").wait_for(state="detached")
    assert re.search(r"1\d{10}", contact.inner_text()), contact.inner_text()
    assert "*" not in contact.inner_text()
    resolve = department.locator("#move-resolve")
    resolve.get_by_label("办理结果").fill("已更换灯泡并测试,恢复照明。")
    resolve.locator('input[type="file"]').set_input_files([photo("修复后.jpg", (220, 200, 40))])
    resolve.get_by_role("button", name="办结").click()
    department.wait_for_load_state()
    assert department.locator(".status").inner_text() == "已办结待审核"
    assert department.locator(".photos img").count() == 2
    shot(department, "case-page")

    # 4. the dispatcher reviews
    dispatcher.goto(f"/cases/{code}/")
    dispatcher.locator("#move-review").get_by_role("button", name="审核通过").click()
    dispatcher.wait_for_load_state()
    assert dispatcher.locator(".status").inner_text() == "已审核待评价"

    # 5. the citizen rates on the phone
    citizen.goto(f"/citizen/cases/{code}/")
    citizen.get_by_label("满意", exact=True).check()
    citizen.get_by_role("button", name="提交评价").click()
    citizen.wait_for_load_state()

    detail = dispatcher.request.get(f"{server_url}/api/v1/cases/{code}").json()
    assert detail["status"] == "closed"
    assert detail["satisfaction"] == "satisfied"
    assert {a["stage"] for a in detail["attachments"]} == {"report", "result"}
    types = [e["type"] for e in detail["timeline"]]
    for step in ("created", "accepted", "dispatched", "signed", "resolved", "reviewed", "rated"):
        assert step in types, step


def test_command_centre_pages_render_and_are_saved(login):  # type: ignore[no-untyped-def]
    page = login("dispatcher")
    page.locator("[data-chart] canvas").first.wait_for()
    shot(page, "command-centre")
    assert page.get_by_role("heading", name="待派单队列").is_visible()

    page.goto("/command/supervision/")
    shot(page, "command-supervision")

    logs: list[str] = []
    page.on("console", lambda m: logs.append(m.text))
    page.on("pageerror", lambda e: logs.append(str(e)))
    page.goto("/command/map/")
    page.locator("#case-map[data-loaded]").wait_for()
    status = page.locator("#map-status").inner_text()
    assert page.locator("#case-map").get_attribute("data-loaded") != "error", (status, logs)
    assert int(page.locator("#case-map").get_attribute("data-grids") or 0) > 0  # polygons, no tiles
    shot(page, "command-map")

    page.goto("/command/screen/")
    page.locator("[data-chart] canvas").first.wait_for()
    assert page.locator("#screen-panel[hx-trigger]").count() == 1
    shot(page, "command-screen")


def focused(page, attribute: str) -> str:  # type: ignore[no-untyped-def]
    """An attribute (or, for "value", the value) of the element that has the keyboard focus."""
    script = "(a) => a === 'value' ? document.activeElement.value : document.activeElement.getAttribute(a)"
    return str(page.evaluate(script, attribute) or "")


def hotline_case(page, server_url: str, title: str) -> str:  # type: ignore[no-untyped-def]
    """A case registered by the dispatcher from a hotline call (through the API, as the browser)."""
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"{server_url}/api/v1/cases",
        headers={"X-CSRFToken": token, "Referer": server_url + "/"},
        data={
            "channel": "hotline_12345",
            "title": title,
            "description": "来电反映:路口井盖松动,车辆经过有响声。",
            "reporter_phone": "13900002222",
            "address": "七道街道",
        },
    )
    assert response.status == 201, response.text()
    return str(response.json()["code"])


def test_keyboard_only_dispatch_from_the_queue(login, server_url):  # type: ignore[no-untyped-def]
    page = login("dispatcher")
    hotline_case(page, server_url, "键盘测试:井盖松动")
    page.reload()
    shot(page, "command-queue")
    page.keyboard.press("Tab")
    assert focused(page, "class") == "skip-link"
    page.keyboard.press("Enter")
    assert focused(page, "id") == "main"

    # tab to the first lead-unit select of the queue, pick a unit with the arrows, submit with Enter
    for _ in range(200):
        page.keyboard.press("Tab")
        if focused(page, "name") == "lead":
            break
    else:
        raise AssertionError("no lead-unit select reachable by keyboard")
    code = focused(page, "id").removeprefix("lead-")
    if not focused(page, "value"):
        page.keyboard.press("ArrowDown")
    assert focused(page, "value")
    for _ in range(5):
        page.keyboard.press("Tab")
        if focused(page, "type") == "submit":
            break
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert f"已派单 {code}" in page.locator(".messages").inner_text()

    detail = page.request.get(f"{server_url}/api/v1/cases/{code}").json()
    assert detail["status"] == "dispatched"
