"""居务公开栏 and 民事民议 in a browser: a resident opens the community's public board on a phone
without logging in and reads a notice; the community opens a matter for the vote; the resident signs in
from the proposal's page and votes for the household; the household's second vote is refused (409) and
the tally counts it once."""

from __future__ import annotations

import datetime as dt

from tests.browser.phone_helpers import PHONE, Api, assert_no_sideways_scroll, screenshot

PASSWORD = "Dangqun@2026"


def test_resident_reads_the_board_without_login_and_votes_once_for_the_household(
    new_page, server_url
) -> None:
    staff = Api(new_page, server_url, "community_staff")
    seeded = staff.get("/api/v1/civic/proposals")["items"]
    community = seeded[0]["region_code"]
    proposal = staff.post(
        "/api/v1/civic/proposals",
        {"region": community, "title": "小区东门夜间关闭方案", "body": "<p>请每户表决</p>"},
    )
    closes = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).isoformat()
    staff.post(f"/api/v1/civic/proposals/{proposal['id']}/open_vote", {"closes_at": closes})

    # The board, on a phone, not logged in: pinned notices first, a notice opens.
    phone = new_page(viewport=PHONE)
    phone.goto(f"/civic/board/{community}/")
    phone.locator("#year-total").wait_for()
    first = phone.locator("#board-list li").first
    assert first.locator(".badge").inner_text() == "置顶"
    assert_no_sideways_scroll(phone)
    screenshot(phone, "board-phone")
    title = first.locator("a").inner_text()
    first.locator("a").click()
    phone.get_by_role("heading", name=title).wait_for()

    # The proposal, not logged in: the tally is public; the resident signs in to vote.
    phone.goto(f"/civic/proposals/{proposal['id']}/")
    phone.locator("#turnout").wait_for()
    assert phone.locator("#vote-form").count() == 0
    phone.goto(f"/login/?next=/civic/proposals/{proposal['id']}/")
    phone.get_by_label("用户名").fill("citizen")
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_url(f"**/civic/proposals/{proposal['id']}/")
    phone.locator("#vote-form").get_by_role("button", name="赞成").click()
    phone.locator("#my-vote").wait_for()
    assert "赞成" in phone.locator("#my-vote").inner_text()
    screenshot(phone, "proposal-voted-phone")

    # A second vote from the same household: refused, nothing written.
    citizen = Api(new_page, server_url, "citizen")
    again = citizen.page.request.post(
        f"{server_url}/api/v1/civic/proposals/{proposal['id']}/vote",
        data={"choice": "against"},
        headers={"X-CSRFToken": citizen.csrf},
    )
    assert again.status == 409, again.text()
    tally = staff.get(f"/api/v1/civic/proposals/{proposal['id']}")["tally"]
    assert (tally["for_votes"], tally["against_votes"], tally["voted_households"]) == (1, 0, 1)
