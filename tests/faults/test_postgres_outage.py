"""PostgreSQL goes away, and PostgreSQL turns read-only, under load: on a private cluster (initdb and
pg_ctl on a free port in a temporary directory), never the shared server.

Runs in the PostgreSQL pass (``DATABASE_URL`` set): the seeded test database is copied into the
private cluster with pg_dump. While the database is away every answer is a 503 with ``Retry-After``
(JSON for the API, a Chinese page for pages) within a bounded time, never a 500 and never no answer;
when it is back the same app processes serve again by themselves.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field

import psycopg
import pytest

from tests.faults.harness import (
    SCALE,
    Answer,
    IntakeLog,
    a_grid_point,
    check_intake,
    intake_body,
    is_503,
    login_cookie,
    report,
    run_intake,
    scaled,
    send,
    start_on,
)

pytestmark = pytest.mark.faults

ANSWER_BOUND_S = 10.0  # no answer may take longer, database away or not (connect_timeout is 5 s)


@dataclass
class Seen:
    """Every answer to the readers, with the time it was sent (seconds since the start)."""

    rows: list[tuple[float, str, Answer]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, at: float, kind: str, answer: Answer) -> None:
        with self.lock:
            self.rows.append((at, kind, answer))


def _readers(
    port: int, token: str, cookie: str, seen: Seen, *, stop: threading.Event, started: float
) -> None:
    api = {"Authorization": f"Bearer {token}"}
    page = {"Cookie": cookie, "Accept": "text/html"}
    while not stop.is_set():
        at = time.monotonic() - started
        seen.add(at, "api", send(port, "GET", "/api/v1/cases?limit=5", None, api, timeout=30))
        at = time.monotonic() - started
        seen.add(at, "page", send(port, "GET", "/citizen/", None, page, timeout=30))
        time.sleep(0.05)


def test_postgresql_away_is_503_within_a_bound_and_the_app_recovers_by_itself(cluster, tmp_path):
    private, url = cluster
    target, server, token = start_on(url, tmp_path)
    count, down_s = scaled(40), 4.0 * max(1.0, SCALE)
    seen, log, stop = Seen(), IntakeLog(), threading.Event()
    started = time.monotonic()
    marks: dict[str, float] = {}
    try:
        assert server.proc is not None
        master = server.proc.pid
        cookie = login_cookie(server.port)
        readers = [
            threading.Thread(
                target=_readers,
                args=(server.port, token, cookie, seen),
                kwargs={"stop": stop, "started": started},
            )
            for _ in range(2)
        ]
        for thread in readers:
            thread.start()

        stopped = threading.Event()

        def outage() -> None:
            time.sleep(2.0)
            marks["down"] = time.monotonic() - started
            private.stop("fast")
            marks["stopped"] = time.monotonic() - started
            stopped.set()
            time.sleep(down_s)
            marks["starting"] = time.monotonic() - started
            private.start()
            marks["up"] = time.monotonic() - started

        breaker = threading.Thread(target=outage)
        breaker.start()
        # The second half is sent once the database is away, however fast the first half went.
        run_intake(
            lambda: server.port,
            token,
            count,
            a_grid_point(target),
            log,
            concurrency=3,
            deadline_s=180,
            before=lambda i: stopped.wait(60) if i >= count // 2 else None,
        )
        breaker.join()
        # Keep reading until the readers have been served again for a while after the restart.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            after = [a for at, _, a in seen.rows if at > marks["up"] + 1]
            if len(after) >= 10 and all(a.status == 200 for a in after[-6:]):
                break
            time.sleep(0.2)
        stop.set()
        for thread in readers:
            thread.join(timeout=60)
        assert server.proc.pid == master, "the app server was restarted"
        assert server.proc.poll() is None
    finally:
        stop.set()
        server.stop()
    figures = check_intake(target, log, count)

    down, up = marks["down"], marks["up"]
    # Sent after the server had stopped and answered before it was being started again.
    during = [
        (kind, a) for at, kind, a in seen.rows if marks["stopped"] < at and at + a.seconds < marks["starting"]
    ]
    after = [a for at, _, a in seen.rows if at > up]
    statuses: dict[int, int] = {}
    for _, _, a in seen.rows:
        statuses[a.status] = statuses.get(a.status, 0) + 1
    slowest_down = max((a.seconds for _, a in during), default=0.0)
    report(
        "postgres_away",
        {
            **figures,
            "down_s": round(up - down, 1),
            "reads": len(seen.rows),
            "read_statuses": statuses,
            "reads_while_down": len(during),
            "max_latency_while_down_s": round(slowest_down, 2),
            "first_ok_after_up_s": round(
                min((at for at, _, a in seen.rows if at > up and a.status == 200), default=-1) - up, 2
            ),
        },
    )
    assert set(statuses) <= {200, 503}, statuses  # no 500, no answer-less request
    assert all(a.status == 503 and is_503(a, kind) for kind, a in during), [
        (kind, a.status, a.body[:200]) for kind, a in during if not is_503(a, kind)
    ]
    assert {kind for kind, _ in during} == {"api", "page"}, "the readers saw no outage"
    assert max(a.seconds for _, _, a in seen.rows) < ANSWER_BOUND_S
    assert after
    assert after[-1].status == 200
    assert figures["found"] == figures["acknowledged"] == count
    assert figures["status_503"] > 0
    assert figures["no_answer"] == 0


def test_postgresql_read_only_refuses_writes_with_503_keeps_reads_and_writes_nothing(cluster, tmp_path):
    private, url = cluster
    target, server, token = start_on(url, tmp_path)
    admin = private.url + "/postgres"
    api = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    point = a_grid_point(target)
    body = json.dumps(intake_body(900_001, point), ensure_ascii=False).encode()
    title = intake_body(900_001, point)["title"]
    try:
        warm = send(server.port, "GET", "/api/v1/cases?limit=5", None, api, timeout=30)
        assert warm.status == 200  # and the token's last use is recorded: reads write nothing now
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute("ALTER SYSTEM SET default_transaction_read_only = on")
            db.execute("SELECT pg_reload_conf()")
        time.sleep(1.0)  # every backend re-reads its configuration before its next command
        refused = send(
            server.port, "POST", "/api/v1/cases", body, {**api, "Idempotency-Key": "ro-1"}, timeout=30
        )
        read = send(server.port, "GET", "/api/v1/cases?limit=5", None, api, timeout=30)
        cases_while_read_only = target.query("SELECT count(*) FROM cases_case WHERE title = %s", (title,))[0][
            0
        ]
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute("SET default_transaction_read_only = off")
            db.execute("ALTER SYSTEM RESET default_transaction_read_only")
            db.execute("SELECT pg_reload_conf()")
        time.sleep(1.0)
        accepted = send(
            server.port, "POST", "/api/v1/cases", body, {**api, "Idempotency-Key": "ro-1"}, timeout=30
        )
        replay = send(
            server.port, "POST", "/api/v1/cases", body, {**api, "Idempotency-Key": "ro-1"}, timeout=30
        )
    finally:
        server.stop()
    report(
        "postgres_read_only",
        {"write": refused.status, "read": read.status, "after": accepted.status, "replay": replay.status},
    )
    assert refused.status == 503, refused.body
    assert is_503(refused, "api")
    assert read.status == 200
    assert cases_while_read_only == 0
    assert accepted.status == 201, accepted.body
    assert replay.status == 200
    assert target.query("SELECT count(*) FROM cases_case WHERE title = %s", (title,))[0][0] == 1
