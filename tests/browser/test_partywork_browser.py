"""党员进社区 in the browser (issue 18's walk): an anonymous visitor finds the nearest 党群服务中心 on the
public map; a working member reports in to their home community, signs up for a 服务岗 and serves two
hours, which the community confirms — they show on the member's page and in their employer branch's
view; a pairing visit is recorded and the branch's totals rise."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

POST_TITLE = "浏览器测试·楼道清理"
SKILLS = "浏览器测试·环境整治"


def _decimal(page, selector: str) -> Decimal:  # type: ignore[no-untyped-def]
    return Decimal(re.sub(r"[^0-9.]", "", page.locator(selector).inner_text()))


def test_anonymous_visitor_finds_the_nearest_service_center(new_page) -> None:  # type: ignore[no-untyped-def]
    probe = new_page()
    centers = json.loads(probe.request.get("/api/v1/partywork/nav?kind=service_center&limit=5").text())
    center = centers[0]
    page = new_page(
        geolocation={"latitude": center["lat"] + 0.0002, "longitude": center["lng"]},
        permissions=["geolocation"],
    )
    page.goto("/partywork/nav/")
    page.get_by_label("类型").select_option("service_center")
    page.get_by_role("button", name="离我最近").click()
    expect(page.locator("#nav-status")).to_contain_text("由近及远")
    first = page.locator("#nav-list .nav-point").first
    expect(first).to_contain_text(center["name"])
    expect(first).to_contain_text("开放时间")
    expect(page.locator("#nav-map")).to_be_visible()


def test_working_member_serves_where_they_live_and_a_pairing_visit_counts(login) -> None:  # type: ignore[no-untyped-def]
    member = login("working_member")
    member.goto("/citizen/partywork/")
    hours_before = _decimal(member, "#pw-hours")
    unit_name = member.locator(".facts dd").first.inner_text().strip()
    report = member.locator("#pw-reports-title + ul li").first
    community = report.locator(".list-title").inner_text().split("·")[0].strip()
    # Already reported in: end it (moved house), then report in to the home community again.
    report.get_by_label("原因").fill("重新报到")
    report.get_by_role("button", name="结束报到").click()
    member.get_by_label("居住地社区").select_option(label=community)
    member.get_by_label("特长与意愿").fill(SKILLS)
    member.get_by_role("button", name="申请报到").click()
    expect(member.locator("#pw-reports-title + ul li").first).to_contain_text("待确认")

    staff = login("community_staff")
    staff.goto("/partywork/")
    staff.get_by_role("link", name=community, exact=True).click()
    community_url = staff.url
    pending = staff.locator("#pw-pending-title + div tbody tr", has_text=SKILLS)
    member_name = pending.locator("th").inner_text().strip()
    pending.get_by_role("button", name="确认报到").click()
    # The community posts a 服务岗 for today.
    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    staff.get_by_label("名称", exact=True).fill(POST_TITLE)
    staff.get_by_label("服务日期").fill(today)
    staff.get_by_label("名额").fill("5")
    staff.get_by_role("button", name="发布服务岗").click()
    expect(staff.locator("h3", has_text=POST_TITLE)).to_be_visible()

    member.goto("/citizen/partywork/")
    expect(member.locator("#pw-reports-title + ul li").first).to_contain_text("已报到")
    member.get_by_role("button", name=f"报名 {POST_TITLE}").click()
    expect(member.locator("#pw-signups-title + ul")).to_contain_text(POST_TITLE)

    staff.goto(community_url)
    signup = (
        staff.locator("h3", has_text=POST_TITLE).locator("xpath=following-sibling::ul[1]").locator("li").first
    )
    signup.get_by_label("服务时长(小时)").fill("2")
    signup.get_by_role("button", name=re.compile("确认时长")).click()
    expect(
        staff.locator("h3", has_text=POST_TITLE).locator("xpath=following-sibling::ul[1]")
    ).to_contain_text("已确认")

    member.goto("/citizen/partywork/")
    assert _decimal(member, "#pw-hours") == hours_before + 2

    # 双报到: the employer branch's view (its street's 党工委 holds it) shows the member's hours.
    admin = login("party_admin")
    admin.goto("/partywork/")
    admin.get_by_role("link", name=unit_name, exact=True).click()
    expect(admin.locator("tbody")).to_contain_text(member_name)
    assert _decimal(admin, "#pw-unit-total") >= 2

    # 结对帮扶: the branch records a visit and its totals rise.
    secretary = login("branch_secretary")
    secretary.goto("/partywork/")
    secretary.get_by_role("link", name=re.compile("^结对帮扶 ")).first.click()
    visits, problems = _decimal(secretary, "#pt-visits"), _decimal(secretary, "#pt-problems")
    money = _decimal(secretary, "#pt-money")
    secretary.locator("tbody tr").first.get_by_role("link").click()
    secretary.get_by_label("走访发现").fill("老人冬季取暖煤不足")
    secretary.get_by_label("帮扶措施").fill("送去取暖煤")
    secretary.get_by_label("帮扶资金(元)").fill("500")
    secretary.get_by_label("解决问题(件)").fill("2")
    secretary.get_by_role("button", name="保存走访").click()
    expect(secretary.locator("#visits-title + ul")).to_contain_text("老人冬季取暖煤不足")
    secretary.get_by_role("link", name=re.compile("结对帮扶")).first.click()
    assert _decimal(secretary, "#pt-visits") == visits + 1
    assert _decimal(secretary, "#pt-problems") == problems + 2
    assert _decimal(secretary, "#pt-money") == money + 500
