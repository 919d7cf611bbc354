"""Each terminal in English and in Chinese, in Chromium: the server's pages and what the scripts write
(the offline outbox status, form checks in the browser, map status and popups) are in the chosen
language, and no interface text of the other language is left. Screenshots of each main page at
1366 px and 360 px in both languages go to test-results/screenshots/ (looked at, not committed).

An interface text is a message of our catalogues (``dangqun/locale/en``): on an English page no text
may be a Chinese message (its source), on a Chinese page none may be an English translation. Data —
names of places, people, case titles — are Chinese in both languages and are not messages; free text
that happens to read like one (a job title such as 网格员) is marked ``translate="no"``."""

from __future__ import annotations

import json
import re
import time
import uuid
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.browser.phone_helpers import PHONE, png_bytes, screenshot
from tests.web.test_i18n import HAN, _po_entries

LOCALE = Path(__file__).resolve().parents[2] / "dangqun" / "locale" / "en" / "LC_MESSAGES"
PC = (1366, 900)
LANGUAGES = ("en", "zh-hans")
TERMINALS = {  # persona: its main page
    "dispatcher": "/command/",
    "department_staff": "/workbench/",
    "grid_worker": "/grid/",
    "citizen": "/citizen/",
}
# What the page shows: visible text nodes and the texts of attributes a person or a screen reader meets.
VISIBLE_TEXTS = """() => {
  const out = [];
  // translate="no": data written by people (a job title typed by an administrator), not a message
  const shown = (el) => el && !el.closest("[hidden], script, style, template, noscript, [translate=no]") &&
    el.getClientRects().length > 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim();
    const parent = walker.currentNode.parentElement;
    if (text && shown(parent) && !parent.closest("option[lang]")) { out.push(text); }
  }
  document.querySelectorAll("[placeholder], [aria-label], [title]").forEach((el) => {
    ["placeholder", "aria-label", "title"].forEach((a) => {
      if (el.getAttribute(a)) { out.push(el.getAttribute(a).trim()); }
    });
  });
  if (document.title) out.push(document.title);
  return out;
}"""


def _pattern(text: str) -> re.Pattern[str]:
    parts = re.split(r"%\(\w+\)[sd]|%[sd]|\{\{[^}]*\}\}", text.strip())
    return re.compile(".+?".join(re.escape(p) for p in parts), re.DOTALL)


@cache
def messages(language: str) -> tuple[re.Pattern[str], ...]:
    """The interface texts of the *other* language than ``language`` as whole-text patterns."""
    found: set[str] = set()
    for domain in ("django", "djangojs"):
        for entry in _po_entries(LOCALE / f"{domain}.po"):
            texts = [entry["msgid"]] if language == "en" else entry["msgstr"]
            for text in texts:
                words = text.strip()
                # Chinese messages of at least two characters; English ones of at least two words
                chinese = len(HAN.findall(words)) >= 2
                english = len(words.split()) >= 2 and not HAN.search(words)
                if chinese if language == "en" else english:
                    found.add(words)
    return tuple(_pattern(t) for t in sorted(found))


def foreign_texts(page: Any, language: str) -> list[str]:
    """Texts on the page that are interface messages of the other language."""
    texts: list[str] = page.evaluate(VISIBLE_TEXTS)
    patterns = messages(language)
    return sorted({t for t in texts if any(p.fullmatch(t) for p in patterns)})


def in_language(login: Any, persona: str, language: str, viewport: tuple[int, int] = PC) -> Any:
    page = login(persona, viewport=viewport)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.url}])
    return page


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("persona", list(TERMINALS))
def test_main_pages_are_in_the_chosen_language_at_both_widths(login, persona: str, language: str) -> None:  # type: ignore[no-untyped-def]
    for width, viewport in (("1366", PC), ("360", PHONE)):
        page = in_language(login, persona, language, viewport)
        page.goto(TERMINALS[persona])
        if persona == "dispatcher":
            page.locator("[data-chart] canvas, [data-chart].chart-empty").first.wait_for()
        assert page.locator("html").get_attribute("lang") == language
        assert foreign_texts(page, language) == [], (persona, language, width)
        screenshot(page, f"lang-{persona}-{language}-{width}")
        page.context.close()


