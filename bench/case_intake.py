"""Case intake through the HTTP API under gunicorn (see docs/benchmarks.md, "Case intake").

    python bench/case_intake.py --db pg [--requests 5000] [--concurrency 16]
    python bench/case_intake.py --db sqlite
    python bench/case_intake.py --db pg --profile 300     # where a request's time goes (cProfile)

Steps: create a throw-away database (PostgreSQL ``dangqun_bench_intake``; SQLite
``var/bench_intake.sqlite3`` with the app's PRAGMAs: WAL, IMMEDIATE transactions), migrate it, run
``seed_demo --scale 0.1`` (and ``load_categories --builtin`` if the seed left no categories); start
``gunicorn`` with 2 sync workers on 127.0.0.1 (``DJANGO_DEBUG=0``); log in as the demo ``citizen``
through ``POST /api/v1/auth/login``; send ``--warmup`` unmeasured requests, then ``--requests``
``POST /api/v1/cases`` from a pool of ``--concurrency`` threads, each with its own ``http.client``
connection. Every request is a citizen's app submission with a point (the centroid of a random grid:
point → grid lookup), a category from the seeded tree and a unique ``Idempotency-Key``; intake runs
routing as it always does. Prints the throughput (created cases per second of wall time),
p50/p90/p99/max latency and the status counts, then stops gunicorn (by its pid) and drops the
database unless ``--keep``.

``--profile N`` skips gunicorn and runs N submissions in this process through Django's test client
under cProfile, printing the functions where the time goes.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import cProfile
import http.client
import json
import os
import pstats
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.case_kpis import bench_pii_keys, pg_admin, setup_django  # noqa: E402

PASSWORD = "Dangqun@2026"  # noqa: S105 - the published demo password
# One client address and one user send every request: lift the per-minute intake limit (settings).
os.environ["DANGQUN_RATE_INTAKE"] = "1000000000"
SQLITE_ENV = "DANGQUN_BENCH_SQLITE"


def make_app() -> Any:
    """gunicorn's application factory: the project's WSGI app on the bench database."""
    setup_django(database_url=os.environ.get("DATABASE_URL", ""), sqlite_path=os.environ.get(SQLITE_ENV, ""))
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def prepare(db: str, url: str, sqlite_path: str, scale: float) -> None:
    if db == "pg":
        name = url.rsplit("/", 1)[1]
        pg_admin(url, f'DROP DATABASE IF EXISTS "{name}"')
        pg_admin(url, f'CREATE DATABASE "{name}"')
        setup_django(database_url=url)
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(sqlite_path + suffix).unlink(missing_ok=True)
        setup_django(sqlite_path=sqlite_path)
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", scale=scale, seed=1, verbosity=0)
    from dangqun.cases.models import Category

    if not Category.objects.exists():  # seed_demo loads the category tree when it seeds cases
        call_command("load_categories", builtin=True, verbosity=0)
    print(f"prepared in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def payloads(count: int, seed: int = 7, *, with_category: bool = True) -> list[dict[str, Any]]:
    from dangqun.cases.models import Category, RoutingRule
    from dangqun.regions.models import Region

    rng = random.Random(seed)
    points = list(
        Region.objects.filter(level=5, centroid_lng__isnull=False).values_list("centroid_lng", "centroid_lat")
    )
    categories = list(Category.objects.filter(level=3, is_active=True).values_list("code", flat=True))
    print(
        f"{len(points)} grids, {len(categories)} leaf categories, "
        f"{RoutingRule.objects.filter(is_active=True).count()} active routing rules",
        file=sys.stderr,
    )
    out = []
    for i in range(count):
        lng, lat = rng.choice(points)
        out.append(
            {
                "channel": "app",
                "case_type": "help",
                "category": rng.choice(categories) if categories and with_category else None,
                "title": f"小区路灯不亮 #{i}",
                "description": "小区门口的路灯连续三晚不亮,夜里出行不便,请尽快修复。",
                "lng": lng,
                "lat": lat,
                "address": "幸福小区3号楼",
            }
        )
    return out


def citizen_token() -> str:
    """A fresh API token of the demo ``citizen`` (``Authorization: Bearer``)."""
    from dangqun.accounts.models import User
    from dangqun.accounts.services import api_token_create

    user = User.objects.get(username="citizen")
    return api_token_create(actor=None, user=user, name=f"bench {uuid.uuid4().hex[:8]}").key


class TokenSession:
    """The citizen's bearer token: no cookie, no CSRF token, one query to authenticate."""

    def __init__(self, key: str) -> None:
        self.headers = {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}


