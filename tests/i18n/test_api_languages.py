"""Error messages of the API in both languages. Chinese by default; English when the client asks for it
with ``Accept-Language: en`` or chose it on the site (the language cookie, which wins). Pages keep
ignoring Accept-Language (tests/web/test_auth_pages.py)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from dangqun.accounts.models import Membership, Role
from dangqun.regions.models import Region
from tests.conftest import ApiClient
from tests.exchange.conftest import read_xlsx

HAN = re.compile(r"[\u3400-\u9fff]")
ENGLISH = {"accept-language": "en-US,en;q=0.9"}
CHINESE = {"accept-language": "zh-CN,zh;q=0.9"}


@pytest.fixture
def grid(demo) -> Region:
    return Membership.objects.get(user__username="grid_worker", role=Role.GRID_WORKER).region


def _report(client: ApiClient, grid: Region, headers: dict[str, str] | None = None, **overrides):  # type: ignore[no-untyped-def]
    body = {
        "channel": "app",
        "case_type": "help",
        "title": "小区门口路灯不亮",
        "description": "幸福小区东门路灯连续三晚不亮,夜间出行不便。",
        "lng": grid.centroid_lng,
        "lat": grid.centroid_lat,
        "reporter_phone": "13912345678",
        **overrides,
    }
    return client.post_json("/api/v1/cases", body, headers=headers or {})


def _submitted(api_as, grid: Region) -> str:  # type: ignore[no-untyped-def]
    response = _report(api_as("citizen"), grid)
    assert response.status_code == 201, response.content
    return str(response.json()["code"])


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, "诉求当前状态为“待受理”,不能执行“审核通过”。可执行的操作:受理、不予受理、并单"),
        (CHINESE, "诉求当前状态为“待受理”,不能执行“审核通过”。可执行的操作:受理、不予受理、并单"),
        (
            ENGLISH,
            (
                "The case is “Awaiting acceptance”, so “Pass review” is not possible. "
                "Possible actions: Accept, Reject, Merge"
            ),
        ),
    ],
    ids=["default", "zh", "en"],
)
def test_a_move_not_in_the_table_is_409_naming_the_allowed_moves_in_the_language_asked(
    api_as, grid, headers, expected
):  # type: ignore[no-untyped-def]
    code = _submitted(api_as, grid)
    dispatcher = api_as("dispatcher")

    response = dispatcher.post_json(f"/api/v1/cases/{code}/review", {}, headers=headers)

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "transition_not_allowed"
    assert body["allowed"] == ["accept", "reject", "merge"]
    assert body["detail"] == expected
    assert bool(HAN.search(body["detail"])) == (headers is not ENGLISH)
    assert response["Content-Language"] == ("en" if headers is ENGLISH else "zh-hans")
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [({}, "未知分类编码: NO-SUCH"), (ENGLISH, "Unknown category code: NO-SUCH")],
    ids=["zh", "en"],
)
def test_bad_intake_is_422_in_the_language_asked(api_as, grid, headers, expected):  # type: ignore[no-untyped-def]
    response = _report(api_as("citizen"), grid, headers, category="NO-SUCH")

    assert response.status_code == 422
    assert response.json()["errors"] == {"category": [expected]}
    assert response.json()["detail"] == f"category: {expected}"


def test_a_stale_version_409_and_a_not_found_404_in_english(api_as, grid):  # type: ignore[no-untyped-def]
    code = _submitted(api_as, grid)
    dispatcher = api_as("dispatcher")

    stale = dispatcher.post_json(f"/api/v1/cases/{code}/accept", {"expected_version": 99}, headers=ENGLISH)
    missing = dispatcher.get("/api/v1/cases/NO-SUCH-CASE", headers=ENGLISH)
    missing_zh = dispatcher.get("/api/v1/cases/NO-SUCH-CASE")

    assert stale.status_code == 409
    assert stale.json()["detail"] == "Someone else has updated this case; please reload and try again"
    assert missing.status_code == 404
    assert missing.json()["detail"] == "The case does not exist or you may not see it"
    assert missing_zh.json()["detail"] == "诉求不存在或无权访问"


def test_the_chosen_language_wins_over_accept_language(api_as, grid):  # type: ignore[no-untyped-def]
    citizen = api_as("citizen")
    citizen.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    chosen_chinese = _report(citizen, grid, ENGLISH, category="NO-SUCH")
    citizen.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    chosen_english = _report(citizen, grid, CHINESE, category="NO-SUCH")

    assert chosen_chinese.json()["errors"]["category"] == ["未知分类编码: NO-SUCH"]
    assert chosen_english.json()["errors"]["category"] == ["Unknown category code: NO-SUCH"]


def test_an_unsupported_language_gets_chinese(api_as, grid):  # type: ignore[no-untyped-def]
    response = _report(api_as("citizen"), grid, {"accept-language": "fr-FR,fr;q=0.9"}, category="NO-SUCH")

    assert response.json()["errors"]["category"] == ["未知分类编码: NO-SUCH"]


def test_login_failure_and_form_body_messages_in_english(demo):  # type: ignore[no-untyped-def]
    client = ApiClient()
    wrong = client.post(
        "/api/v1/auth/login",
        {"username": "dispatcher", "password": "wrong-password"},
        content_type="application/json",
        headers=ENGLISH,
    )

    assert wrong.status_code == 401
    assert wrong.json()["detail"] == "Wrong user name or password"


def test_the_case_export_is_headed_in_the_language_asked(api_as):  # type: ignore[no-untyped-def]
    dispatcher = api_as("dispatcher")

    english = read_xlsx(dispatcher.get("/api/v1/exchange/exports/cases.xlsx", headers=ENGLISH).content)
    chinese = read_xlsx(dispatcher.get("/api/v1/exchange/exports/cases.xlsx").content)

    assert list(english) == ["Case list"]
    assert english["Case list"][0][:3] == ["Case number", "Title", "Status"]
    assert chinese["诉求列表"][0][:3] == ["诉求编号", "标题", "状态"]
    assert not any(HAN.search(str(cell)) for cell in english["Case list"][0])
