"""Mixed traffic against gunicorn on loopback: reads, intake and workflow moves, as the demo personas.

    python bench/load.py --db pg --target postgres://postgres@127.0.0.1:5432/dangqun_bench_s20
    python bench/load.py --db sqlite --target var/bench_s20.sqlite3 --threads 4 --duration 60

Build the database first with ``bench/demo_db.py --scale 20``. The script starts ``gunicorn`` (2 workers,
sync or ``--threads N`` gthread, ``DJANGO_DEBUG=0``) on a free port of 127.0.0.1, then runs
``--concurrency`` virtual users in one asyncio loop, each on its own keep-alive HTTP/1.1 connection (a
small client written here on ``asyncio`` streams: no new dependency). Each user sends its next request
as soon as the last one answered (a closed loop), drawing its kind at random with these weights:

- 70 % reads: the scoped case list with random filters (dispatcher, street staff, department staff),
  a case's detail, the KPI endpoint, the command centre home, the supervision board, the department
  workbench, the case page and the grid-worker app's home;
- 20 % intake: ``POST /api/v1/cases`` as the citizen with a fresh ``Idempotency-Key``;
- 10 % transitions: accept, dispatch (to 城管局), sign, resolve, review, rate, each as the persona
  allowed to make it, on a case known to be in the right status (the cases the run submits feed the
  pipeline, after the ones the seed left in each status). A case is held by one user at a time.

The API is called with each persona's API token (``Authorization: Bearer``), the web pages with a
session made in this process (``force_login``; gunicorn shares the session table and the key). The
per-minute rate limits are lifted through ``DANGQUN_RATE_*`` as in ``bench/case_intake.py``. The run
stops by itself after ``--duration`` seconds or ``--max-requests`` requests, whichever comes first;
``--warmup`` seconds before it are not counted. Reported: requests/s, p50/p95/p99/max per kind and
overall, the answers by status, and the CPU per request: the user + system seconds of gunicorn's
workers and (PostgreSQL) of the database's backends over the measured window, divided by the requests
answered in it (``bench/cpu_per_request.py``'s meter; it holds on a busy machine where latencies do
not). Tokens and sessions made for the run are deleted at the end; the cases it submitted and moved
stay (run ``bench/demo_db.py`` again for a clean database).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.case_intake import free_port, payloads, start_gunicorn  # noqa: E402
from bench.cpu_per_request import Meter  # noqa: E402
from bench.demo_db import default_target, open_demo  # noqa: E402

for _name in ("INTAKE", "LOGIN", "OPEN311", "TRACK"):
    os.environ[f"DANGQUN_RATE_{_name}"] = "1000000000"

PERSONAS = ("citizen", "dispatcher", "leader", "street_staff", "department_staff", "grid_worker")
DEPARTMENT = "城管局"  # the department_staff persona's unit: dispatched cases go there

# Kind → weight (per cent of all requests). Reads 70, intake 20, transitions 10.
MIX: dict[str, int] = {
    "read:case_list": 18,
    "read:case_detail": 14,
    "read:kpis": 10,
    "read:command_home": 6,
    "read:supervision": 4,
    "read:workbench": 8,
    "read:case_page": 6,
    "read:grid_home": 4,
    "intake": 20,
    "transition": 10,
}
# The pipeline: a case in pool ``action`` moves on to the next pool when the move succeeds.
NEXT_POOL = {
    "accept": "dispatch",
    "dispatch": "sign",
    "sign": "resolve",
    "resolve": "review",
    "review": "rate",
    "rate": None,
}
ACTOR = {
    "accept": "dispatcher",
    "dispatch": "dispatcher",
    "sign": "department_staff",
    "resolve": "department_staff",
    "review": "dispatcher",
    "rate": "dispatcher",  # the citizen rates its own cases (see ``Plan.rater``)
}


# --- a small HTTP/1.1 client on asyncio streams --------------------------------------------------


class Connection:
    """One keep-alive connection; reopened when the server closes it (sync workers always do)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, bytes]:
        if self.writer is None:
            await self._open()
        assert self.reader is not None
        assert self.writer is not None
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        fields = {}
        for line in header_lines:
            if ":" in line:
                key, value = line.split(":", 1)
                fields[key.strip().lower()] = value.strip()
        if fields.get("transfer-encoding", "").lower() == "chunked":
            payload = await self._chunked()
        elif "content-length" in fields:
            payload = await self.reader.readexactly(int(fields["content-length"]))
        else:
            payload = await self.reader.read()
            fields["connection"] = "close"
        if fields.get("connection", "").lower() == "close":
            self.close()
        return status, payload

    async def _chunked(self) -> bytes:
        assert self.reader is not None
        parts: list[bytes] = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)


