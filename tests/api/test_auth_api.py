"""Logging in through the API as each demo persona; bad passwords; lockout."""

import pytest

from dangqun.accounts.models import Role
from tests.conftest import ApiClient

PERSONA_ROLES = {
    "citizen": Role.CITIZEN,
    "grid_worker": Role.GRID_WORKER,
    "grid_leader": Role.GRID_LEADER,
    "community_staff": Role.COMMUNITY_STAFF,
    "street_staff": Role.STREET_STAFF,
    "department_staff": Role.DEPARTMENT_STAFF,
    "dispatcher": Role.DISPATCHER,
    "leader": Role.LEADER,
    "party_admin": Role.PARTY_ADMIN,
    "sysadmin": Role.SYSADMIN,
}


@pytest.mark.parametrize(("username", "role"), PERSONA_ROLES.items())
def test_each_persona_logs_in_and_sees_its_role(api_as, username, role):
    client = api_as(username)

    me = client.get("/api/v1/auth/me").json()

    assert me["username"] == username
    assert role in me["roles"]
    assert me["display_name"]


def test_wrong_password_is_401_with_a_message(demo):
    client = ApiClient()

    response = client.post(
        "/api/v1/auth/login",
        {"username": "grid_worker", "password": "wrong"},
        content_type="application/json",
    )

    assert response.status_code == 401
    assert "密码" in response.json()["detail"]


def test_repeated_failures_lock_the_account(demo):
    client = ApiClient()
    bad = {"username": "community_staff", "password": "guess-1234"}
    for _ in range(5):
        client.post("/api/v1/auth/login", bad, content_type="application/json")

    locked = client.post(
        "/api/v1/auth/login",
        {"username": "community_staff", "password": "Dangqun@2026"},
        content_type="application/json",
    )

    assert locked.status_code == 429
    assert "锁定" in locked.json()["detail"]


def test_anonymous_requests_get_401(demo):
    response = ApiClient().get("/api/v1/residents")

    assert response.status_code == 401


def test_logout_ends_the_session(api_as):
    client = api_as("grid_worker")

    assert client.post_json("/api/v1/auth/logout").status_code == 200
    assert client.get("/api/v1/auth/me").status_code == 401


def test_writes_without_csrf_token_are_refused(api_as):
    client = api_as("sysadmin")
    client.csrf_token = ""

    response = client.post_json("/api/v1/auth/logout")

    assert response.status_code == 403


def test_openapi_document_is_served(demo):
    response = ApiClient().get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert "/api/v1/residents" in response.json()["paths"]
