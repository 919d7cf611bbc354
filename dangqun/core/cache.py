"""A Redis cache that degrades instead of failing (``REDIS_URL``; settings.CACHES).

Every app process shares Redis: rate-limit counters, cached sessions, dashboard figures. When Redis
is away (stopped, restarting, the network cut), Django's own ``RedisCache`` raises on every call and
the requests that use the cache become 500s. ``ResilientRedisCache`` catches the client's connection
and timeout errors, logs them (once per outage, not per call) and serves from a process-local memory
cache until Redis answers again. It then tries Redis at most every ``RETRY_SECONDS``, so an outage
costs one short timeout per process every few seconds, not one per call.

What degrades during an outage: rate limits count per process (as before Redis: the limit multiplies
with the processes, it is never lifted), cached sessions are read from the database
(``cached_db``), dashboards recompute per process.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("dangqun.cache")

OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, OSError)
RETRY_SECONDS = 5.0
T = TypeVar("T")


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        # Fail fast: a Redis that does not answer must not hold a request for the OS's TCP timeout.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        self.retry_seconds = float(options.pop("retry_seconds", RETRY_SECONDS))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self.fallback = LocMemCache(f"fallback-{server}", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._down_since: float | None = None
        self._next_try = 0.0
        self._lock = threading.Lock()

    # --- the switch --------------------------------------------------------------------------------

    @property
    def degraded(self) -> bool:
        return self._down_since is not None

    def _call(self, name: str, redis_call: Callable[[], T], fallback_call: Callable[[], T]) -> T:
        if self._down_since is not None and time.monotonic() < self._next_try:
            return fallback_call()
        try:
            result = redis_call()
        except OUTAGE_ERRORS as exc:
            with self._lock:
                if self._down_since is None:
                    self._down_since = time.monotonic()
                    logger.error("Redis unreachable (%s: %s); serving from the process cache", name, exc)
                self._next_try = time.monotonic() + self.retry_seconds
            return fallback_call()
        if self._down_since is not None:
            with self._lock:
                if self._down_since is not None:
                    logger.warning(
                        "Redis answers again after %.1f s; shared cache restored",
                        time.monotonic() - self._down_since,
                    )
                    self._down_since = None
        return result

    def ping(self) -> bool:
        """True when Redis answers now (readiness probe); never raises."""
        try:
            self._cache.get_client(write=False).ping()
        except OUTAGE_ERRORS:
            return False
        return True

    # --- the cache API -----------------------------------------------------------------------------

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._call(
            "add",
            lambda: super(ResilientRedisCache, self).add(key, value, timeout, version),
            lambda: self.fallback.add(key, value, timeout, version),
        )

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._call(
            "get",
            lambda: super(ResilientRedisCache, self).get(key, default, version),
            lambda: self.fallback.get(key, default, version),
        )

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> None:
        self._call(
            "set",
            lambda: super(ResilientRedisCache, self).set(key, value, timeout, version),
            lambda: self.fallback.set(key, value, timeout, version),
        )

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._call(
            "touch",
            lambda: super(ResilientRedisCache, self).touch(key, timeout, version),
            lambda: self.fallback.touch(key, timeout, version),
        )

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._call(
            "delete",
            lambda: super(ResilientRedisCache, self).delete(key, version),
            lambda: self.fallback.delete(key, version),
        )

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        return self._call(
            "get_many",
            lambda: super(ResilientRedisCache, self).get_many(keys, version),
            lambda: self.fallback.get_many(keys, version),
        )

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._call(
            "has_key",
            lambda: super(ResilientRedisCache, self).has_key(key, version),
            lambda: self.fallback.has_key(key, version),
        )

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        return self._call(
            "incr",
            lambda: super(ResilientRedisCache, self).incr(key, delta, version),
            lambda: self.fallback.incr(key, delta, version),
        )

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> list[Any]:
        return self._call(
            "set_many",
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
            lambda: self.fallback.set_many(data, timeout, version),
        )

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._call(
            "delete_many",
            lambda: super(ResilientRedisCache, self).delete_many(keys, version),
            lambda: self.fallback.delete_many(keys, version),
        )

    def clear(self) -> None:
        self._call("clear", lambda: super(ResilientRedisCache, self).clear(), self.fallback.clear)
