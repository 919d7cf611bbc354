"""Shared steps of the phone browser tests: API sessions for staff moves, tiny PNGs, screenshots."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-results" / "screenshots"
PHONE = (360, 740)
PASSWORD = "Dangqun@2026"


def png_bytes(size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def screenshot(page: Any, name: str) -> Path:
    """A full-page screenshot in test-results/screenshots/ (a CI artefact, gitignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_no_sideways_scroll(page: Any) -> None:
    """Readable on a 360-px phone: nothing wider than the screen."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide"


class Api:
    """The JSON API as one persona, in its own browser context (own cookies)."""

    def __init__(self, new_page: Any, server_url: str, username: str) -> None:
        self.page = new_page()
        self.url = server_url
        response = self.page.request.post(
            f"{server_url}/api/v1/auth/login", data={"username": username, "password": PASSWORD}
        )
        assert response.ok, response.text()
        self.me = response.json()
        self.csrf = self.me["csrf_token"]

    def get(self, path: str) -> Any:
        response = self.page.request.get(self.url + path)
        assert response.ok, f"{path}: {response.status} {response.text()}"
        return response.json()

    def post(self, path: str, data: Any = None) -> Any:
        response = self.page.request.post(
            self.url + path, data=data if data is not None else {}, headers={"X-CSRFToken": self.csrf}
        )
        assert response.ok, f"{path}: {response.status} {response.text()}"
        return response.json()


PAGE_BUDGET = 200 * 1024


def page_weight(page: Any, path: str) -> int:
    """Bytes a visit to ``path`` loads (document, styles, scripts, data), photos left out."""
    sizes: list[int] = []

    def record(response: Any) -> None:
        if "/api/v1/attachments/" in response.url or response.status >= 300:
            return
        try:
            sizes.append(len(response.body()))
        except Exception:  # a response without a body weighs nothing
            return

    page.on("response", record)
    page.goto(path)
    page.wait_for_load_state("networkidle")
    page.remove_listener("response", record)
    return sum(sizes)
