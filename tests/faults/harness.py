"""Real processes for the fault suite: a copy of the seeded test database, gunicorn on it, clients
that retry with their Idempotency-Key, and a private PostgreSQL cluster to take away.

Sizes scale with ``DANGQUN_FAULTS_SCALE`` (CI: 1; ``DANGQUN_FAULTS_SCALE=10`` for a long run).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from django.db import connection, connections

ROOT = Path(__file__).resolve().parents[2]
SCALE = float(os.environ.get("DANGQUN_FAULTS_SCALE", "1"))
RUN_ID = uuid.uuid4().hex[:8]
START_DEADLINE_S = float(os.environ.get("DANGQUN_FAULTS_START_S", "180"))


def scaled(n: int) -> int:
    return max(1, round(n * SCALE))


def report(name: str, figures: dict[str, Any]) -> None:
    """Keep a run's figures: one JSON line in ``$DANGQUN_FAULTS_REPORT`` when it is set."""
    path = os.environ.get("DANGQUN_FAULTS_REPORT")
    if path:
        line = {"test": name, "scale": SCALE, "load_average": os.getloadavg(), **figures}
        with Path(path).open("a") as out:
            out.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- the database under test: a copy of this test session's seeded database -------------------------


@dataclass
class Target:
    """A throw-away copy of the seeded test database, and how a server reaches it."""

    vendor: str
    env: dict[str, str]
    sqlite_path: Path | None = None
    pg_url: str = ""

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Run ``sql`` (``%s`` placeholders) on the copy, outside the app, committed."""
        if self.vendor == "sqlite":
            assert self.sqlite_path is not None
            with contextlib.closing(sqlite3.connect(self.sqlite_path, timeout=30)) as db:
                rows = db.execute(sql.replace("%s", "?"), params).fetchall()
                db.commit()
                return rows
        with psycopg.connect(self.pg_url, autocommit=True) as db:
            cursor = db.execute(sql, params)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description else []

    def citizen_token(self) -> str:
        """A bearer token of the demo ``citizen``, written straight into the copy."""
        from dangqun.accounts.models import ApiToken, User
        from dangqun.accounts.services import API_TOKEN_PREFIX, api_token_hash

        key = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.query(
            f"INSERT INTO {ApiToken._meta.db_table} (user_id, name, key_hash, prefix, created_at) "  # noqa: S608
            f"SELECT id, %s, %s, %s, %s FROM {User._meta.db_table} WHERE username = %s",
            ("faults", api_token_hash(key), key[:10], "2026-01-01 00:00:00+00:00", "citizen"),
        )
        return key


@contextlib.contextmanager
def copy_of_test_database(tmp_path: Path) -> Iterator[Target]:
    """Copy the seeded test database (SQLite: the online backup API; PostgreSQL: ``CREATE DATABASE
    … TEMPLATE`` on the same server, named after the run's database + ``_fault_``) and drop it after."""
    var = tmp_path / "var"
    var.mkdir()
    env = server_env(var)
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        path = var / "dangqun.sqlite3"
        with contextlib.closing(sqlite3.connect(path)) as dest:
            connection.connection.backup(dest)
            dest.execute("PRAGMA journal_mode=WAL")
        env.pop("DATABASE_URL", None)
        yield Target("sqlite", env, sqlite_path=path)
        return
    settings = connection.settings_dict
    base = os.environ["DATABASE_URL"].rsplit("/", 1)
    name = f"{base[1]}_fault_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    connections.close_all()  # a template database must have no other session
    admin = base[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}" TEMPLATE "{settings["NAME"]}"')
    env["DATABASE_URL"] = f"{base[0]}/{name}"
    try:
        yield Target("postgresql", env, pg_url=env["DATABASE_URL"])
    finally:
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_env(var: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DANGQUN_VAR_DIR": str(var),
        "DANGQUN_RATE_INTAKE": "1000000000",  # one client address and one user send everything
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "faults-only-key-not-used-in-production-0123456789",
        "DJANGO_SECURE": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("DANGQUN_TESTING", None)
    # Keys that production requires and debug generates: the server reads the copied data with the
    # keys this test process wrote it with (settings that a deployment has, when it has them).
    from django.conf import settings

    for name in ("DANGQUN_FIELD_KEYS", "DANGQUN_HASH_KEYS"):
        keys = getattr(settings, name, None)
        if keys:
            env[name] = ",".join(keys)
    return env


# --- processes -----------------------------------------------------------------------------------


def group_kill(proc: subprocess.Popen[bytes], sig: int) -> None:
    """Signal the process group that ``proc`` leads (started with ``start_new_session``): the
    gunicorn master and its workers, nothing else."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


class Gunicorn:
    """gunicorn (sync workers) on the copy, in its own process group."""

    def __init__(self, env: dict[str, str], log: Path, workers: int = 2) -> None:
        self.env, self.log, self.workers = env, log, workers
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        cmd = [
            sys.executable, "-m", "gunicorn",
            "--workers", str(self.workers),
            "--bind", f"127.0.0.1:{self.port}",
            "--timeout", "30",
            "--graceful-timeout", "5",
            "--preload",  # import the app once in the master, then fork: a restart is one import
            "--log-level", "warning",
            "config.wsgi:application",
        ]  # fmt: skip
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                cmd, cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True
            )
        # A Django boot takes ~10 s of wall time on the loaded 2-core machine; niced, several times that.
        deadline = time.monotonic() + START_DEADLINE_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-2000:]}")
            if len(children(self.proc.pid)) >= self.workers and self._answers():
                return
            time.sleep(0.2)
        self.stop()  # not left running after the failed test
        raise RuntimeError(f"gunicorn did not start in {START_DEADLINE_S} s")

    def _answers(self) -> bool:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            # A light public page: the OpenAPI document takes a starved worker past its timeout.
            conn.request("GET", "/manifest.webmanifest")
            ok = conn.getresponse().status == 200
            conn.close()
            return ok
        except (OSError, http.client.HTTPException):
            return False

    def kill9(self) -> list[int]:
        """SIGKILL the master and every worker at once; the pids killed."""
        assert self.proc is not None
        pids = [self.proc.pid, *children(self.proc.pid)]
        group_kill(self.proc, signal.SIGKILL)
        self.proc.wait(timeout=10)
        return pids

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            group_kill(self.proc, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                group_kill(self.proc, signal.SIGKILL)
                self.proc.wait(timeout=10)


# --- clients -------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int  # 0: no answer (refused, reset, timed out)
    seconds: float
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def send(
    port: int, method: str, path: str, body: bytes | None, headers: dict[str, str], *, timeout: float
) -> Answer:
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body, headers)
        response = conn.getresponse()
        payload = response.read()
        return Answer(
            response.status,
            time.monotonic() - started,
            payload,
            {k.lower(): v for k, v in response.getheaders()},
        )
    except (OSError, http.client.HTTPException):
        return Answer(0, time.monotonic() - started)
    finally:
        conn.close()


def intake_body(i: int, point: tuple[float, float]) -> dict[str, Any]:
    return {
        "channel": "app",
        "case_type": "help",
        "title": f"故障演练 {RUN_ID} #{i}",
        "description": "小区门口的路灯连续三晚不亮,夜里出行不便,请尽快修复。",
        "lng": point[0],
        "lat": point[1],
        "address": "幸福小区3号楼",
    }


@dataclass
class IntakeLog:
    """What the clients saw: per request, every answer; the acknowledged case codes."""

    answers: dict[int, list[Answer]] = field(default_factory=dict)
    acked: dict[int, set[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, i: int, answer: Answer) -> None:
        with self.lock:
            self.answers.setdefault(i, []).append(answer)
            if answer.status in (200, 201):
                self.acked.setdefault(i, set()).add(json.loads(answer.body)["code"])

    def statuses(self) -> dict[int, int]:
        out: dict[int, int] = {}
        for answers in self.answers.values():
            for a in answers:
                out[a.status] = out.get(a.status, 0) + 1
        return out


def run_intake(
    port_of: Any,
    token: str,
    count: int,
    point: tuple[float, float],
    log: IntakeLog,
    *,
    concurrency: int = 6,
    deadline_s: float = 120,
    timeout: float = 15,
    before: Any = None,
) -> None:
    """``count`` submissions from ``concurrency`` threads; each is sent until it is acknowledged
    (200/201), with the same Idempotency-Key and body every time. ``port_of()`` gives the current
    server port (a restarted server may listen elsewhere). ``before(i)``, when given, runs before
    submission ``i`` is first sent (a test holds some back until its fault has begun: a fast
    machine would otherwise have acknowledged them all before it)."""
    deadline = time.monotonic() + deadline_s

    def submit(i: int) -> None:
        if before is not None:
            before(i)
        key = f"{RUN_ID}-{i}"
        body = json.dumps(intake_body(i, point), ensure_ascii=False).encode()
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": key,
        }
        while time.monotonic() < deadline:
            answer = send(port_of(), "POST", "/api/v1/cases", body, headers, timeout=timeout)
            log.record(i, answer)
            if answer.status in (200, 201):
                return
            if answer.status not in (0, 503):
                raise AssertionError(f"request {i}: {answer.status} {answer.body[:300]!r}")
            time.sleep(0.2)

    with concurrent.futures.ThreadPoolExecutor(max_workers=concurrency) as pool:
        for future in [pool.submit(submit, i) for i in range(count)]:
            future.result()


def check_intake(target: Target, log: IntakeLog, count: int) -> dict[str, int]:
    """Every acknowledged case is in the database; no request made two cases; the figures."""
    from dangqun.cases.models import Case

    rows = target.query(
        f"SELECT code, title FROM {Case._meta.db_table} WHERE title LIKE %s",  # noqa: S608
        (f"故障演练 {RUN_ID} #%",),
    )
    by_title: dict[str, list[str]] = {}
    for code, title in rows:
        by_title.setdefault(title, []).append(code)
    duplicates = sum(len(codes) - 1 for codes in by_title.values())
    found = {code for code, _ in rows}
    acked_codes = set().union(*log.acked.values()) if log.acked else set()
    assert duplicates == 0, {t: c for t, c in by_title.items() if len(c) > 1}
    assert all(len(codes) == 1 for codes in log.acked.values()), "one key answered with two cases"
    assert acked_codes <= found, f"acknowledged but missing: {sorted(acked_codes - found)}"
    statuses = log.statuses()
    return {
        "requests": count,
        "attempts": sum(statuses.values()),
        "acknowledged": len(log.acked),
        "found": len(found),
        "duplicates": duplicates,
        "no_answer": statuses.get(0, 0),
        "replayed_200": statuses.get(200, 0),
        "status_503": statuses.get(503, 0),
    }


def a_grid_point(target: Target) -> tuple[float, float]:
    from dangqun.regions.models import Region

    rows = target.query(
        f"SELECT centroid_lng, centroid_lat FROM {Region._meta.db_table} "  # noqa: S608
        "WHERE level = 5 AND centroid_lng IS NOT NULL ORDER BY code LIMIT 1"
    )
    return float(rows[0][0]), float(rows[0][1])


def login_cookie(port: int) -> str:
    body = json.dumps({"username": "citizen", "password": "Dangqun@2026"}).encode()
    answer = send(port, "POST", "/api/v1/auth/login", body, {"Content-Type": "application/json"}, timeout=30)
    assert answer.status == 200, answer.body
    cookie = answer.headers["set-cookie"]
    return "; ".join(part.split(";", 1)[0] for part in cookie.split(", ") if "=" in part.split(";", 1)[0])


def start_on(url: str, tmp_path: Path, **extra_env: str) -> tuple[Target, Gunicorn, str]:
    """gunicorn on the PostgreSQL database at ``url`` (5 s connect timeout unless ``extra_env`` says
    otherwise), with a citizen token written into it."""
    var = tmp_path / "var"
    var.mkdir()
    env = {**server_env(var), "DATABASE_URL": url, "DANGQUN_DB_CONNECT_TIMEOUT": "5", **extra_env}
    target = Target("postgresql", env, pg_url=url)
    token = target.citizen_token()
    server = Gunicorn(env, tmp_path / "gunicorn.log")
    server.start()
    return target, server, token


def is_503(answer: Answer, kind: str) -> bool:
    """The database-unavailable answer: 503, ``Retry-After: 5``, JSON for the API, the page else."""
    if answer.status != 503 or answer.headers.get("retry-after") != "5":
        return False
    if kind == "api":
        return json.loads(answer.body)["code"] == "database_unavailable"
    return answer.headers["content-type"].startswith("text/html") and "服务暂时不可用" in answer.body.decode()


# --- a private PostgreSQL cluster ------------------------------------------------------------------


def pg_bin_dir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


class PrivateCluster:
    """initdb/pg_ctl on a free port in a temporary directory (as the ``postgres`` user when run as
    root). Never the shared server."""

    def __init__(self) -> None:
        bin_dir = pg_bin_dir()
        assert bin_dir is not None
        self.bin = bin_dir
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="dangqun_faults_pg_"))
        self.data = self.dir / "data"
        self.as_postgres: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            self.as_postgres = ["runuser", "-u", "postgres", "--"]
        self.url = f"postgres://postgres@127.0.0.1:{self.port}"

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_postgres, *args], check=True, capture_output=True, cwd=self.dir)

    def init(self) -> None:
        initdb = str(self.bin / "initdb")
        self._run(
            initdb, "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale", "C"
        )
        self.start()

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40"
        )
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.dir / "log"),
                  "-w", "-t", "60", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)

    def load_from(self, source_url: str, name: str) -> str:
        """Copy the database at ``source_url`` into a new database ``name`` here (pg_dump | pg_restore)."""
        with psycopg.connect(self.url + "/postgres", autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        dump = subprocess.run(
            [str(self.bin / "pg_dump"), "-Fc", "--no-owner", "--no-privileges", "-d", source_url],
            check=True, capture_output=True,
        )  # fmt: skip
        subprocess.run(
            [str(self.bin / "pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
             "-d", f"{self.url}/{name}"],
            input=dump.stdout, check=True, capture_output=True,
        )  # fmt: skip
        return f"{self.url}/{name}"
