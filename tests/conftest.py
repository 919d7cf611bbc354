"""Shared fixtures. The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL is set.

The demo district (``seed_demo --scale 0.02``) is loaded once per test database; every test that
asks for ``db`` runs inside a transaction on top of it and is rolled back. Tests act as the named
demo personas (``dangqun.demo.personas``) through the HTTP API.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager

os.environ.setdefault("DANGQUN_TESTING", "1")

import pytest
import pytest_django.fixtures
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

_databases_for_setup = pytest_django.fixtures._get_databases_for_setup


def _with_default_database(items):  # type: ignore[no-untyped-def]
    """pytest-django creates only the test databases that the selected tests mark as used; the demo
    district is loaded into "default" for every session, so that one is always created (a selection
    of tests that reach the database only through fixtures, e.g. PostgreSQL concurrency tests or a
    repository scan, would otherwise find no tables)."""
    aliases, serialized = _databases_for_setup(items)
    return aliases | {"default"}, serialized


pytest_django.fixtures._get_databases_for_setup = _with_default_database

DEMO_SCALE = 0.02
DEMO_SEED = 7
DEMO_CASE_SCALE = 0.007  # about 60 accepted cases (seed 000's year at 0.7 %): seeding stays quick
DEMO_PASSWORD = "Dangqun@2026"


@pytest.fixture(scope="session", autouse=True)
def demo_db(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The seeded tiny demo district, in every test database before any test runs, so that no test's
    outcome depends on which tests ran before it in the same worker. Read it; roll back your writes."""
    with django_db_blocker.unblock():
        call_command(
            "seed_demo",
            scale=DEMO_SCALE,
            seed=DEMO_SEED,
            case_scale=DEMO_CASE_SCALE,
            taxonomy="builtin",
            verbosity=0,
        )


@pytest.fixture
def demo(demo_db, db):  # type: ignore[no-untyped-def]
    """Use in a test to get the demo district inside the test's transaction."""
    return


class ApiClient(Client):
    """A test client logged in through the API, sending the CSRF token on writes."""

    csrf_token: str = ""

    def api_login(self, username: str, password: str = DEMO_PASSWORD) -> dict:
        response = self.post(
            "/api/v1/auth/login",
            {"username": username, "password": password},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        body = response.json()
        self.csrf_token = body["csrf_token"]
        return body

    def _with_csrf(self, kwargs: dict) -> dict:
        kwargs.setdefault("content_type", "application/json")
        if self.csrf_token:
            kwargs.setdefault("headers", {})["X-CSRFToken"] = self.csrf_token
        return kwargs

    def post_json(self, path: str, data: object = None, **kwargs):  # type: ignore[no-untyped-def]
        return self.post(path, data, **self._with_csrf(kwargs))

    def put_json(self, path: str, data: object = None, **kwargs):  # type: ignore[no-untyped-def]
        return self.put(path, data, **self._with_csrf(kwargs))

    def patch_json(self, path: str, data: object = None, **kwargs):  # type: ignore[no-untyped-def]
        return self.patch(path, data, **self._with_csrf(kwargs))


@pytest.fixture
def api_as(demo):  # type: ignore[no-untyped-def]
    """``api_as("grid_worker")`` → a client logged in as that demo persona."""

    def make(username: str) -> ApiClient:
        client = ApiClient(enforce_csrf_checks=True)
        client.api_login(username)
        return client

    return make


class FrozenClock:
    """What ``dangqun.core.clock.now()`` answers under the ``clock`` fixture: ``at`` when set, else
    the real time."""

    def __init__(self) -> None:
        self.at: dt.datetime | None = None

    def __call__(self) -> dt.datetime:
        return self.at if self.at is not None else timezone.now()

    @contextmanager
    def frozen(self, at: dt.datetime) -> Iterator[dt.datetime]:
        """``with clock.frozen(moment):`` the clock reads ``moment``, and what it read before after."""
        before, self.at = self.at, at
        try:
            yield at
        finally:
            self.at = before


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    """The one clock, patched in one place: every module reads the time as ``clock.now()`` from
    ``dangqun.core.clock``, so setting ``clock.at`` moves the whole application's time."""
    frozen = FrozenClock()
    monkeypatch.setattr("dangqun.core.clock.now", frozen)
    return frozen


@pytest.fixture(autouse=True)
def _fresh_process_caches():  # type: ignore[no-untyped-def]
    """Rolled-back calendar overrides, routing rules and grids must not leak into the next test through
    the process caches. A grid index built during a test may hold that test's own (rolled-back) grids,
    and within ``GEO_INDEX_CHECK_SECONDS`` the next test would be answered from it without a check.
    Rate-limit counters are keyed by primary keys that a rolled-back test hands on to the next one
    (an Open311 client's id): the cache starts empty for every test."""
    from django.core.cache import cache

    from dangqun.cases.routing import clear_rules_cache
    from dangqun.core import workcal
    from dangqun.regions import geoindex

    workcal.invalidate_workcal_cache()
    clear_rules_cache()
    cache.clear()
    index_before = geoindex._cache.index
    yield
    workcal.invalidate_workcal_cache()
    clear_rules_cache()
    if geoindex._cache.index is not index_before:
        geoindex.invalidate_grid_index()
