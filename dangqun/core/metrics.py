"""Prometheus metrics (prometheus_client): what every request took, by route, and what the database
holds right now (jobs waiting by queue and how old the oldest is; gauges of other layers, e.g. open
cases by status, named in ``settings.DANGQUN_METRICS_COLLECTORS``).

Request metrics are counted by ``MetricsMiddleware`` in the process that served the request. Under
gunicorn several processes serve: ``config/gunicorn_conf.py`` sets ``PROMETHEUS_MULTIPROC_DIR`` before
the app is imported, so that every worker writes its counters to files there and ``/metrics`` (in any
worker) sums them. The database gauges are read when ``/metrics`` is scraped, so they need no sharing.

``/metrics`` answers the ``Authorization: Bearer <DANGQUN_METRICS_TOKEN>`` when that token is set;
without a token only loopback clients (the scraper on the node, or the proxy's health side) get it.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, cast

from django.conf import settings
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.module_loading import import_string
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

logger = logging.getLogger("dangqun.metrics")

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
UNMATCHED = "<unmatched>"
LOOPBACK = frozenset({"127.0.0.1", "::1"})

REQUESTS = Counter(
    "dangqun_http_requests_total", "HTTP requests served, by route pattern, method and status",
    ["route", "method", "status"],
)  # fmt: skip
LATENCY = Histogram(
    "dangqun_http_request_duration_seconds", "Time to answer an HTTP request, by route pattern",
    ["route", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)  # fmt: skip


def route_of(request: HttpRequest) -> str:
    """The URL pattern (``api/v1/cases/<code>``), never the path: a bounded set of label values."""
    match = getattr(request, "resolver_match", None)
    route = getattr(match, "route", "") if match is not None else ""
    return "/" + route if route else UNMATCHED


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            return response
        finally:
            route, method = route_of(request), (request.method or "").upper()[:10]
            REQUESTS.labels(route, method, str(status)).inc()
            LATENCY.labels(route, method).observe(time.perf_counter() - started)


class JobQueueCollector(Collector):
    """django-tasks-db's jobs by queue: waiting, running, and the age of the oldest waiting one."""

    def collect(self) -> Iterator[Metric]:
        from django_tasks_db.models import DBTaskResult

        waiting = GaugeMetricFamily("dangqun_jobs_waiting", "Jobs ready to run, by queue", labels=["queue"])
        oldest = GaugeMetricFamily(
            "dangqun_jobs_oldest_waiting_seconds", "Age of the oldest ready job, by queue", labels=["queue"]
        )
        running = GaugeMetricFamily("dangqun_jobs_running", "Jobs being run, by queue", labels=["queue"])
        now = timezone.now()
        rows = (
            DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])
            .values("queue_name", "status")
            .annotate(n=Count("id"), first=Min("enqueued_at"))
        )
        for row in rows:
            if row["status"] == "READY":
                waiting.add_metric([row["queue_name"]], row["n"])
                oldest.add_metric([row["queue_name"]], max(0.0, (now - row["first"]).total_seconds()))
            else:
                running.add_metric([row["queue_name"]], row["n"])
        yield from (waiting, oldest, running)


class SchedulerCollector(Collector):
    """The scheduler's heartbeat (its lease, ``dangqun.core.leader``) and each periodic job's last
    success: alarm when ``dangqun_periodic_job_last_success_age_seconds{job=~".*sweep_cases"}`` passes
    120 or ``dangqun_lease_heartbeat_age_seconds{lease="scheduler"}`` passes the lease time."""

    def collect(self) -> Iterator[Metric]:
        from django.db.models import Max
        from django_tasks_db.models import DBTaskResult

        from dangqun.core.models import Lease

        now = timezone.now()
        age = GaugeMetricFamily(
            "dangqun_lease_heartbeat_age_seconds", "Seconds since the lease holder renewed", labels=["lease"]
        )
        held = GaugeMetricFamily("dangqun_lease_held", "1 while a live holder has it", labels=["lease"])
        for lease in Lease.objects.all():
            age.add_metric([lease.name], max(0.0, (now - lease.renewed_at).total_seconds()))
            held.add_metric([lease.name], 1 if lease.holder and lease.expires_at > now else 0)
        last = GaugeMetricFamily(
            "dangqun_periodic_job_last_success_age_seconds",
            "Seconds since the periodic job last finished successfully",
            labels=["job"],
        )
        paths = [path for path, _every in cast(list[tuple[str, float]], settings.DANGQUN["PERIODIC_JOBS"])]
        rows = (
            DBTaskResult.objects.filter(status="SUCCESSFUL", task_path__in=paths)
            .values("task_path")
            .annotate(last=Max("finished_at"))
            .order_by()
        )
        for row in rows:
            if row["last"] is not None:
                last.add_metric([row["task_path"]], max(0.0, (now - row["last"]).total_seconds()))
        yield from (age, held, last)


def _database_collectors() -> list[Collector]:
    paths = cast(list[str], getattr(settings, "DANGQUN_METRICS_COLLECTORS", []))
    return [JobQueueCollector(), SchedulerCollector(), *(import_string(path)() for path in paths)]


class _Guarded(Collector):
    """A collector whose failure (the database away) costs its own metrics, not the whole scrape."""

    def __init__(self, inner: Collector) -> None:
        self.inner = inner

    def collect(self) -> Iterable[Metric]:
        name = type(self.inner).__name__
        up = GaugeMetricFamily(
            "dangqun_metrics_collector_up",
            "1 when the collector could read its figures",
            labels=["collector"],
        )
        try:
            metrics = list(self.inner.collect())
        except Exception:
            logger.warning("metrics collector %s failed", name, exc_info=True)
            metrics = []
            up.add_metric([name], 0)
        else:
            up.add_metric([name], 1)
        return [*metrics, up]


def exposition() -> bytes:
    """The text Prometheus scrapes: this process's (or all workers') request metrics, then the
    database gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        shared = CollectorRegistry()
        MultiProcessCollector(shared)
        parts = [generate_latest(shared)]
    else:
        parts = [generate_latest(REGISTRY)]
    live = CollectorRegistry(auto_describe=False)
    for collector in _database_collectors():
        live.register(_Guarded(collector))
    parts.append(generate_latest(live))
    return b"".join(parts)


def may_scrape(request: HttpRequest) -> bool:
    token = cast(str, getattr(settings, "DANGQUN_METRICS_TOKEN", ""))
    if token:
        given = str(request.META.get("HTTP_AUTHORIZATION", ""))
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    return str(request.META.get("REMOTE_ADDR", "")) in LOOPBACK


def metrics_view(request: HttpRequest, *args: Any) -> HttpResponse:
    if not may_scrape(request):
        return HttpResponse("forbidden", status=403, content_type="text/plain; charset=utf-8")
    return HttpResponse(exposition(), content_type=CONTENT_TYPE)