class Session:
    """A logged-in citizen: cookies and the CSRF token, shared read-only by the client threads."""

    def __init__(self, port: int, username: str) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        body = json.dumps({"username": username, "password": PASSWORD})
        conn.request("POST", "/api/v1/auth/login", body, {"Content-Type": "application/json"})
        response = conn.getresponse()
        data = json.loads(response.read())
        if response.status != 200:
            raise RuntimeError(f"login failed: {response.status} {data}")
        cookies = [h.split(";", 1)[0] for k, h in response.getheaders() if k.lower() == "set-cookie"]
        self.headers = {
            "Content-Type": "application/json",
            "Cookie": "; ".join(cookies),
            "X-CSRFToken": data["csrf_token"],
        }
        conn.close()


def run_load(
    port: int, session: Session | TokenSession, bodies: list[dict[str, Any]], concurrency: int
) -> dict[str, Any]:
    local = threading.local()
    latencies: list[float] = [0.0] * len(bodies)
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    errors: list[str] = []

    def send(i: int) -> None:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {**session.headers, "Idempotency-Key": uuid.uuid4().hex}
        body = json.dumps(bodies[i], ensure_ascii=False).encode()
        started = time.perf_counter()
        try:
            conn.request("POST", "/api/v1/cases", body, headers)
            response = conn.getresponse()
            payload = response.read()
            status = response.status
            if response.will_close:
                conn.close()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            status, payload = 0, str(exc).encode()
        latencies[i] = time.perf_counter() - started
        with lock:
            statuses[status] = statuses.get(status, 0) + 1
            if status not in (200, 201) and len(errors) < 5:
                errors.append(f"{status}: {payload[:300]!r}")
        # gunicorn's sync workers close every connection; http.client reopens it on the next request.

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(send, range(len(bodies))))
    wall = time.perf_counter() - started
    ms = sorted(x * 1000 for x in latencies)

    def pct(p: float) -> float:
        return round(ms[min(len(ms) - 1, int(p * len(ms)))], 1)

    created = statuses.get(201, 0)
    return {
        "requests": len(bodies),
        "concurrency": concurrency,
        "wall_s": round(wall, 2),
        "created": created,
        "cases_per_s": round(created / wall, 1),
        "p50_ms": round(statistics.median(ms), 1),
        "p90_ms": pct(0.90),
        "p99_ms": pct(0.99),
        "max_ms": round(ms[-1], 1),
        "statuses": statuses,
        "errors": errors,
    }


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of one process (``/proc/<pid>/stat``), 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _database_pids(db: str) -> list[int]:
    """The PostgreSQL backends serving the bench database (none for SQLite)."""
    if db != "pg":
        return []
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [int(row[0]) for row in cur.fetchall()]


