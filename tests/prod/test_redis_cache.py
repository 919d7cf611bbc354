"""The Redis cache behind ``REDIS_URL``, on the machine's Redis (127.0.0.1:6379): rate-limit counters
shared by every user of the cache, and an outage that degrades instead of failing requests."""

from __future__ import annotations

import logging
import socket
import uuid

import pytest
from django.core.cache import caches

from dangqun.core.cache import ResilientRedisCache
from dangqun.core.ratelimit import hit

REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the block ends: connections are refused


def _cache_settings(url: str, prefix: str) -> dict[str, dict[str, object]]:
    return {
        "default": {
            "BACKEND": "dangqun.core.cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"retry_seconds": 60},
        }
    }


@pytest.fixture
def redis_cache(settings) -> ResilientRedisCache:
    settings.CACHES = _cache_settings(REDIS_URL, f"test-{uuid.uuid4().hex}")
    cache = caches["default"]
    assert isinstance(cache, ResilientRedisCache)
    return cache  # its keys expire with their rate-limit windows (never clear(): that is FLUSHDB)


@pytest.fixture
def dead_redis_cache(settings) -> ResilientRedisCache:
    settings.CACHES = _cache_settings(f"redis://127.0.0.1:{_closed_port()}/0", "dead")
    cache = caches["default"]
    assert isinstance(cache, ResilientRedisCache)
    return cache


@needs_redis
def test_two_cache_clients_count_one_rate_limit(settings):
    """Two independent clients (as two app processes have) see one counter."""
    prefix = f"test-{uuid.uuid4().hex}"
    one = ResilientRedisCache(REDIS_URL, {"KEY_PREFIX": prefix})
    two = ResilientRedisCache(REDIS_URL, {"KEY_PREFIX": prefix})
    key = "ratelimit:login:ip1:1"
    one.add(key, 0, timeout=30)
    assert one.incr(key) == 1
    two.add(key, 0, timeout=30)  # exists already: not reset
    assert two.incr(key) == 2
    assert one.get(key) == 2
    one.delete(key)
    assert not one.degraded
    assert one.ping()


@needs_redis
def test_the_rate_limiter_counts_in_redis(redis_cache):
    key = f"ip{uuid.uuid4().hex}"
    verdicts = [hit("login", key, limit=2, window=60) for _ in range(3)]
    assert [v.allowed for v in verdicts] == [True, True, False]
    assert verdicts[-1].count == 3
    assert not redis_cache.degraded


def test_a_redis_outage_degrades_to_the_process_cache_and_logs_once(dead_redis_cache, caplog):
    cache = dead_redis_cache
    with caplog.at_level(logging.WARNING, logger="dangqun.cache"):
        cache.set("k", "v", timeout=30)
        assert cache.get("k") == "v"  # from the process cache
        assert cache.add("n", 0) is True
        assert cache.incr("n") == 1
        assert cache.get_many(["k", "n"]) == {"k": "v", "n": 1}
        cache.delete("k")
        assert cache.get("k", "gone") == "gone"
    assert cache.degraded
    assert not cache.ping()
    outage_lines = [r for r in caplog.records if "Redis unreachable" in r.getMessage()]
    assert len(outage_lines) == 1


def test_requests_are_served_while_redis_is_away(dead_redis_cache, client, db, settings):
    settings.DANGQUN_RATE_LIMITS = [
        {"name": "login", "methods": ["POST"], "paths": ["/api/v1/auth/login"], "limit": 2, "per": "ip"}
    ]
    statuses = [
        client.post("/api/v1/auth/login", {}, content_type="application/json").status_code for _ in range(3)
    ]
    assert statuses[:2] == [422, 422]  # reached the API (bad body), not a 500
    assert statuses[2] == 429  # the limit still holds, counted in this process
    ready = client.get("/readyz")
    assert ready.status_code == 200  # the node stays in the pool
    assert ready.json()["checks"]["cache"] == "degraded"
    assert client.get("/healthz").status_code == 200
