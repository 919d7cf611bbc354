"""Small things a user notices: the site icon (no /favicon.ico 404 on every page) and one navigation
bar on the phone apps (the app's tab bar, not the site menu as well, with a second 首页)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

ICO_MAGIC = b"\x00\x00\x01\x00"


def _navs(html: str) -> list[str]:
    return re.findall(r"<nav\b.*?</nav>", html, flags=re.S)


def test_favicon_ico_is_a_real_icon_for_anyone(db) -> None:
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content.startswith(ICO_MAGIC)
    assert int.from_bytes(response.content[4:6], "little") >= 2  # several sizes in one file
    assert "max-age" in response["Cache-Control"]


@pytest.mark.parametrize("username", [None, "citizen", "grid_worker", "dispatcher"])
def test_every_page_links_the_icon(client_as, username: str | None) -> None:
    client = client_as(username) if username else Client()
    html = client.get("/" if username else "/login/", follow=True).content.decode()
    head = html[: html.index("</head>")]
    assert '<link rel="icon" href="/favicon.ico"' in head
    icon = re.search(r'<link rel="icon" href="([^"]+\.png)"', head)
    assert icon is not None
    assert finders.find(icon.group(1).removeprefix(settings.STATIC_URL))  # the file exists


@pytest.mark.parametrize(
    ("username", "paths", "home_tabs"),
    [
        ("citizen", ["/citizen/", "/citizen/submit/", "/citizen/track/", "/citizen/inbox/"], 0),
        ("grid_worker", ["/grid/", "/grid/report/", "/grid/tasks/", "/grid/map/"], 1),
    ],
)
def test_phone_pages_have_one_navigation_bar(
    client_as, username: str, paths: list[str], home_tabs: int
) -> None:
    client = client_as(username)
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        navs = _navs(response.content.decode())
        assert len(navs) == 1, (path, navs)
        assert 'class="tabs"' in navs[0]
        assert navs[0].count(">首页<") == home_tabs, path
        # the site menu's other entries (找网格员, 我的网格) live on in the same bar, its 首页 does not
        assert 'data-nav="home"' not in navs[0]
        assert 'data-nav="find_grid"' in navs[0]


def test_pc_pages_keep_the_site_menu(client_as) -> None:
    html = client_as("grid_worker").get("/find-grid/").content.decode()
    navs = _navs(html)
    assert len(navs) == 1
    assert 'data-nav="home"' in navs[0]
    assert navs[0].count(">首页<") == 1
