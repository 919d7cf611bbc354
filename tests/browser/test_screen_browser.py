"""指挥中心大屏 in a real browser at 1366×768, 1920×1080 and 3840×2160: one wall without scrolling,
the map drawn (offline: the streets' own outlines with their names, grids coloured, open cases as
points), every panel with content, the attribution without Leaflet's flag. The 1920×1080 walls go
to test-results/screenshots/; with DANGQUN_DOCS_SCREENSHOTS=1 they also refresh docs/screenshots/ (a
test run never rewrites tracked files on its own)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.test_whole_loop import shot

DOCS_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def docs_shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """The viewport as test-results/screenshots/<name>.png, and in docs/ when asked for."""
    shot(page, name)
    if os.environ.get("DANGQUN_DOCS_SCREENSHOTS") == "1":
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS_SHOTS / f"{name}.png"))


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080), (3840, 2160)])
def test_the_big_screen_fills_the_wall_without_scrolling(login, size):  # type: ignore[no-untyped-def]
    page = login("leader", viewport=size)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/command/screen/")
    box = page.locator("#screen-map")
    page.wait_for_function(
        "() => { const b = document.getElementById('screen-map');"
        " return b && b.hasAttribute('data-cases') && b.hasAttribute('data-coloured'); }"
    )
    assert box.get_attribute("data-areas") not in (None, "0", "error")
    assert int(box.get_attribute("data-cases") or 0) > 0
    assert int(box.get_attribute("data-coloured") or 0) > 0
    # the offline base map: no tile server in the tests, the streets drawn with their names
    assert page.locator(".leaflet-tile").count() == 0
    assert page.locator(".leaflet-tooltip.region-label").count() > 0
    assert page.locator(".leaflet-attribution-flag").count() == 0

    scroll = page.evaluate("[document.scrollingElement.scrollHeight, window.innerHeight]")
    assert scroll[0] <= scroll[1], scroll
    width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
    for figure in ("grids", "residents", "buildings", "party_orgs", "party_members"):
        assert int(page.locator(f'[data-figure="{figure}"]').inner_text()) > 0, figure
    assert page.locator('[data-kpi="year-accepted"]').inner_text().strip() != ""
    assert page.locator(".screen-ranking li").count() >= 2
    assert page.locator(".screen-chart canvas").count() >= 1
    assert "无主办部门" not in page.locator("body").inner_text()
    assert page.locator(".screen-slide.is-current").count() == 1
    # every box inside the viewport: nothing cut off below the wall
    bottom = page.evaluate(
        "Math.max(...[...document.querySelectorAll('.screen-box')]"
        ".map(b => b.getBoundingClientRect().bottom))"
    )
    assert bottom <= size[1]
    assert errors == []
    shot(page, f"big-screen-{size[0]}x{size[1]}")
    if size == (1920, 1080):
        docs_shot(page, "big-screen-1920x1080")


def test_a_streets_wall_and_command_view(login):  # type: ignore[no-untyped-def]
    page = login("street_staff", viewport=(1920, 1080))
    page.goto("/command/screen/")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.endswith("党群一张网 · 指挥中心"), heading
    assert " · " in heading.removesuffix("党群一张网 · 指挥中心")  # the street's name first
    page.wait_for_function("() => document.getElementById('screen-map').hasAttribute('data-coloured')")
    scroll = page.evaluate("[document.scrollingElement.scrollHeight, window.innerHeight]")
    assert scroll[0] <= scroll[1], scroll
    docs_shot(page, "street-big-screen-1920x1080")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/command/")
    assert page.locator("[data-light]").count() == 3
    docs_shot(page, "street-command")


def test_the_case_map_draws_its_own_base_map_and_a_heat_scale_from_the_data(login):  # type: ignore[no-untyped-def]
    page = login("dispatcher")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/command/map/")
    page.wait_for_function("() => document.getElementById('case-map').hasAttribute('data-loaded')")
    assert page.locator("#case-map").get_attribute("data-loaded") not in ("0", "error")
    page.locator(".leaflet-tooltip.region-label").first.wait_for()
    assert page.locator(".leaflet-attribution-flag").count() == 0
    assert "底图" in page.locator(".leaflet-control-attribution").inner_text()
    assert errors == []
