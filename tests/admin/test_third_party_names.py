"""The admin under the Chinese interface names the third-party sections in Chinese (django-axes'
login protection, the background tasks' results), and the English interface keeps English names."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client

# Latin words on a changelist that are not interface text: the row's data and markup remnants.
OURS = {"zhang", "Mozilla", "login", "class", "content", "lsaquo"}


def _index(client: Client, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def _section_captions(html: str) -> list[str]:
    """The visible names of the app sections and their model rows on the admin index."""
    captions = re.findall(r"<caption>\s*<a [^>]*>([^<]+)</a>", html)
    rows = re.findall(r'<th scope="row"[^>]*>\s*<a [^>]*>([^<]+)</a>', html)
    return [c.strip() for c in captions + rows]


@pytest.mark.django_db
def test_third_party_sections_are_chinese_under_the_chinese_interface(admin_client: Client) -> None:
    names = _section_captions(_index(admin_client, "zh-hans"))
    for chinese in ("登录防护", "登录尝试", "登录日志", "登录失败", "后台任务", "任务结果"):
        assert chinese in names, chinese
    english = [n for n in names if re.search(r"[A-Za-z]{3,}", n) and "Open311" not in n and "API" not in n]
    assert english == []
    AccessAttempt.objects.create(
        username="zhang",
        ip_address="10.0.0.8",
        user_agent="Mozilla/5.0",
        path_info="/login/",
        failures_since_start=2,
        get_data="",
        post_data="",
        http_accept="",
    )
    for url in ("/admin/axes/accessattempt/", "/admin/django_tasks_database/dbtaskresult/"):
        html = admin_client.get(url).content.decode()
        text = re.sub(r"<[^>]+>", " ", html[html.index('id="content"') :])
        words = set(re.findall(r"[A-Za-z]{4,}", text)) - {
            "zhang",
            "Mozilla",
            "login",
            "class",
            "content",
            "lsaquo",
        }
        assert words == set(), (url, words)


@pytest.mark.django_db
def test_english_interface_keeps_english_names(admin_client: Client) -> None:
    names = _section_captions(_index(admin_client, "en"))
    for english in ("Login protection", "Access attempts", "Access logs", "Background tasks", "Task Results"):
        assert english in names, english
    assert "登录防护" not in names