# --- what the users send -------------------------------------------------------------------------


@dataclass
class Plan:
    """Everything the virtual users need, prepared in this process before gunicorn starts."""

    tokens: dict[str, str]
    sessions: dict[str, str]
    bodies: list[dict[str, Any]]
    read_codes: list[str]
    department_codes: list[str]
    street_codes: list[str]
    category_codes: list[str]
    department_code: str
    pools: dict[str, list[str]]
    citizen_cases: set[str] = field(default_factory=set)
    body_index: int = 0

    def api_headers(self, persona: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[persona]}", "Content-Type": "application/json"}

    def web_headers(self, persona: str) -> dict[str, str]:
        return {"Cookie": f"sessionid={self.sessions[persona]}", "Accept-Language": "zh-hans"}

    def rater(self, code: str) -> str:
        return "citizen" if code in self.citizen_cases else ACTOR["rate"]


def prepare(seed: int, bodies: int) -> Plan:
    from django.contrib.auth import login
    from django.http import HttpRequest

    from dangqun.accounts.models import User
    from dangqun.accounts.services import api_token_create
    from dangqun.cases.enums import CaseStatus, TaskRole, TaskStatus
    from dangqun.cases.models import Case, CaseTask, Category
    from dangqun.orgs.models import Department
    from dangqun.regions.models import Region

    rng = random.Random(seed)
    users = {u.username: u for u in User.objects.filter(username__in=PERSONAS)}
    tokens = {
        name: api_token_create(actor=None, user=user, name=f"load bench {uuid.uuid4().hex[:8]}").key
        for name, user in users.items()
    }
    sessions = {}
    from importlib import import_module

    from django.conf import settings

    engine = import_module(settings.SESSION_ENGINE)
    for name, user in users.items():
        request = HttpRequest()
        request.session = engine.SessionStore()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        request.session.save()
        sessions[name] = request.session.session_key or ""
    department = Department.objects.get(short_name=DEPARTMENT, region__level=1)
    codes = list(Case.objects.order_by("-id").values_list("code", flat=True)[:2000])
    lead = CaseTask.objects.filter(department=department, role=TaskRole.LEAD)

    def pool(qs: Any) -> list[str]:
        found = list(qs.order_by("-id").values_list("code", flat=True)[:5000])
        rng.shuffle(found)
        return found

    pools = {
        "accept": pool(Case.objects.filter(status=CaseStatus.SUBMITTED)),
        "dispatch": pool(Case.objects.filter(status=CaseStatus.ACCEPTED)),
        "sign": pool(
            Case.objects.filter(
                status=CaseStatus.DISPATCHED,
                pk__in=lead.filter(status=TaskStatus.PENDING).values("case_id"),
            )
        ),
        "resolve": pool(
            Case.objects.filter(
                status=CaseStatus.IN_PROGRESS,
                pk__in=lead.filter(status=TaskStatus.SIGNED).values("case_id"),
            )
        ),
        "review": pool(Case.objects.filter(status=CaseStatus.RESOLVED)),
        "rate": pool(Case.objects.filter(status=CaseStatus.REVIEWED)),
    }
    department_tasks = list(
        lead.filter(status__in=[TaskStatus.PENDING, TaskStatus.SIGNED])
        .order_by("-id")
        .values_list("case__code", flat=True)[:500]
    )
    return Plan(
        tokens=tokens,
        sessions=sessions,
        bodies=payloads(bodies, seed=seed),
        read_codes=codes,
        department_codes=department_tasks or codes,
        street_codes=list(Region.objects.filter(level=2).values_list("code", flat=True)),
        category_codes=list(Category.objects.filter(level=1).values_list("code", flat=True)),
        department_code=department.code,
        pools=pools,
    )


