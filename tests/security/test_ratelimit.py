"""Rate limits on login, intake and Open311: 429 with a Chinese message and Retry-After; other
users and other paths are not affected."""

import pytest
from django.core.cache import cache
from django.test import Client

from dangqun.core.ratelimit import hit

LIMIT = 3
# A day-long window: a slow test run must not cross a window boundary between its requests.
WINDOW = 86400


@pytest.fixture
def low_limits(settings):
    settings.DANGQUN_RATE_LIMITS = [
        {"name": "login", "methods": ["POST"], "paths": ["/login/", "/api/v1/auth/login"],
         "limit": LIMIT, "window": WINDOW, "per": "ip"},
        {"name": "intake", "methods": ["POST"], "paths": ["/api/v1/cases"], "limit": LIMIT, "window": WINDOW},
        {"name": "open311", "methods": ["POST"], "prefixes": ["/open311/"], "limit": LIMIT, "window": WINDOW},
    ]  # fmt: skip
    cache.clear()
    yield
    cache.clear()


def _api_login(client: Client, password: str = "wrong-password"):  # type: ignore[no-untyped-def]  # noqa: S107
    body = {"username": "grid_worker", "password": password}
    return client.post("/api/v1/auth/login", body, content_type="application/json")


def test_api_login_past_the_limit_is_429_in_chinese(demo, low_limits):
    client = Client()
    codes = [_api_login(client).status_code for _ in range(LIMIT)]

    refused = _api_login(client, password="Dangqun@2026")

    assert codes == [401] * LIMIT
    assert refused.status_code == 429
    assert refused.json()["detail"] == "请求过于频繁,请稍后再试"
    assert 1 <= int(refused["Retry-After"]) <= WINDOW


def test_web_login_past_the_limit_is_429(demo, low_limits):
    client = Client()
    for _ in range(LIMIT):
        client.post("/login/", {"username": "citizen", "password": "wrong-password"})

    refused = client.post("/login/", {"username": "citizen", "password": "Dangqun@2026"})

    assert refused.status_code == 429
    assert "请求过于频繁" in refused.content.decode()
    assert client.get("/login/").status_code == 200  # reading the form is not limited


def test_another_address_may_still_log_in(demo, low_limits):
    for _ in range(LIMIT + 1):
        _api_login(Client(REMOTE_ADDR="10.1.1.1"))

    assert _api_login(Client(REMOTE_ADDR="10.1.1.2"), password="Dangqun@2026").status_code == 200


def _report(client, n: int):  # type: ignore[no-untyped-def]
    return client.post_json(
        "/api/v1/cases",
        {"channel": "app", "title": f"楼道灯不亮{n}", "description": "三单元楼道灯坏了", "region": None},
    )


def test_intake_is_limited_per_user_not_per_address(api_as, low_limits):
    citizen = api_as("citizen")
    worker = api_as("grid_worker")
    codes = [_report(citizen, n).status_code for n in range(LIMIT)]

    refused = _report(citizen, 99)
    other = worker.post_json(
        "/api/v1/cases", {"channel": "grid_worker", "title": "井盖缺失", "description": "路口井盖缺失"}
    )

    assert refused.status_code == 429, codes
    assert refused.json()["code"] == "too_many_requests"
    assert other.status_code != 429
    # Reading and acting on cases is not the intake limit.
    assert citizen.get("/api/v1/cases").status_code == 200


def test_open311_posts_are_limited_by_address(demo, low_limits):
    client = Client(REMOTE_ADDR="10.2.2.2")
    for _ in range(LIMIT):
        client.post("/open311/v2/requests.json", {"service_code": "x"})

    refused = client.post("/open311/v2/requests.json", {"service_code": "x"})

    assert refused.status_code == 429
    assert refused.json()["detail"] == "请求过于频繁,请稍后再试"


def test_hit_counts_in_windows():
    cache.clear()
    verdicts = [hit("unit", "k", limit=2, window=3600) for _ in range(3)]

    assert [v.allowed for v in verdicts] == [True, True, False]
    assert [v.count for v in verdicts] == [1, 2, 3]
    assert hit("unit", "other", limit=2, window=3600).allowed
