"""指挥中心大屏 in a real browser at 1366×768, 1920×1080 and 3840×2160: one wall without scrolling,
the map drawn (offline: the streets' own outlines with their names, grids coloured, open cases as
points), every panel with content, the attribution without Leaflet's flag. The 1920×1080 wall is kept
as docs/screenshots/big-screen-1920x1080.png."""

from __future__ import annotations

from pathlib import Path

import pytest

DOCS_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080), (3840, 2160)])
def test_the_big_screen_fills_the_wall_without_scrolling(login, size):  # type: ignore[no-untyped-def]
    page = login("leader", viewport=size)
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
        "Math.max(...[...document.querySelectorAll('.screen-box')].map(b => b.getBoundingClientRect().bottom))"
    )
    assert bottom <= size[1]
    if size == (1920, 1080):
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS_SHOTS / "big-screen-1920x1080.png"))
