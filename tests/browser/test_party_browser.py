"""组织指导 in the browser as the branch secretary: record a 支委会 with its attendance and see the
completion rate rise; record March dues and see the arrears shrink; issue a transfer that the receiving
branch's secretary accepts and see both branches' counts change; download the dues ledger and the 年报.

The receiving secretary's account is made on the server's database the way an office adds one (the
demo has one branch-secretary persona)."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect


def _done(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.locator("#completion-count").inner_text().split("/")[0].strip())


def _members(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.locator("#member-count").inner_text())


RECEIVING_SECRETARY = """
from dangqun.accounts.models import Membership, Role, User
from dangqun.orgs.models import PartyOrg
user = User.objects.create_user(username="receiving_secretary", password="Dangqun@2026")
Membership.objects.create(user=user, role=Role.BRANCH_SECRETARY, party_org=PartyOrg.objects.get(code="%s"))
"""


def test_the_branch_secretary_records_a_meeting_dues_and_a_transfer(login, server_manage):  # type: ignore[no-untyped-def]
    admin = login("party_admin")
    admin.goto("/party/")
    branch_links = admin.locator("table a[href^='/party/orgs/']")
    hrefs = [branch_links.nth(i).get_attribute("href") for i in range(branch_links.count())]

    page = login("branch_secretary")
    page.get_by_role("link", name="组织指导").click()
    page.locator("table a[href^='/party/orgs/']").first.click()
    branch_url = page.url
    own_href = "/" + branch_url.split("/", 3)[3]
    target_href = next(h for h in hrefs if h and h != own_href)
    target_code = target_href.rstrip("/").rsplit("/", 1)[1]

    # 三会一课: a 支委会 with one member absent
    done = _done(page)
    page.get_by_label("会议类型").select_option(label="支委会")
    page.get_by_label("主题").fill("研究本月党费收缴和困难党员帮扶")
    page.locator("input[name='present']").last.uncheck()
    page.locator("input[name^='reason_']").last.fill("病假")
    page.get_by_role("button", name="记录会议").click()
    expect(page.get_by_text("已记录支委会")).to_be_visible()
    assert _done(page) == done + 1

    # 党费: March for a member who owes it
    arrears = int(page.locator("#arrears-months").get_attribute("data-months") or "0")
    march = f"{dt.datetime.now(tz=dt.UTC).year}-03"
    debtor = page.locator("#arrears-list li", has_text=march).first
    member_id = debtor.get_attribute("data-member")
    page.locator("#d-member").select_option(value=member_id)
    amount = page.locator(f"#d-member option[value='{member_id}']").get_attribute("data-amount")
    page.get_by_label("所缴月份").fill(march)
    page.get_by_label("金额(元)").fill(amount or "1")
    page.get_by_role("button", name="登记党费").click()
    expect(page.get_by_text(re.compile(rf"已登记 .* {march}党费"))).to_be_visible()
    assert int(page.locator("#arrears-months").get_attribute("data-months") or "0") == arrears - 1

    # 组织关系转接: issued here, accepted by the receiving branch's secretary
    server_manage("shell", "-c", RECEIVING_SECRETARY % target_code)
    receiver = login("receiving_secretary")
    members = _members(page)
    receiver.goto(target_href)
    target_members = _members(receiver)
    page.get_by_label("转入党组织编码(系统内)").fill(target_code)
    page.get_by_label("介绍信编号").fill("YBZ-BROWSER-1")
    page.get_by_role("button", name="开具介绍信").click()
    expect(page.get_by_text("已开具介绍信 YBZ-BROWSER-1")).to_be_visible()
    assert _members(page) == members  # nothing moves before acceptance
    receiver.goto("/party/")
    receiver.get_by_role("button", name="接收 YBZ-BROWSER-1").click()
    expect(receiver.get_by_text("介绍信 YBZ-BROWSER-1:已接收")).to_be_visible()
    page.reload()
    receiver.goto(target_href)
    assert _members(page) == members - 1
    assert _members(receiver) == target_members + 1

    # the dues ledger as the office files it
    with page.expect_download() as download:
        page.get_by_role("link", name="导出党费收缴台账(Excel)").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    # the 党内统计年报 of the branch
    page.get_by_role("link", name="党内统计年报").click()
    with page.expect_download() as report:
        page.locator("#statistics-download").click()
    assert report.value.suggested_filename.startswith("statistics-")
    assert report.value.suggested_filename.endswith(".xlsx")
