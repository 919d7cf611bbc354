"""Two PostgreSQL faults the outage test does not make, on a private cluster (never the shared server):

- **A database that accepts and never answers.** The app reaches the cluster through a TCP relay in
  this test. Switched to *silent*, the relay drops the relayed connections and then accepts every
  new one and never sends a byte (a server hung after a restart, a half-dead host): every request
  must answer 503 within the connect timeout — never a 500, never no answer — and the same app
  serves again when the relay forwards again.
- **PostgreSQL out of disk.** A copy of the test database lives in a tablespace on a small tmpfs
  mounted for the test (``mount -t tmpfs``: needs root, skipped otherwise); a file then fills the
  rest. Writes that need a new page fail with SQLSTATE 53100 (disk full): intake answers 503 (or
  201 when the row still fits), never a 500; reads go on; once the file is removed the same keys
  are acknowledged with one case each, and ``amcheck`` finds every index of the copy sound.

Runs in the PostgreSQL pass (``DATABASE_URL`` set): the cluster is loaded from its test database.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.faults.harness import (
    Answer,
    a_grid_point,
    free_port,
    intake_body,
    is_503,
    login_cookie,
    report,
    scaled,
    send,
    start_on,
)

pytestmark = pytest.mark.faults

CONNECT_TIMEOUT_S = 3  # DANGQUN_DB_CONNECT_TIMEOUT for these servers (psycopg's minimum is 2)
MARGIN_S = 3.0  # a Django request's own time on a loaded 2-core machine


# --- a relay that can fall silent ----------------------------------------------------------------


class Relay:
    """127.0.0.1:<port> → the cluster. ``silent()``: drop the relayed connections, then accept and
    never answer; ``forward()``: relay again."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream = upstream_port
        self.port = free_port()
        self.mode = "forward"
        self.lock = threading.Lock()
        self.live: list[socket.socket] = []  # relayed sockets, both ends
        self.held: list[socket.socket] = []  # accepted while silent, never answered
        self.listener = socket.create_server(("127.0.0.1", self.port), backlog=64)
        self.stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stopped:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                if self.mode == "silent":
                    self.held.append(client)
                    continue
            try:
                server = socket.create_connection(("127.0.0.1", self.upstream), timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self.lock:
                self.live += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, dest: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while chunk := source.recv(65536):
                dest.sendall(chunk)
        for s in (source, dest):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def silent(self) -> None:
        with self.lock:
            self.mode = "silent"
            live, self.live = self.live, []
        for s in live:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def forward(self) -> None:
        with self.lock:
            self.mode = "forward"
            held, self.held = self.held, []
        for s in held:
            s.close()

    def close(self) -> None:
        self.stopped = True
        self.silent()
        self.forward()
        self.listener.close()


def test_a_database_that_accepts_and_never_answers_is_503_within_the_connect_timeout(cluster, tmp_path):
    private, url = cluster
    relay = Relay(private.port)
    relayed = url.replace(f":{private.port}/", f":{relay.port}/")
    target, server, token = start_on(relayed, tmp_path, DANGQUN_DB_CONNECT_TIMEOUT=str(CONNECT_TIMEOUT_S))
    api = {"Authorization": f"Bearer {token}"}
    point = a_grid_point(target)
    silent_s = max(3 * CONNECT_TIMEOUT_S, 6 * scaled(1))
    rows: list[tuple[str, str, Answer]] = []  # (phase, kind, answer)
    try:
        assert server.proc is not None
        master = server.proc.pid
        page = {"Cookie": login_cookie(server.port), "Accept": "text/html"}

        def one_round(phase: str, i: int) -> None:
            body = json.dumps(intake_body(800_000 + i, point), ensure_ascii=False).encode()
            intake = {**api, "Content-Type": "application/json", "Idempotency-Key": f"silent-{i}"}
            rows.append(
                (phase, "api", send(server.port, "GET", "/api/v1/cases?limit=5", None, api, timeout=60))
            )
            rows.append((phase, "page", send(server.port, "GET", "/citizen/", None, page, timeout=60)))
            rows.append((phase, "api", send(server.port, "POST", "/api/v1/cases", body, intake, timeout=60)))

        one_round("before", 0)
        relay.silent()
        deadline, i = time.monotonic() + silent_s, 1
        while time.monotonic() < deadline:
            one_round("silent", i)
            i += 1
        relay.forward()
        recovered_after = -1.0
        back = time.monotonic()
        while time.monotonic() - back < 60:
            answer = send(server.port, "GET", "/api/v1/cases?limit=5", None, api, timeout=60)
            rows.append(("after", "api", answer))
            if answer.status == 200:
                recovered_after = time.monotonic() - back
                break
            time.sleep(0.2)
        one_round("after", i)
        assert server.proc.pid == master, "the app server was restarted"
        assert server.proc.poll() is None
        held = len(relay.held)
    finally:
        server.stop()
        relay.close()

    silent = [(kind, a) for phase, kind, a in rows if phase == "silent"]
    slowest = max(a.seconds for _, a in silent)
    report(
        "postgres_silent",
        {
            "connect_timeout_s": CONNECT_TIMEOUT_S,
            "silent_s": silent_s,
            "requests_while_silent": len(silent),
            "max_latency_while_silent_s": round(slowest, 2),
            "min_latency_while_silent_s": round(min(a.seconds for _, a in silent), 2),
            "first_200_after_forward_s": round(recovered_after, 2),
            "statuses": sorted({a.status for _, _, a in rows}),
            "held_connections_at_end": held,
        },
    )
    assert [a.status for phase, _, a in rows if phase == "before"] == [200, 200, 201]
    assert all(is_503(a, kind) for kind, a in silent), [(kind, a.status, a.body[:200]) for kind, a in silent]
    assert len(silent) >= 3
    assert slowest < CONNECT_TIMEOUT_S + MARGIN_S, slowest
    assert recovered_after >= 0, "the app did not serve again after the database answered again"
    assert [a.status for phase, _, a in rows if phase == "after"][-3:] == [200, 200, 201]


# --- out of disk ----------------------------------------------------------------------------------


@contextlib.contextmanager
def small_tmpfs(size_mb: int, owner: str = "postgres") -> Iterator[Path]:
    """A tmpfs of ``size_mb`` MB owned by ``owner``, unmounted afterwards; skips the test when this
    process may not mount (not root, or no CAP_SYS_ADMIN)."""
    path = Path(tempfile.mkdtemp(prefix="dangqun_faults_disk_"))
    record = pwd.getpwnam(owner)
    uid, gid = record.pw_uid, record.pw_gid
    mount = subprocess.run(
        [
            shutil.which("mount") or "/usr/bin/mount",
            "-t",
            "tmpfs",
            "-o",
            f"size={size_mb}m,mode=0700,uid={uid},gid={gid}",
            "tmpfs",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if mount.returncode != 0:
        path.rmdir()
        pytest.skip(f"mount -t tmpfs is not permitted here: {mount.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run([shutil.which("umount") or "/usr/bin/umount", "-l", str(path)], check=False)
        with contextlib.suppress(OSError):
            path.rmdir()


def _fill(path: Path) -> int:
    """Write a file into ``path`` until the filesystem has no byte left; its size. Unbuffered, so
    nothing is left to flush (and fail) on close."""
    free = shutil.disk_usage(path.parent).free
    assert free > 1 << 20, f"the disk is full before the filler: {free} bytes free"
    written = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        for size in (1 << 20, 4096):  # megabytes, then the last pages
            block = b"\0" * size
            while True:
                try:
                    written += os.write(fd, block)
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    break
    finally:
        os.close(fd)
    return written


def _db_bytes(admin: str, name: str) -> int:
    with psycopg.connect(admin, autocommit=True) as db:
        row = db.execute("SELECT pg_database_size(%s)", (name,)).fetchone()
    assert row is not None
    return int(row[0])


def _amcheck(url: str) -> tuple[int, int]:
    """amcheck over the database at ``url``: ``verify_heapam`` on every table and ``bt_index_check``
    (with every heap tuple looked up) on every B-tree index of the app; (tables, indexes) checked.
    A corruption raises or yields rows, which fails the test."""
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
        tables = db.execute(
            "SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname = 'public'"
        ).fetchall()
        for (table,) in tables:
            problems = db.execute("SELECT * FROM verify_heapam(%s::regclass)", (table,)).fetchall()
            assert problems == [], (table, problems[:3])
        indexes = db.execute(
            "SELECT c.oid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE a.amname = 'btree' AND n.nspname = 'public'"
        ).fetchall()
        for (index,) in indexes:
            db.execute("SELECT bt_index_check(%s::regclass, true)", (index,))
    return len(tables), len(indexes)


def _post(port: int, api: dict[str, str], point: tuple[float, float], i: int) -> Answer:
    body = json.dumps(intake_body(700_000 + i, point), ensure_ascii=False).encode()
    return send(port, "POST", "/api/v1/cases", body, {**api, "Idempotency-Key": f"full-{i}"}, timeout=30)


def test_postgresql_out_of_disk_is_503_reads_go_on_and_nothing_is_lost_or_broken(cluster, tmp_path):
    private, _ = cluster
    admin = private.url + "/postgres"
    db_mb = _db_bytes(admin, "dangqun_faults") // (1024 * 1024)
    size_mb = 2 * db_mb + 64
    count = scaled(20)
    with small_tmpfs(size_mb) as disk:
        space = disk / "space"
        private._run("mkdir", str(space))
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f"CREATE TABLESPACE small LOCATION '{space}'")
            db.execute('CREATE DATABASE "dangqun_full" TEMPLATE "dangqun_faults" TABLESPACE small')
        full_url = private.url + "/dangqun_full"
        target, server, token = start_on(full_url, tmp_path)
        api = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        point = a_grid_point(target)
        filler = disk / "filler"
        first: dict[int, Answer] = {}
        reads: list[Answer] = []
        last: dict[int, Answer] = {}
        try:
            assert send(server.port, "GET", "/api/v1/cases?limit=5", None, api, timeout=30).status == 200
            filled = _fill(filler)
            for i in range(count):
                first[i] = _post(server.port, api, point, i)
                reads.append(send(server.port, "GET", "/api/v1/cases?limit=5", None, api, timeout=30))
            filler.unlink()
            for i in range(count):  # every client sends again with its key: acknowledged or replayed
                last[i] = _post(server.port, api, point, i)
        finally:
            server.stop()
        rows = target.query("SELECT title, code FROM cases_case WHERE title LIKE %s", (f"%#7{'_' * 5}",))
        tables, indexes = _amcheck(full_url)
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute('DROP DATABASE "dangqun_full" WITH (FORCE)')
            db.execute("DROP TABLESPACE small")
    refused = [a for a in first.values() if a.status != 201]
    by_title: dict[str, list[str]] = {}
    for title, code in rows:
        by_title.setdefault(title, []).append(code)
    report(
        "postgres_disk_full",
        {
            "requests": count,
            "tmpfs_mb": size_mb,
            "database_mb": db_mb,
            "filler_mb": round(filled / 2**20, 1),
            "refused_503": sum(a.status == 503 for a in refused),
            "accepted_while_full": count - len(refused),
            "read_statuses_while_full": sorted({a.status for a in reads}),
            "after": sorted({a.status for a in last.values()}),
            "cases": len(rows),
            "tables_checked": tables,
            "indexes_checked": indexes,
        },
    )
    assert all(is_503(a, "api") for a in refused), [(a.status, a.body[:200]) for a in refused]
    assert refused, "the disk never filled: no write was refused"
    assert {a.status for a in reads} == {200}
    for i in range(count):
        expected = 200 if first[i].status == 201 else 201  # a replay, or the first acknowledgement
        assert last[i].status == expected, (i, last[i].status, last[i].body[:200])
    codes = {i: json.loads(a.body)["code"] for i, a in last.items()}
    assert all(len(c) == 1 for c in by_title.values()), by_title
    assert sorted(c for cs in by_title.values() for c in cs) == sorted(codes.values())
    assert tables > 10
    assert indexes > 10
