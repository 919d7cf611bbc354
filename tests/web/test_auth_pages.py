"""Login, logout, lockout after repeated failures, anonymous access and the language switch."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.web.conftest import PASSWORD


def test_login_page_renders_in_chinese(world) -> None:
    response = Client().get("/login/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert '<label for="id_username">用户名</label>' in html
    assert '<label for="id_password">密码</label>' in html


def test_login_with_password_opens_the_home(world) -> None:
    client = Client()

    response = client.post("/login/", {"username": "web_community_staff", "password": PASSWORD}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/"
    assert "锦江社区" in response.content.decode()


def test_wrong_password_shows_a_clear_error(world) -> None:
    response = Client().post("/login/", {"username": "web_grid_worker", "password": "wrong-password"})

    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_five_wrong_passwords_lock_the_account_with_429(world) -> None:
    client = Client()
    for _ in range(4):
        assert client.post("/login/", {"username": "web_grid_worker", "password": "bad"}).status_code == 200

    fifth = client.post("/login/", {"username": "web_grid_worker", "password": "bad"})
    with_right_password = client.post("/login/", {"username": "web_grid_worker", "password": PASSWORD})

    assert fifth.status_code == 429
    assert with_right_password.status_code == 429
    html = with_right_password.content.decode()
    assert "账号已临时锁定" in html
    assert "登录失败次数过多" in html
    assert "15分钟后再试" in html


def test_lockout_of_one_user_does_not_lock_another(world) -> None:
    client = Client()
    for _ in range(5):
        client.post("/login/", {"username": "web_grid_worker", "password": "bad"})

    response = client.post("/login/", {"username": "web_grid_leader", "password": PASSWORD})

    assert response.status_code == 302


def test_logout_is_a_post(client_as) -> None:
    client = client_as("grid_worker")

    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("path", ["/", "/find-grid/", "/regions/210603/", "/buildings/1/"])
def test_anonymous_is_sent_to_login(world, path: str) -> None:
    response = Client().get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


def test_language_switch_renders_english(client_as) -> None:
    client = client_as("grid_worker")

    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()

    assert switched.status_code == 302
    assert '<html lang="en">' in html
    assert "My grid" in html
    assert "Log out" in html
    assert "Responsibility chain" in html
    assert "Grid worker" in html
    assert "退出登录" not in html


def test_language_switch_back_to_chinese(client_as) -> None:
    client = client_as("grid_worker")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})

    assert "退出登录" in client.get("/").content.decode()


def test_lockout_page_in_english(world) -> None:
    client = Client()
    client.cookies["django_language"] = "en"
    for _ in range(5):
        response = client.post("/login/", {"username": "web_grid_worker", "password": "bad"})

    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()


def test_chinese_by_default_even_when_the_browser_asks_for_english(client_as) -> None:
    client = client_as("grid_worker")

    html = client.get("/", headers={"accept-language": "en-US,en;q=0.9"}).content.decode()

    assert '<html lang="zh-hans">' in html
    assert "退出登录" in html