def cleanup(plan: Plan) -> None:
    from django.contrib.sessions.models import Session

    from dangqun.accounts.models import ApiToken

    ApiToken.objects.filter(name__startswith="load bench ").delete()
    Session.objects.filter(session_key__in=list(plan.sessions.values())).delete()


def _case_list_query(plan: Plan, rng: random.Random, persona: str = "dispatcher") -> str:
    params = [f"limit={rng.choice([20, 20, 50])}"]
    choice = rng.random()
    if choice < 0.25:
        params.append(f"status={rng.choice(['dispatched', 'in_progress', 'submitted', 'closed'])}")
    elif choice < 0.45 and persona == "dispatcher":  # a street outside one's scope would be a 404
        params.append(f"region={rng.choice(plan.street_codes)}")
    elif choice < 0.6:
        params.append(f"light={rng.choice(['yellow', 'red'])}")
    elif choice < 0.7 and plan.category_codes:
        params.append(f"category={rng.choice(plan.category_codes)}")
    elif choice < 0.8:
        params.append("overdue=true")
    if rng.random() < 0.2:
        params.append(f"offset={rng.choice([20, 40, 100])}")
    return "/api/v1/cases?" + "&".join(params)


@dataclass
class Request:
    kind: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""
    on_success: Any = None  # called with the answer's JSON when the status is 2xx
    on_failure: Any = None


def next_request(plan: Plan, rng: random.Random) -> Request:  # noqa: PLR0911 - one branch per kind
    kind = rng.choices(list(MIX), weights=list(MIX.values()))[0]
    if kind == "read:case_list":
        persona = rng.choice(["dispatcher", "dispatcher", "street_staff", "department_staff"])
        return Request(kind, "GET", _case_list_query(plan, rng, persona), plan.api_headers(persona))
    if kind == "read:case_detail":
        persona, codes = rng.choice(
            [("dispatcher", plan.read_codes), ("department_staff", plan.department_codes)]
        )
        return Request(kind, "GET", f"/api/v1/cases/{rng.choice(codes)}", plan.api_headers(persona))
    if kind == "read:kpis":
        group = rng.choice(["", "street", "department", "category", "month"])
        path = "/api/v1/kpis" + (f"?group_by={group}" if group else "")
        return Request(kind, "GET", path, plan.api_headers("leader"))
    if kind == "read:command_home":
        return Request(kind, "GET", "/command/", plan.web_headers(rng.choice(["dispatcher", "leader"])))
    if kind == "read:supervision":
        return Request(kind, "GET", "/command/supervision/", plan.web_headers("dispatcher"))
    if kind == "read:workbench":
        tab = rng.choice(["", "", "?tab=overdue", "?tab=pending"])
        return Request(kind, "GET", f"/workbench/{tab}", plan.web_headers("department_staff"))
    if kind == "read:case_page":
        return Request(kind, "GET", f"/cases/{rng.choice(plan.read_codes)}/", plan.web_headers("dispatcher"))
    if kind == "read:grid_home":
        return Request(kind, "GET", "/grid/", plan.web_headers("grid_worker"))
    if kind == "intake":
        body = plan.bodies[plan.body_index % len(plan.bodies)]
        plan.body_index += 1
        headers = {**plan.api_headers("citizen"), "Idempotency-Key": uuid.uuid4().hex}

        def submitted(answer: dict[str, Any]) -> None:
            plan.citizen_cases.add(answer["code"])
            plan.pools["accept"].append(answer["code"])

        return Request(kind, "POST", "/api/v1/cases", headers, json.dumps(body).encode(), submitted)
    return _transition(plan, rng)


