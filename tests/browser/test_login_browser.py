"""Logging in through the browser lands each persona on its own home, in Chinese by default."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("persona", ["citizen", "dispatcher", "department_staff", "grid_worker"])
def test_persona_logs_in_and_sees_own_home(login, persona):  # type: ignore[no-untyped-def]
    page = login(persona)
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_role("button", name="退出登录").is_visible()


def test_wrong_password_shows_error_and_stays_on_login(new_page):  # type: ignore[no-untyped-def]
    page = new_page()
    page.goto("/login/")
    page.get_by_label("用户名").fill("citizen")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    assert "/login/" in page.url
    assert page.get_by_role("alert").is_visible()


def test_vendor_assets_are_served_locally(new_page, server_url):  # type: ignore[no-untyped-def]
    page = new_page()
    for path in (
        "/static/vendor/htmx/htmx.min.js",
        "/static/vendor/leaflet/leaflet.js",
        "/static/vendor/echarts/echarts.min.js",
    ):
        response = page.request.get(server_url + path)
        assert response.status == 200, path
