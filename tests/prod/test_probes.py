"""Probes, metrics and request ids, through the HTTP client as the proxy and Prometheus call them."""

from __future__ import annotations

import json
import logging

import pytest
from django.db.migrations.executor import MigrationExecutor
from django.test import RequestFactory

from dangqun.core import probes
from dangqun.core.logs import JsonFormatter, RequestIdFilter, RequestIdMiddleware
from dangqun.core.metrics import route_of


def test_healthz_answers_without_touching_the_database(client):
    response = client.get("/healthz")  # no db fixture: any query would raise
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_database_migrations_and_cache(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "cache": "ok", "scheduler": "no leader"},
    }


def test_readyz_is_503_while_a_migration_is_pending(client, db, monkeypatch):
    monkeypatch.setattr(probes, "_migrated", set())
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("cases", "0099_x")])
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "1 pending"


def test_readyz_is_503_when_the_database_fails(client, db, monkeypatch):
    def broken() -> str:
        raise ConnectionError("refused")

    monkeypatch.setitem(probes.CHECKS, "database", broken)
    body = client.get("/readyz").json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "error: ConnectionError"
    assert body["checks"]["migrations"] == "unknown"


def _metric(text: str, line_start: str) -> float:
    for line in text.splitlines():
        if line.startswith(line_start):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_requests_by_route_and_show_open_cases_and_queues(client, demo):
    before = client.get("/metrics").content.decode()
    key = 'dangqun_http_requests_total{method="GET",route="/healthz",status="200"}'
    client.get("/healthz")
    client.get("/healthz")
    text = client.get("/metrics").content.decode()
    assert _metric(text, key) == _metric(before, key) + 2
    assert 'dangqun_http_request_duration_seconds_bucket{le="0.01",method="GET",route="/healthz"}' in text
    assert _metric(text, "dangqun_cases_open ") > 0
    assert 'dangqun_cases{status="closed"}' in text
    assert 'dangqun_metrics_collector_up{collector="JobQueueCollector"} 1.0' in text
    assert 'dangqun_metrics_collector_up{collector="CaseStatusCollector"} 1.0' in text


def test_metrics_label_a_route_by_its_pattern_not_its_path(rf):
    from django.urls import resolve

    request = rf.get("/api/v1/cases/YB-20260101-000001")
    request.resolver_match = resolve(request.path)
    assert route_of(request) == "/api/v1/cases/<code>"
    assert route_of(rf.get("/nowhere")) == "<unmatched>"


def test_metrics_are_refused_to_a_remote_client_without_the_token(client, db, settings):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    settings.DANGQUN_METRICS_TOKEN = "scrape-secret-0123456789"
    assert client.get("/metrics").status_code == 403  # loopback too, once a token is set
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    ok = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret-0123456789")
    assert ok.status_code == 200
    assert ok["Content-Type"].startswith("text/plain; version=0.0.4")


@pytest.mark.parametrize(
    ("given", "kept"),
    [("req-abc_123.4:5", True), ("", False), ("bad id\nwith newline", False), ("x" * 200, False)],
)
def test_a_request_id_is_honoured_when_well_formed_and_made_otherwise(client, given, kept):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=given)
    echoed = response["X-Request-ID"]
    if kept:
        assert echoed == given
    else:
        assert echoed != given
        assert len(echoed) == 32


def test_log_lines_are_json_with_the_request_id(caplog):
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Keep()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    log = logging.getLogger("dangqun.test.requestid")
    log.addHandler(handler)
    try:

        def view(request):
            log.warning("处理 %s", "诉求", extra={"case": "YB-1"})
            from django.http import HttpResponse

            return HttpResponse("ok")

        response = RequestIdMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID="lb-42"))
        log.warning("outside")
    finally:
        log.removeHandler(handler)
    assert response["X-Request-ID"] == "lb-42"
    inside, outside = (json.loads(line) for line in lines)
    assert inside["message"] == "处理 诉求"
    assert inside["request_id"] == "lb-42"
    assert inside["case"] == "YB-1"
    assert inside["level"] == "WARNING"
    assert outside["request_id"] == ""


def test_probes_answer_a_node_called_by_its_address(client, db):
    """The orchestrator and Prometheus use the node's address as Host, outside ALLOWED_HOSTS."""
    assert client.get("/healthz", HTTP_HOST="10.0.0.5:8000").status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.0.0.5:8000").status_code == 200
    assert client.get("/metrics", HTTP_HOST="10.0.0.5:8000").status_code == 200
    assert client.get("/login/", HTTP_HOST="10.0.0.5:8000").status_code == 400  # the app: still refused