def _transition(plan: Plan, rng: random.Random) -> Request:
    ready = [action for action, codes in plan.pools.items() if codes]
    if not ready:  # nothing to move yet: read instead (counted under its own kind)
        return Request("read:case_list", "GET", _case_list_query(plan, rng), plan.api_headers("dispatcher"))
    action = rng.choice(ready)
    code = plan.pools[action].pop()
    body: dict[str, Any] = {}
    if action == "dispatch":
        body = {"lead": {"department": plan.department_code}, "reason": "负载测试派单"}
    elif action == "resolve":
        body = {"reason": "已现场处置完毕"}
    elif action == "rate":
        body = {"satisfaction": rng.choice(["satisfied", "satisfied", "basically"])}
    persona = plan.rater(code) if action == "rate" else ACTOR[action]

    def moved(_: Any) -> None:
        following = NEXT_POOL[action]
        if following:
            plan.pools[following].insert(0, code)

    return Request(
        f"transition:{action}",
        "POST",
        f"/api/v1/cases/{code}/{action}",
        plan.api_headers(persona),
        json.dumps(body).encode(),
        moved,
    )


# --- the run -------------------------------------------------------------------------------------


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    samples: list[str] = field(default_factory=list)
    count: int = 0


async def user(
    port: int, plan: Plan, rng: random.Random, results: Results, *, measure_from: float, stop: dict[str, Any]
) -> None:
    conn = Connection(port)
    while time.perf_counter() < stop["at"] and results.count < stop["max"]:
        request = next_request(plan, rng)
        started = time.perf_counter()
        try:
            status, payload = await asyncio.wait_for(
                conn.request(request.method, request.path, request.headers, request.body), 60
            )
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
            conn.close()
            status, payload = 0, repr(exc).encode()
        elapsed = time.perf_counter() - started
        if 200 <= status < 300 and request.on_success is not None:
            request.on_success(json.loads(payload) if payload else None)
        if started < measure_from:
            if status == 0 and len(results.samples) < 20:
                results.samples.append(f"warm-up {request.kind} {request.path}: {payload[:200]!r}")
            continue
        results.count += 1
        results.latencies[request.kind].append(elapsed * 1000)
        results.statuses[request.kind][status] += 1
        if (status >= 300 or status == 0) and len(results.samples) < 20:
            results.samples.append(f"{request.kind} {request.path} → {status}: {payload[:200]!r}")
    conn.close()