def test_script_texts_in_english(login, server_url) -> None:  # type: ignore[no-untyped-def]
    # the dispatcher's map: its status line, and the labels its popups show
    page = in_language(login, "dispatcher", "en")
    page.goto("/command/map/")
    page.locator("#case-map[data-loaded]").wait_for()
    assert re.fullmatch(
        r"\d+ cases? (has|have) a location( \(only the latest are shown\))?",
        page.locator("#map-status").inner_text(),
    )
    popups = page.evaluate("fetch('/command/map/cases.json').then((r) => r.json())")["features"]
    assert popups
    assert not [
        f["properties"]["status_label"] for f in popups if HAN.search(f["properties"]["status_label"])
    ]
    assert foreign_texts(page, "en") == []
    screenshot(page, "lang-command-map-en-1366")

    # the grid worker: a case popup on the grid map, form checks, the offline outbox
    grid = in_language(login, "grid_worker", "en", PHONE)
    grid.goto("/grid/map/")
    centre = json.loads(grid.locator("#map-data").text_content() or "{}")["centre"]["coordinates"]
    token = next(c["value"] for c in grid.context.cookies() if c["name"] == "csrftoken")
    created = grid.request.post(
        f"{server_url}/api/v1/cases",
        headers={"X-CSRFToken": token, "Referer": server_url + "/", "Idempotency-Key": str(uuid.uuid4())},
        data={
            "channel": "grid_worker",
            "case_type": "report",
            "title": "地图弹窗",
            "description": "井盖松动",
            "lng": centre[0],
            "lat": centre[1],
        },
    )
    assert created.ok, created.text()
    errors: list[str] = []
    grid.on("pageerror", lambda error: errors.append(str(error)))
    grid.reload()
    markers = grid.locator("#grid-map path.leaflet-interactive")
    deadline = time.monotonic() + 15
    while markers.count() < 2 and time.monotonic() < deadline:  # the outline, then the case (no eval: CSP)
        grid.wait_for_timeout(200)
    assert errors == []
    assert markers.count() > 1  # the grid's outline and its open cases
    markers.last.click(force=True)
    popup = grid.locator(".leaflet-popup-content").inner_text()
    assert re.search(r"\((Awaiting acceptance|Awaiting dispatch|Dispatched|In progress)\)$", popup), popup
    grid.goto("/grid/report/")
    grid.get_by_role("button", name="Send report").click()
    assert grid.locator("#r-title-error").inner_text() == "Please enter a title"
    assert grid.locator("#r-description-error").inner_text() == "Please describe what you see"
    grid.locator("#r-photos").set_input_files(
        files=[{"name": "a.txt", "mimeType": "text/plain", "buffer": b"x"}]
    )
    assert grid.locator("#r-photos-error").inner_text() == "“a.txt” is not an image; please choose a photo."
    grid.locator("#r-photos").set_input_files(files=[])
    grid.evaluate("navigator.serviceWorker.ready.then(() => true)")
    grid.context.set_offline(True)
    grid.evaluate("window.dispatchEvent(new Event('offline'))")
    status = grid.locator("#net-status")
    status.wait_for()
    assert status.inner_text().startswith("No signal: reports are kept on the phone")
    grid.get_by_label("Title").fill("offline-en")
    grid.get_by_label("Description").fill("left on the phone")
    grid.get_by_role("button", name="Send report").click()
    grid.locator("#queue-list li").first.wait_for()
    assert "1 report waiting to be sent." in status.inner_text()
    assert "Waiting to send (no signal)" in grid.locator("#queue-list").inner_text()
    assert foreign_texts(grid, "en") == []
    screenshot(grid, "lang-grid-offline-en-360")
    grid.evaluate("indexedDB.deleteDatabase('dangqun-grid')")  # leave nothing to send later
    grid.context.set_offline(False)

    # the citizen's photo check
    citizen = in_language(login, "citizen", "en", PHONE)
    citizen.goto("/citizen/submit/")
    photos = citizen.locator("#c-photos")
    photos.set_input_files(files=[{"name": "big.png", "mimeType": "image/png", "buffer": png_bytes()}] * 7)
    assert citizen.locator("#c-photos-error").inner_text() == "At most 6 photos."
    photos.set_input_files(files=[{"name": "note.txt", "mimeType": "text/plain", "buffer": b"hello"}])
    assert (
        citizen.locator("#c-photos-error").inner_text()
        == "“note.txt” is not an image; please choose a photo."
    )
    citizen.locator("#pick-map path.leaflet-interactive").first.click(force=True)
    assert citizen.locator("#c-picked").inner_text().startswith("Place chosen: ")
    assert foreign_texts(citizen, "en") == []


def test_script_texts_in_chinese(login) -> None:  # type: ignore[no-untyped-def]
    grid = in_language(login, "grid_worker", "zh-hans", PHONE)
    grid.goto("/grid/report/")
    grid.get_by_role("button", name="提交上报").click()
    assert grid.locator("#r-title-error").inner_text() == "请填写标题"
    grid.evaluate("navigator.serviceWorker.ready.then(() => true)")
    grid.context.set_offline(True)
    grid.evaluate("window.dispatchEvent(new Event('offline'))")
    assert grid.locator("#net-status").inner_text().startswith("当前无信号")
    assert foreign_texts(grid, "zh-hans") == []
    grid.context.set_offline(False)

    page = in_language(login, "dispatcher", "zh-hans")
    page.goto("/command/map/")
    page.locator("#case-map[data-loaded]").wait_for()
    assert re.fullmatch(r"共 \d+ 件诉求有定位((只显示最新的部分))?", page.locator("#map-status").inner_text())
    assert foreign_texts(page, "zh-hans") == []
