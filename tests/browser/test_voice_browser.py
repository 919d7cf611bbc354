"""党的声音 in a browser: the street's party administrator writes an article with an image for the
members of the working committee's subtree and publishes it; the push runs in the background (one
worker batch); a party member finds it first on their phone home, opens it in large type, and the
administrator's receipt count rises by one."""

from __future__ import annotations

from tests.browser.phone_helpers import PHONE, assert_no_sideways_scroll, screenshot

TITLE = "学习贯彻全会精神:社区党员在行动"


def test_admin_publishes_member_reads_on_home_and_the_receipt_count_rises(login, server_manage) -> None:
    admin = login("party_admin")
    admin.goto("/voice/desk/")
    form = admin.locator("form[action='/voice/desk/']")
    form.get_by_label("类别").select_option("article")
    form.get_by_label("发送对象").select_option("members")
    form.get_by_label("党组织(发送给党员时)").select_option(index=1)  # the working committee itself
    form.get_by_label("标题").fill(TITLE)
    form.get_by_label("摘要").fill("党员认领服务岗,为居民办实事")
    form.get_by_label("正文(可含图片)").fill(
        "<p>本周社区党员认领服务岗。</p>"
        '<img src="/static/web/icons/icon-192.png" alt="党徽" onerror="alert(1)">'
    )
    form.get_by_label("置顶").check()
    form.get_by_role("button", name="发布并推送").click()
    admin.get_by_role("heading", name=TITLE).wait_for()
    assert admin.locator("#voice-status").inner_text() == "已发布"

    server_manage("db_worker", "--batch")  # the background push
    admin.reload()
    total = int(admin.locator("#voice-total").inner_text())
    before = int(admin.locator("#voice-read-count").inner_text())
    assert total >= 3
    assert before == 0
    screenshot(admin, "voice-receipts-before")

    member = login("party_member", viewport=PHONE)
    member.goto("/citizen/")
    feed = member.locator("#voice-feed")
    assert member.locator("main section").first.get_attribute("id") == "voice-feed"  # the first module
    link = feed.get_by_role("link", name=TITLE)
    link.wait_for()
    assert_no_sideways_scroll(member)
    screenshot(member, "voice-home-phone")
    link.click()
    member.get_by_role("heading", name=TITLE).wait_for()
    image = member.locator("article.voice-read img")
    assert image.get_attribute("alt") == "党徽"
    assert image.get_attribute("onerror") is None
    font = member.locator("article.voice-read").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert font >= 19  # large readable type
    screenshot(member, "voice-read-phone")

    admin.reload()
    assert int(admin.locator("#voice-read-count").inner_text()) == before + 1
    assert "黄志强" not in admin.locator("#unread-title + ul").inner_text()
