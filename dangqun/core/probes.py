"""Probes for the proxy and the orchestrator (docs/deployment.md).

- ``/healthz`` (liveness): the process answers HTTP. Touches nothing else, so that a database outage
  never gets healthy processes restarted.
- ``/readyz`` (readiness): this node can serve: the database answers, every migration is applied,
  and the cache answers. 503 with the failing checks named otherwise, so the proxy sends traffic
  elsewhere. A Redis outage is reported (``"cache": "degraded"``) but keeps the node ready: the app
  serves without Redis (``dangqun.core.cache``), and taking every node out for it would turn a
  degraded service into none. Likewise ``"scheduler": "no leader"`` (no scheduler holds its lease,
  ``dangqun.core.leader``) is reported for the operator's alarm, not a reason to stop serving.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import resolve

logger = logging.getLogger("dangqun.probes")

_migrated: set[str] = set()  # databases seen fully migrated by this process (they stay so)


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _database(alias: str = DEFAULT_DB_ALIAS) -> str:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _migrations(alias: str = DEFAULT_DB_ALIAS) -> str:
    if alias in _migrated:
        return "ok"
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return f"{len(plan)} pending"
    _migrated.add(alias)
    return "ok"


def _cache() -> str:
    ping = getattr(cache, "ping", None)
    if callable(ping):
        return "ok" if ping() else "degraded"
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, 1, timeout=5)
    ok = cache.get(key) == 1
    cache.delete(key)
    return "ok" if ok else "degraded"


def _scheduler() -> str:
    """Reported, never required: a node serves requests without the scheduler, which runs elsewhere."""
    from dangqun.core.leader import holder_of

    return "ok" if holder_of("scheduler") else "no leader"


CHECKS = {"database": _database, "migrations": _migrations, "cache": _cache, "scheduler": _scheduler}
# Checks whose failure makes the node unready; the others are reported only.
REQUIRED = ("database", "migrations")


def readyz(request: HttpRequest) -> JsonResponse:
    results: dict[str, Any] = {}
    for name, check in CHECKS.items():
        if name in ("migrations", "scheduler") and results.get("database") != "ok":
            results[name] = "unknown"
            continue
        try:
            results[name] = check()
        except Exception as exc:
            logger.warning("readiness check %s failed: %s", name, exc)
            results[name] = f"error: {type(exc).__name__}"
    ready = all(results[name] == "ok" for name in REQUIRED)
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": results}, status=200 if ready else 503
    )


PROBE_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class ProbeMiddleware:
    """Answers the probes and ``/metrics`` before the host check, sessions and the rest: the
    orchestrator and Prometheus call a node by its address (``Host: 10.0.0.5:8000``), which
    ``ALLOWED_HOSTS`` rightly refuses for the application's pages. Placed after the request id and
    metrics middleware, so probes are counted and carry an id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info in PROBE_PATHS and request.method in ("GET", "HEAD"):
            match = resolve(request.path_info)
            request.resolver_match = match
            response: HttpResponse = match.func(request, *match.args, **match.kwargs)
            return response
        return self.get_response(request)
