"""Two app nodes as production runs them: gunicorn with config/gunicorn_conf.py (gthread), static
files collected with their manifest and served by WhiteNoise, one Redis (the machine's, on
127.0.0.1:6379) shared by both. Real processes, real sockets, loopback only.

The nodes run on an empty SQLite database: nothing here needs a table, and ``/readyz`` shows it.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.prod.test_redis_cache import needs_redis

ROOT = Path(__file__).resolve().parents[2]
START_DEADLINE_S = float(os.environ.get("DANGQUN_FAULTS_START_S", "180"))

pytestmark = needs_redis


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _request(
    port: int, method: str, path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, headers={"Host": "127.0.0.1", **(headers or {})})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@dataclass
class Node:
    name: str
    port: int
    proc: subprocess.Popen[bytes]
    log: Path

    def get(self, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
        return _request(self.port, "GET", path, headers)

    def post(self, path: str) -> int:
        return _request(self.port, "POST", path)[0]


def _env(var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DANGQUN_TESTING", "DATABASE_URL"}}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DANGQUN_VAR_DIR": str(var),
            "DJANGO_DEBUG": "0",
            "DJANGO_SECURE": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECRET_KEY": "two-nodes-test-only-" + uuid.uuid4().hex,
            "DANGQUN_FIELD_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
            "DANGQUN_HASH_KEYS": uuid.uuid4().hex + uuid.uuid4().hex,
            "DANGQUN_STATIC_MANIFEST": "1",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "DANGQUN_CACHE_PREFIX": f"test-nodes-{uuid.uuid4().hex}",
            "DANGQUN_RATE_LOGIN": "3",
            "GUNICORN_THREADS": "2",
            "GUNICORN_LOG_LEVEL": "warning",
        }
    )
    return env


def _start(name: str, env: dict[str, str], var: Path, workers: int) -> Node:
    port = _free_port()
    log = var / f"{name}.log"
    node_env = {
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "PROMETHEUS_MULTIPROC_DIR": str(var / f"prometheus-{name}"),
    }
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn_conf.py", "config.wsgi:application"],
            cwd=ROOT, env=node_env, stdout=out, stderr=out, start_new_session=True,
        )  # fmt: skip
    node = Node(name, port, proc, log)
    deadline = time.monotonic() + START_DEADLINE_S
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if node.get("/healthz")[0] == 200:
                return node
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=0.25)  # the wait between tries, and the check that it still lives
            raise RuntimeError(f"gunicorn {name} exited: {log.read_text()[-2000:]}")
    _stop(node)
    raise RuntimeError(f"gunicorn {name} did not answer within {START_DEADLINE_S} s")


def _stop(node: Node) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(node.proc.pid, signal.SIGTERM)
    try:
        node.proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(node.proc.pid, signal.SIGKILL)
        node.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def nodes(tmp_path_factory) -> Iterator[tuple[Node, Node]]:
    var = tmp_path_factory.mktemp("two-nodes")
    env = _env(var)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT, env=env, check=True, timeout=600,
    )  # fmt: skip
    a = _start("a", env, var, workers=2)
    try:
        b = _start("b", env, var, workers=1)
    except BaseException:
        _stop(a)
        raise
    try:
        yield a, b
    finally:
        _stop(a)
        _stop(b)


def test_two_nodes_count_one_rate_limit(nodes):
    a, b = nodes
    # /login/ POSTs without a CSRF token are refused (403) after the limiter counted them.
    first = [a.post("/login/"), a.post("/login/"), b.post("/login/")]
    assert 429 not in first
    assert b.post("/login/") == 429  # the fourth, on the other node: the limit is shared
    assert a.post("/login/") == 429


def test_static_files_are_served_hashed_compressed_and_cached_for_ever(nodes):
    a, _ = nodes
    manifest = json.loads((a.log.parent / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["vendor/htmx/htmx.min.js"]
    assert hashed != "vendor/htmx/htmx.min.js"
    status, headers, _body = a.get(f"/static/{hashed}", **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert "immutable" in headers["cache-control"]
    assert "max-age=315360000" in headers["cache-control"]
    assert not (a.log.parent / "static" / "vendor" / "echarts" / "echarts.js").exists()  # unused builds


def test_metrics_sum_every_worker_of_a_node(nodes):
    a, _ = nodes
    key = 'dangqun_http_requests_total{method="GET",route="/healthz",status="200"}'

    def count() -> float:
        text = a.get("/metrics")[2].decode()
        return next(
            (float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(key)), 0.0
        )

    before = count()
    for _ in range(20):  # a new connection each: both workers take some
        assert a.get("/healthz")[0] == 200
    assert count() == before + 20


def test_log_lines_are_json_with_the_request_id_the_proxy_sent(nodes):
    _, b = nodes
    status, headers, _body = b.get("/login/", Host="evil.example", **{"X-Request-ID": "lb-7f3a"})
    assert status == 400
    assert headers["x-request-id"] == "lb-7f3a"
    lines = [json.loads(line) for line in b.log.read_text().splitlines() if line.startswith("{")]
    refused = [line for line in lines if line["request_id"] == "lb-7f3a"]
    assert refused
    assert refused[0]["logger"] == "django.security.DisallowedHost"
    assert refused[0]["level"] == "ERROR"


def test_a_node_on_an_unmigrated_database_is_alive_but_not_ready(nodes):
    a, _ = nodes
    assert a.get("/healthz")[0] == 200
    status, _headers, body = a.get("/readyz", Host="10.0.0.5:8000")
    assert status == 503
    checks = json.loads(body)["checks"]
    assert checks["database"] == "ok"
    assert checks["migrations"].endswith("pending")
    assert checks["cache"] == "ok"