class CpuMeter:
    """CPU seconds spent by gunicorn's workers, the database's backends and this client while a run
    lasts: what a request costs whatever else the shared machine is doing."""

    def __init__(self, db: str, master: int) -> None:
        self.db, self.master = db, master

    def sample(self) -> dict[str, float]:
        workers = _children(self.master)
        backends = _database_pids(self.db)
        return {
            "app": sum(_cpu_seconds(p) for p in workers) + _cpu_seconds(self.master),
            "db": sum(_cpu_seconds(p) for p in backends),
            "client": time.process_time(),
            "backends": float(len(backends)),
        }

    @staticmethod
    def per_request(before: dict[str, float], after: dict[str, float], requests: int) -> dict[str, float]:
        parts = ("app", "db", "client")
        out = {f"{k}_cpu_ms": round((after[k] - before[k]) * 1000 / requests, 2) for k in parts}
        out["server_cpu_ms"] = round(out["app_cpu_ms"] + out["db_cpu_ms"], 2)
        return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(
    db: str, url: str, sqlite_path: str, workers: int, port: int, *, threads: int = 1, root: Path = ROOT
) -> subprocess.Popen[bytes]:
    """gunicorn serving the code of ``root`` (this checkout, or another revision's worktree)."""
    env = {
        **os.environ,
        "DANGQUN_RATE_INTAKE": "1000000000",  # one client address and one user: no per-minute limit
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-key-not-used-in-production-0123456789",
        **bench_pii_keys(),
        "DJANGO_SECURE": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONPATH": str(root),
    }
    env.pop("DANGQUN_TESTING", None)
    if db == "pg":
        env["DATABASE_URL"] = url
        env.pop(SQLITE_ENV, None)
    else:
        env.pop("DATABASE_URL", None)
        env[SQLITE_ENV] = sqlite_path
    cmd = [
        sys.executable, "-m", "gunicorn",
        "--workers", str(workers),
        *(["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []),
        "--bind", f"127.0.0.1:{port}",
        "--backlog", "2048",
        "--timeout", "60",
        "--log-level", "warning",
        "bench.case_intake:make_app()",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=root, env=env)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("gunicorn exited") from None
            time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    raise RuntimeError("gunicorn did not start")


def profile(count: int, *, with_category: bool = True) -> None:
    from django.test import Client

    client = Client(headers={"Authorization": f"Bearer {citizen_token()}"})
    bodies = payloads(count + 20, with_category=with_category)
    for body in bodies[:20]:
        client.post("/api/v1/cases", body, content_type="application/json")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.post(
            "/api/v1/cases",
            bodies[0],
            content_type="application/json",
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
    print(f"one submission: {len(captured.captured_queries)} queries")
    for query in captured.captured_queries:
        print(f"  {query['time']}s  {query['sql'][:160]}")
    half = bodies[20 : 20 + count // 2]
    cpu, wall = time.process_time(), time.perf_counter()
    for body in half:
        headers = {"Idempotency-Key": uuid.uuid4().hex}
        client.post("/api/v1/cases", body, content_type="application/json", headers=headers)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(
        f"{len(half)} submissions without the profiler: {cpu * 1000 / len(half):.2f} ms of this "
        f"process's CPU each, {wall * 1000 / len(half):.1f} ms wall (load average {os.getloadavg()[0]:.1f})"
    )
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for body in bodies[20:]:
        response = client.post(
            "/api/v1/cases",
            body,
            content_type="application/json",
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        assert response.status_code == 201, response.content
    profiler.disable()
    elapsed = time.perf_counter() - started
    print(f"{count} submissions in one process: {elapsed * 1000 / count:.1f} ms each (under cProfile)")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(20)


def statistics_of(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The median round by throughput, and the median of each figure over the rounds."""
    ordered = sorted(rounds, key=lambda r: r["cases_per_s"])
    middle = ordered[len(ordered) // 2]
    keys = ("cases_per_s", "p50_ms", "p99_ms", "app_cpu_ms", "db_cpu_ms", "client_cpu_ms", "server_cpu_ms")
    return {
        "median_round": {k: middle[k] for k in keys},
        "medians": {k: round(statistics.median(r[k] for r in rounds), 2) for k in keys},
    }


def _setup_of(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "category": not args.no_category,
        "db": args.db,
        "workers": args.workers,
        "threads": args.threads,
        "auth": args.auth,
        "scale": args.scale,
        "load_average": os.getloadavg(),
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["pg", "sqlite"], required=True)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="> 1: gthread workers with this many threads")
    parser.add_argument("--auth", choices=["token", "session"], default="token")
    parser.add_argument("--scale", type=float, default=0.1, help="seed_demo --scale")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/dangqun_bench_intake")
    parser.add_argument("--sqlite-path", default=str(ROOT / "var" / "bench_intake.sqlite3"))
    parser.add_argument("--reuse", action="store_true", help="use the database a --keep run left")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--rounds", type=int, default=1, help="measured runs against the same server")
    parser.add_argument(
        "--no-category", action="store_true", help="send no category: the triage classifier runs on each"
    )
    parser.add_argument("--json", help="write the results to this file")
    return parser


def main() -> None:
    args = _parser().parse_args()

    if args.reuse:
        if args.db == "pg":
            setup_django(database_url=args.pg_url)
        else:
            setup_django(sqlite_path=args.sqlite_path)
    else:
        prepare(args.db, args.pg_url, args.sqlite_path, args.scale)
    try:
        if args.profile:
            profile(args.profile, with_category=not args.no_category)
            return
        bodies = payloads(args.warmup + args.requests * args.rounds, with_category=not args.no_category)
        port = free_port()
        token = citizen_token() if args.auth == "token" else ""
        proc = start_gunicorn(
            args.db, args.pg_url, args.sqlite_path, args.workers, port, threads=args.threads
        )
        try:
            session: Session | TokenSession = TokenSession(token) if token else Session(port, "citizen")
            warm = run_load(port, session, bodies[: args.warmup], args.concurrency)
            print(f"warm-up: {warm['cases_per_s']} cases/s {warm['statuses']}", file=sys.stderr)
            meter = CpuMeter(args.db, proc.pid)
            rounds = []
            for number in range(args.rounds):
                first = args.warmup + number * args.requests
                chunk = bodies[first : first + args.requests]
                before = meter.sample()
                one = run_load(port, session, chunk, args.concurrency)
                one.update(meter.per_request(before, meter.sample(), len(chunk)))
                one["load_average"] = os.getloadavg()
                print(json.dumps(one, ensure_ascii=False), file=sys.stderr)
                rounds.append(one)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
        result = dict(statistics_of(rounds))
        result["rounds"] = rounds
        result.update(_setup_of(args))
        print(json.dumps(result, ensure_ascii=False, indent=2))
        if args.json:
            Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=2))
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            if args.db == "pg":
                pg_admin(args.pg_url, f'DROP DATABASE IF EXISTS "{args.pg_url.rsplit("/", 1)[1]}"')
            else:
                for suffix in ("", "-wal", "-shm"):
                    Path(args.sqlite_path + suffix).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