async def ready(port: int, workers: int, timeout: float = 300) -> None:
    """Wait until every worker answers (gunicorn binds the port before its workers have loaded the app):
    a few concurrent requests to a cheap page, repeated until they all answer."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        conns = [Connection(port) for _ in range(2 * workers)]
        try:
            answers = await asyncio.wait_for(
                asyncio.gather(*(c.request("GET", "/login/", {}) for c in conns)), timeout
            )
        except (TimeoutError, OSError, asyncio.IncompleteReadError):
            await asyncio.sleep(1)
            continue
        finally:
            for conn in conns:
                conn.close()
        if all(status == 200 for status, _ in answers):
            return
    raise SystemExit("gunicorn did not answer")


async def run(
    port: int, plan: Plan, args: argparse.Namespace, meter: Meter
) -> tuple[Results, float, dict[str, dict[str, float]]]:
    await ready(port, args.workers)
    results = Results()
    now = time.perf_counter()
    measure_from = now + args.warmup
    stop = {"at": measure_from + args.duration, "max": args.max_requests}
    tasks = [
        user(port, plan, random.Random(args.seed * 1000 + i), results, measure_from=measure_from, stop=stop)
        for i in range(args.concurrency)
    ]
    cpu: dict[str, dict[str, float]] = {}

    async def mark() -> None:  # the CPU clock starts with the measured window
        await asyncio.sleep(max(0.0, measure_from - time.perf_counter()))
        cpu["before"] = meter.sample()

    marker = asyncio.create_task(mark())
    await asyncio.gather(*tasks)
    await marker
    cpu["after"] = meter.sample()
    wall = time.perf_counter() - max(measure_from, now)
    return results, wall, cpu


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)


def summarise(results: Results, wall: float) -> dict[str, Any]:
    def row(values: list[float], statuses: dict[int, int]) -> dict[str, Any]:
        return {
            "requests": len(values),
            "per_s": round(len(values) / wall, 1),
            "p50_ms": round(statistics.median(values), 1),
            "p95_ms": pct(values, 0.95),
            "p99_ms": pct(values, 0.99),
            "max_ms": round(max(values), 1),
            "statuses": dict(sorted(statuses.items())),
        }

    if not results.count:
        raise SystemExit(f"no answer within the run; first failures: {results.samples}")
    kinds = {kind: row(values, results.statuses[kind]) for kind, values in sorted(results.latencies.items())}
    everything = [x for values in results.latencies.values() for x in values]
    overall: dict[int, int] = defaultdict(int)
    for statuses in results.statuses.values():
        for status, n in statuses.items():
            overall[status] += n
    errors = sum(n for status, n in overall.items() if status >= 400 or status == 0)
    return {
        "wall_s": round(wall, 1),
        "overall": {**row(everything, overall), "errors": errors},
        "kinds": kinds,
        "error_samples": results.samples,
    }


def print_table(summary: dict[str, Any]) -> None:
    print("| kind | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | answers |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    rows = [*summary["kinds"].items(), ("**all**", summary["overall"])]
    for kind, r in rows:
        answers = ", ".join(f"{s}: {n}" for s, n in r["statuses"].items())
        print(
            f"| {kind} | {r['requests']} | {r['per_s']} | {r['p50_ms']} | {r['p95_ms']} | "
            f"{r['p99_ms']} | {r['max_ms']} | {answers} |"
        )
    cpu = summary["cpu_ms_per_request"]
    print(
        f"\nCPU per request: app {cpu['app_cpu_ms']} ms + database {cpu['db_cpu_ms']} ms"
        f" = {cpu['server_cpu_ms']} ms (gunicorn's workers and the database's backends, measured window)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["pg", "sqlite"], required=True)
    parser.add_argument(
        "--scale", type=float, default=20.0, help="the seeded scale (names the default target)"
    )
    parser.add_argument("--target", help="PostgreSQL URL or SQLite path (default: bench/demo_db.py's)")
    parser.add_argument("--duration", type=float, default=60.0, help="measured seconds (at most)")
    parser.add_argument("--max-requests", type=int, default=100_000, help="measured requests (at most)")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds sent before measuring")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="> 1: gthread workers with this many threads")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", help="write the results to this file")
    args = parser.parse_args()
    target = args.target or default_target(args.db, args.scale)
    open_demo(args.db, target)
    plan = prepare(args.seed, bodies=20_000)
    from django.db import connections

    connections.close_all()
    port = free_port()
    url, sqlite_path = (target, "") if args.db == "pg" else ("", target)
    load_before = os.getloadavg()
    proc = start_gunicorn(args.db, url, sqlite_path, args.workers, port, threads=args.threads)
    meter = Meter(proc.pid, url)
    try:
        results, wall, cpu = asyncio.run(run(port, plan, args, meter))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        cleanup(plan)
    summary = summarise(results, wall)
    summary.update(
        {
            "cpu_ms_per_request": Meter.per_request(cpu["before"], cpu["after"], results.count),
            "db": args.db,
            "scale": args.scale,
            "workers": args.workers,
            "threads": args.threads,
            "concurrency": args.concurrency,
            "load_average_before": load_before,
            "load_average_after": os.getloadavg(),
            "pools_left": {action: len(codes) for action, codes in plan.pools.items()},
        }
    )
    print_table(summary)
    print(json.dumps({k: v for k, v in summary.items() if k not in ("kinds",)}, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(summary, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
