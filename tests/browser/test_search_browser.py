"""诉求查询 in a real browser: a citizen submits a case on the phone; the dispatcher finds it in the
command centre by its code, by the last four digits of the reporter's phone and by a word of its
text, sees it on top of the queue (newest first) and opens its full dispatch form on demand."""

from __future__ import annotations

import re
import uuid

from tests.browser.phone_helpers import PHONE, Api
from tests.browser.test_whole_loop import shot


def test_the_command_centre_finds_a_citizens_case(login, new_page, server_url):  # type: ignore[no-untyped-def]
    citizen = login("citizen", viewport=PHONE)
    word = f"琉璃瓦{uuid.uuid4().hex[:4]}"
    citizen.goto("/citizen/submit/")
    citizen.get_by_label("标题").fill("屋檐瓦片松动")
    citizen.get_by_label("详细描述").fill(f"三号楼屋檐的{word}松动,随时可能掉落。")
    citizen.get_by_label("地址").fill("元宝区六道口街道锦江花园三号楼")
    citizen.get_by_role("button", name="提交").click()
    citizen.wait_for_url(re.compile(r"/citizen/cases/[^/]+/"))
    code = re.search(r"/citizen/cases/([^/]+)/", citizen.url).group(1)  # type: ignore[union-attr]
    phone = Api(new_page, server_url, "dispatcher").post(
        f"/api/v1/cases/{code}/unmask", {"reason": "测试核对"}
    )
    last4 = phone["reporter_phone"][-4:]

    dispatcher = login("dispatcher")
    dispatcher.get_by_role("link", name="诉求查询").click()
    dispatcher.wait_for_url("**/command/cases/")
    for query in (code, last4, word):
        box = dispatcher.get_by_label("查找")
        box.fill(query)
        with dispatcher.expect_navigation():
            box.press("Enter")
        assert "find=" in dispatcher.url
        results = dispatcher.locator("table.search-results")
        assert results.get_by_role("link", name=code).is_visible(), query
    assert dispatcher.get_by_label("查找").input_value() == word
    shot(dispatcher, "command-case-search")

    # the queue: newest first, one compact row; 更多选项 brings the full form in place
    dispatcher.goto("/command/")
    first = dispatcher.locator("ol.queue > li").first
    assert first.get_attribute("id") == f"queue-{code}"
    first.get_by_role("button", name=f"{code} 的更多派单选项").click()
    first.locator(".dispatch-full").wait_for()
    assert first.get_by_label("紧急程度").is_visible()
    first.get_by_label("筛选协办单位").fill("局")
    assert first.locator(".co-unit-list label:not([hidden])").count() >= 1


def test_a_street_opens_its_own_command_view(login):  # type: ignore[no-untyped-def]
    page = login("street_staff")
    page.get_by_role("link", name="本级指挥中心").click()
    page.wait_for_url("**/command/")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.endswith("· 指挥中心"), heading
    assert page.locator("[data-light]").count() == 3
    shot(page, "street-command")
