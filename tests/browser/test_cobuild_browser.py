"""区域化党建 in a browser: the community opens its 共驻共建 page from the 四项清单, records a 联席会议
with a decision for one of its co-building units, and the decision appears as a responsibility with
its owner — on the meeting's page, where the door offers 落实, and in the community's 责任清单."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.browser.phone_helpers import screenshot

TOPIC = "大党委联席会议:无障碍坡道改造协调"
DECISION = "完成3号楼无障碍坡道改造"
OWNER = "王建国"


def test_a_joint_meetings_decision_becomes_a_responsibility_with_its_owner(login):  # type: ignore[no-untyped-def]
    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    staff = login("community_staff")
    staff.get_by_role("link", name="四项清单").first.click()
    staff.locator('[data-list="responsibilities"]').wait_for()
    staff.get_by_role("link", name="共驻共建").click()
    staff.locator("#cobuild-stats").wait_for()
    units = staff.locator('[data-stat="units"] .big').inner_text()
    assert int(units) > 0, "the demo seats co-building units in the community"

    staff.get_by_text("记录联席会议").click()
    form = staff.locator("#record-meeting")
    form.get_by_label("会议主题").fill(TOPIC)
    form.get_by_label("参会单位和人员").fill("社区党委、驻区共建单位")
    form.get_by_label("议程").fill("坡道改造方案")
    first = form.locator("fieldset").first
    first.get_by_label("事项").fill(DECISION)
    unit = first.get_by_label("责任单位").locator("option").first.inner_text()
    first.get_by_label("责任人").fill(OWNER)
    first.get_by_label("完成时限").fill((today + dt.timedelta(days=30)).isoformat())
    form.get_by_role("button", name="保存").click()

    staff.get_by_role("heading", name=TOPIC).wait_for()
    row = staff.locator("#decisions tbody tr").first
    expect(row).to_contain_text(DECISION)
    expect(row).to_contain_text(OWNER)
    expect(row).to_contain_text(unit)
    expect(row.get_by_role("button", name="落实")).to_be_visible()
    screenshot(staff, "joint-meeting")

    # The decision is in the community's 责任清单 with its unit and owner, linked to the meeting.
    staff.locator(".eyebrow a").first.click()  # the meeting's region: its 共驻共建 page
    staff.locator("#cobuild-stats").wait_for()
    staff.locator(".eyebrow").get_by_role("link", name="四项清单").click()
    duty = staff.locator("#responsibilities tbody tr", has_text=DECISION).first
    expect(duty).to_contain_text(OWNER)
    expect(duty).to_contain_text(unit)
    expect(duty.get_by_role("link", name="联席会议决定")).to_be_visible()

    # 落实 from the meeting's page: done, and the door offers nothing more.
    duty.get_by_role("link", name="联席会议决定").click()
    row = staff.locator("#decisions tbody tr", has_text=DECISION).first
    row.get_by_label("落实情况").fill("坡道已施工并验收")
    row.get_by_role("button", name="落实").click()
    row = staff.locator("#decisions tbody tr", has_text=DECISION).first
    expect(row).to_contain_text("已完成")
    expect(row.get_by_role("button", name="落实")).to_have_count(0)
