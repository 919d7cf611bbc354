"""党员教育 in the browser: the party member opens the newest required course from 我的学习, reads it
in large type, finishes it and answers its quiz; the branch secretary's completion table shows the
branch's finished count rise."""

from __future__ import annotations

from playwright.sync_api import expect


def _finished(page, branch_row) -> int:  # type: ignore[no-untyped-def]
    page.goto("/party/study/")
    return int(branch_row(page).locator("td.finished").inner_text())


def test_member_finishes_a_course_and_the_branch_completion_rises(login) -> None:  # type: ignore[no-untyped-def]
    secretary = login("branch_secretary")
    secretary.goto("/party/study/")
    row = secretary.locator("table.study-completion tbody tr[data-branch]").first
    code = row.get_attribute("data-branch")

    def branch_row(page):  # type: ignore[no-untyped-def]
        return page.locator(f"table.study-completion tr[data-branch='{code}']").first

    before = _finished(secretary, branch_row)

    member = login("party_member", viewport=(390, 844))
    member.get_by_role("link", name="我的学习").first.click()
    expect(member.get_by_role("heading", name="我的学习")).to_be_visible()
    first = member.locator(".study-list li").first
    expect(first.locator(".study-state")).to_have_text("未学习")
    first.locator("a").click()
    member.get_by_role("button", name="开始学习").click()
    # The reading mode: larger type on request, read aloud offered by the browser's speech engine.
    size = member.locator("#reading").evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    member.get_by_role("button", name="字号加大").click()
    bigger = member.locator("#reading").evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert bigger > size >= 20
    member.get_by_role("button", name="我已学完").click()
    expect(member.locator("#study-status")).to_contain_text("已学完")
    questions = member.locator("fieldset.quiz-question")
    for i in range(questions.count()):
        questions.nth(i).locator("input[type=radio]").first.check()
    member.get_by_role("button", name="提交答案").click()
    expect(member.locator("#quiz-score")).to_contain_text("/ 30")

    assert _finished(secretary, branch_row) == before + 1
