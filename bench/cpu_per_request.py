"""CPU per request, per endpoint, before and after, in one run (see docs/benchmarks.md, "CPU per request").

    python bench/cpu_per_request.py --db sqlite [--baseline REV] [--rounds 3] [--duration 10]
        [--only open311_post,open311_list_100] [--connections 16]

For each side (this checkout, and the git revision ``--baseline`` checked out as a detached worktree
under ``var/bench-trees/``): a throw-away database built by that side's own code (``seed_demo --scale
0.1 --seed 7 --taxonomy builtin``), an Open311 client key, API tokens and sessions of the demo
personas, and gunicorn with 2 sync workers (``DJANGO_DEBUG=0``) serving that side's code. Then, in
``--rounds`` alternating rounds (baseline, this checkout, baseline, …), ``wrk -t2 -c16 -d<duration>s``
drives each endpoint; the CPU a request costs is the user + system seconds the workers (and, on
PostgreSQL, the database's backends) spent over the requests served, which holds on a noisy shared
machine where wall-clock figures do not. Reported per endpoint: the median over rounds of app and
database CPU ms per request, requests/s, p50/p99 latency (wrk), bytes per answer, non-2xx answers,
and the SQL statements one request runs (counted in-process with Django's test client, warm).

Endpoints: Open311 POST (unique form payloads), GET requests.json of 100 and of 1,000 records, GET one
request; case intake through the API (bearer token, unique Idempotency-Key); the case list (API, 20
per page) and a keyword search, as the dispatcher; the command centre home and the big screen, as
the leader (session cookie); a workflow move (dispatcher accepting queued cases, one each).

Databases: PostgreSQL ``dangqun_bench_cpu_<side>`` or ``var/bench_cpu_<side>.sqlite3``, dropped at the
end unless ``--keep``. ``--json PATH`` writes every round. Needs ``wrk`` (Debian package).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
APP_ROOT = Path(os.environ.get("BENCH_APP_ROOT", str(ROOT)))
sys.path.insert(0, str(APP_ROOT))

PG_SERVER = "postgres://postgres@127.0.0.1:5432"
SCALE = 0.1
ENDPOINTS = (
    "open311_post",
    "intake",
    "open311_list_100",
    "open311_list_1000",
    "open311_one",
    "case_list",
    "case_search",
    "command_home",
    "big_screen",
    "move",
)
RATES = {f"DANGQUN_RATE_{name}": "1000000000" for name in ("LOGIN", "INTAKE", "OPEN311")}


# --- inside one side's code: prepare, count statements ------------------------------------------------


def side_prepare(db: str, url: str, sqlite_path: str) -> dict[str, Any]:
    """Runs with the side's code first on sys.path: its own migrations, seed and services."""
    from bench.open311_exchange import prepare, setup_client

    prepare(db, url, sqlite_path, SCALE)
    ref = setup_client()
    from dangqun.accounts.models import User
    from dangqun.accounts.services import api_token_create
    from dangqun.cases.models import Case

    tokens = {
        name: api_token_create(actor=None, user=User.objects.get(username=name), name=f"bench cpu {name}").key
        for name in ("citizen", "dispatcher")
    }
    codes = list(Case.objects.order_by("-id").values_list("code", flat=True)[:200])
    return {**ref, "tokens": tokens, "codes": codes}


def _queued_codes(limit: int) -> list[str]:
    from dangqun.cases.models import Case

    return list(Case.objects.filter(status="submitted").order_by("id").values_list("code", flat=True)[:limit])


def side_count(ref: dict[str, Any]) -> dict[str, Any]:
    """SQL statements and bytes of one warm request per endpoint, in-process (Django's test client)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from dangqun.accounts.models import User

    out: dict[str, Any] = {}
    anonymous = Client()
    leader = Client()
    leader.force_login(User.objects.get(username="leader"))
    dispatcher = Client()
    dispatcher.force_login(User.objects.get(username="dispatcher"))
    for name in ENDPOINTS:
        counts = []
        for attempt in range(2):
            spec = request_spec(name, ref, attempt, queued=_queued_codes(2) if name == "move" else None)
            client = {"leader": leader, "dispatcher_session": dispatcher}.get(spec.get("as", ""), anonymous)
            headers = {k: v for k, v in spec.get("headers", {}).items() if k != "Cookie"}
            with CaptureQueriesContext(connection) as captured:
                if spec["method"] == "GET":
                    response = client.get(spec["path"], headers=headers)
                else:
                    response = client.generic(
                        "POST",
                        spec["path"],
                        spec["body"],
                        content_type=spec["content_type"],
                        headers=headers,
                    )
            counts.append(len(captured))
        out[name] = {"statements": counts[-1], "first": counts[0], "status": response.status_code}
        out[name]["bytes"] = len(response.content) if hasattr(response, "content") else 0
    return out


# --- what each endpoint sends -------------------------------------------------------------------------


def side_profile(ref: dict[str, Any], name: str, count: int) -> None:
    """cProfile of ``count`` warm requests of one endpoint, in-process: where its CPU goes."""
    import cProfile
    import pstats

    from django.test import Client

    from dangqun.accounts.models import User

    client = Client()
    spec = request_spec(name, ref, 0, queued=_queued_codes(count + 5) if name == "move" else None)
    if spec.get("as"):
        client.force_login(User.objects.get(username=spec["as"]))
    queued = _queued_codes(count + 5) if name == "move" else None

    def send(n: int) -> None:
        one = request_spec(name, ref, n, queued=queued)
        headers = one.get("headers", {})
        if one["method"] == "GET":
            client.get(one["path"], headers=headers)
        else:
            client.generic(
                "POST", one["path"], one["body"], content_type=one["content_type"], headers=headers
            )

    for n in range(5):
        send(n)
    profiler = cProfile.Profile()
    profiler.enable()
    for n in range(5, count + 5):
        send(n)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stderr).strip_dirs()
    stats.sort_stats("tottime").print_stats(35)
    stats.sort_stats("cumulative").print_stats(60)


def request_spec(  # noqa: PLR0911 - one branch per endpoint
    name: str, ref: dict[str, Any], n: int, queued: list[str] | None = None
) -> dict[str, Any]:
    """One request of an endpoint (the in-process count sends these; the wrk scripts vary them)."""
    district = ref["district"]
    if name == "open311_post":
        lng, lat, _code = ref["grids"][n % len(ref["grids"])]
        body = urllib.parse.urlencode(
            {
                "api_key": ref["key"],
                "jurisdiction_id": district,
                "service_code": ref["categories"][n % len(ref["categories"])],
                "lat": lat,
                "long": lng,
                "description": f"压测诉求 count-{n}:路面破损,影响通行",
                "device_id": f"count-{time.time_ns()}-{n}",
            }
        )
        return {
            "method": "POST",
            "path": "/open311/v2/requests.json",
            "body": body,
            "content_type": "application/x-www-form-urlencoded; charset=utf-8",
        }
    if name == "intake":
        lng, lat, _code = ref["grids"][n % len(ref["grids"])]
        body = json.dumps(_intake_body(lng, lat, f"count-{n}"), ensure_ascii=False)
        return {
            "method": "POST",
            "path": "/api/v1/cases",
            "body": body,
            "content_type": "application/json",
            "headers": {
                "Authorization": f"Bearer {ref['tokens']['citizen']}",
                "Idempotency-Key": f"count-{time.time_ns()}-{n}",
            },
        }
    if name.startswith("open311_list_"):
        size = name.rsplit("_", 1)[1]
        return {
            "method": "GET",
            "path": f"/open311/v2/requests.json?jurisdiction_id={district}&page_size={size}",
        }
    if name == "open311_one":
        code = ref["codes"][n % len(ref["codes"])]
        return {"method": "GET", "path": f"/open311/v2/requests/{code}.json?jurisdiction_id={district}"}
    if name in ("case_list", "case_search"):
        query = "?limit=20" if name == "case_list" else "?limit=20&q=" + urllib.parse.quote("路灯")
        return {
            "method": "GET",
            "path": "/api/v1/cases" + query,
            "headers": {"Authorization": f"Bearer {ref['tokens']['dispatcher']}"},
        }
    if name == "command_home":
        return {"method": "GET", "path": "/command/", "as": "leader"}
    if name == "big_screen":
        return {"method": "GET", "path": "/command/screen/", "as": "leader"}
    if name == "move":
        code = (queued or ref.get("queued") or ["none"])[n % max(1, len(queued or ref.get("queued") or [1]))]
        return {
            "method": "POST",
            "path": f"/api/v1/cases/{code}/accept",
            "body": "{}",
            "content_type": "application/json",
            "headers": {"Authorization": f"Bearer {ref['tokens']['dispatcher']}"},
        }
    raise ValueError(name)


def _intake_body(lng: float, lat: float, tag: str) -> dict[str, Any]:
    return {
        "channel": "app",
        "case_type": "help",
        "title": f"小区路灯不亮 {tag}",
        "description": "小区门口的路灯连续三晚不亮,夜里出行不便,请尽快修复。",
        "lng": lng,
        "lat": lat,
        "address": "幸福小区3号楼",
    }


def _lua_string(value: str) -> str:
    """A Lua string literal: JSON's escapes but for \\u (Lua strings are bytes; UTF-8 goes in as is)."""
    return json.dumps(value, ensure_ascii=False)


def wrk_script(name: str, ref: dict[str, Any], nonce: str, queued: list[str]) -> str:
    """A wrk Lua script: unique payloads for the writes, rotating ids for the reads."""
    prelude = (
        "local n = 0\nlocal threads = 0\n"
        'function setup(thread) thread:set("tid", threads); threads = threads + 1 end\n'
        f"local nonce = {_lua_string(nonce)}\n"
    )
    if name == "open311_post":
        grids = ",".join(f"{{{lng},{lat}}}" for lng, lat, _c in ref["grids"])
        cats = ",".join(_lua_string(c) for c in ref["categories"])
        fixed = urllib.parse.urlencode({"api_key": ref["key"], "jurisdiction_id": ref["district"]})
        text = urllib.parse.quote("压测诉求:路面破损,影响通行 ")
        return prelude + (
            f"local grids = {{{grids}}}\nlocal cats = {{{cats}}}\n"
            'local headers = {["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"}\n'
            "request = function()\n  n = n + 1\n  local g = grids[math.random(#grids)]\n"
            f"  local body = {_lua_string(fixed)} .. '&service_code=' .. cats[math.random(#cats)]"
            " .. '&lat=' .. g[2] .. '&long=' .. g[1]"
            f" .. '&description=' .. {_lua_string(text)} .. nonce .. tid .. '-' .. n"
            " .. '&device_id=' .. nonce .. '-' .. tid .. '-' .. n\n"
            '  return wrk.format("POST", "/open311/v2/requests.json", headers, body)\nend\n'
        )
    if name == "intake":
        grids = ",".join(f"{{{lng},{lat}}}" for lng, lat, _c in ref["grids"])
        body = json.dumps(_intake_body(0.0, 0.0, "TAG"), ensure_ascii=False)
        return prelude + (
            f"local grids = {{{grids}}}\n"
            f"local token = {_lua_string('Bearer ' + ref['tokens']['citizen'])}\n"
            f"local template = {_lua_string(body)}\n"
            "request = function()\n  n = n + 1\n  local g = grids[math.random(#grids)]\n"
            "  local tag = nonce .. '-' .. tid .. '-' .. n\n"
            '  local body = template:gsub("小区路灯不亮 TAG", "小区路灯不亮 " .. tag)'
            ":gsub('\"lng\": 0.0', '\"lng\": ' .. g[1]):gsub('\"lat\": 0.0', '\"lat\": ' .. g[2])\n"
            '  local headers = {["Content-Type"] = "application/json", ["Authorization"] = token,'
            ' ["Idempotency-Key"] = tag}\n'
            '  return wrk.format("POST", "/api/v1/cases", headers, body)\nend\n'
        )
    if name == "open311_one":
        codes = ",".join(_lua_string(c) for c in ref["codes"])
        return prelude + (
            f"local codes = {{{codes}}}\n"
            "request = function()\n  n = n + 1\n"
            f'  return wrk.format("GET", "/open311/v2/requests/" .. codes[(n % #codes) + 1] .. '
            f'".json?jurisdiction_id={ref["district"]}")\nend\n'
        )
    if name == "move":
        codes = ",".join(_lua_string(c) for c in queued)
        return prelude + (
            f"local codes = {{{codes}}}\n"
            f"local token = {_lua_string('Bearer ' + ref['tokens']['dispatcher'])}\n"
            'local headers = {["Content-Type"] = "application/json", ["Authorization"] = token}\n'
            "request = function()\n  n = n + 1\n"
            "  local i = ((n * 2 + tid) % #codes) + 1\n"
            '  return wrk.format("POST", "/api/v1/cases/" .. codes[i] .. "/accept", headers, "{}")\nend\n'
        )
    spec = request_spec(name, ref, 0)
    headers = dict(spec.get("headers", {}))
    if spec.get("as"):
        headers["Cookie"] = ref["cookies"][spec["as"]]
    lua_headers = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items())
    return prelude + (
        f"local headers = {{{lua_headers}}}\n"
        f'request = function()\n  return wrk.format("GET", {_lua_string(spec["path"])}, headers)\nend\n'
    )


# --- the driver ---------------------------------------------------------------------------------------


def _side_call(tree: Path, mode: str, args: argparse.Namespace, side: str, ref: dict[str, Any] | None) -> Any:
    from bench.case_kpis import bench_pii_keys

    # One set of personal-data keys for both sides (this checkout's), as gunicorn is started with them.
    keys = bench_pii_keys()
    env = {**os.environ, "BENCH_APP_ROOT": str(tree), "PYTHONPATH": str(tree), **RATES, **keys}
    env.pop("DANGQUN_TESTING", None)
    with tempfile.NamedTemporaryFile("w+", suffix=".json") as handle:
        json.dump(ref or {}, handle)
        handle.flush()
        cmd = [
            sys.executable,
            str(ROOT / "bench" / "cpu_per_request.py"),
            "--side-mode",
            mode,
            "--db",
            args.db,
        ]
        cmd += ["--side", side, "--ref", handle.name, "--profile", args.profile, "--count", str(args.count)]
        result = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if mode == "profile":
        sys.stderr.write(result.stderr)
    if result.returncode:
        sys.stderr.write(result.stderr[-4000:])
        raise RuntimeError(f"{side}: {mode} failed")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _target(db: str, side: str) -> tuple[str, str]:
    return f"{PG_SERVER}/dangqun_bench_cpu_{side}", str(ROOT / "var" / f"bench_cpu_{side}.sqlite3")


def _tree(rev: str) -> Path:
    path = ROOT / "var" / "bench-trees" / rev
    if not path.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(path), rev], cwd=ROOT, check=True)  # noqa: S603,S607
    return path


def _login(port: int, username: str) -> str:
    from bench.case_intake import Session

    return str(Session(port, username).headers["Cookie"])


WRK_LINE = re.compile(r"(\d+) requests in ([\d.]+)(\w+), ([\d.]+)(\w+) read")


def _wrk(port: int, script: str, duration: int, connections: int) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as handle:
        handle.write(script)
        handle.flush()
        cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s", handle.name]
        cmd.append(f"http://127.0.0.1:{port}")
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout  # noqa: S603
    match = WRK_LINE.search(out)
    if not match:
        raise RuntimeError(out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M))
    return {
        "requests": int(match.group(1)),
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": errors.group(1) if errors else "",
        "p50": latency.get("50", ""),
        "p99": latency.get("99", ""),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
    }


def _queued_for_move(side_db: str, db: str) -> list[str]:
    """Cases waiting for dispatch in that side's database (read directly: both sides share the schema)."""
    sql = "SELECT code FROM cases_case WHERE status = 'submitted' ORDER BY id DESC LIMIT 5000"
    if db == "pg":
        import psycopg

        with psycopg.connect(side_db) as conn:
            return [row[0] for row in conn.execute(sql)]
    import sqlite3

    with sqlite3.connect(side_db) as conn:
        return [row[0] for row in conn.execute(sql)]


def drive(args: argparse.Namespace) -> dict[str, Any]:
    from bench.case_intake import free_port, start_gunicorn

    sides: dict[str, Path] = {"after": ROOT}
    if args.baseline:
        sides = {"before": _tree(args.baseline), **sides}
    endpoints = [e for e in ENDPOINTS if not args.only or e in args.only.split(",")]
    refs: dict[str, dict[str, Any]] = {}
    servers: dict[str, Any] = {}
    results: dict[str, Any] = {side: {"rounds": []} for side in sides}
    try:
        for side, tree in sides.items():
            started = time.perf_counter()
            saved = ROOT / "var" / f"bench_cpu_{side}.json"
            if args.reuse and saved.exists():
                refs[side] = json.loads(saved.read_text())
            else:
                refs[side] = _side_call(tree, "prepare", args, side, None)
                saved.write_text(json.dumps(refs[side]))
            print(f"{side}: prepared in {time.perf_counter() - started:.0f} s", file=sys.stderr)
            results[side]["counts"] = _side_call(tree, "count", args, side, refs[side])
            url, sqlite_path = _target(args.db, side)
            port = free_port()
            os.environ.update(RATES)
            servers[side] = (start_gunicorn(args.db, url, sqlite_path, 2, port, root=tree), port)
            refs[side]["cookies"] = {"leader": _login(port, "leader")}
        for number in range(args.rounds):
            for side in sides:
                proc, port = servers[side]
                url, sqlite_path = _target(args.db, side)
                row: dict[str, Any] = {}
                for name in endpoints:
                    queued = (
                        _queued_for_move(url if args.db == "pg" else sqlite_path, args.db)
                        if name == "move"
                        else []
                    )
                    if name == "move" and not queued:
                        continue
                    script = wrk_script(name, refs[side], f"r{number}{side[0]}", queued)
                    meter = Meter(proc.pid, url if args.db == "pg" else "")
                    before = meter.sample()
                    figures = _wrk(port, script, args.duration, args.connections)
                    after = meter.sample()
                    served = max(1, figures["requests"])
                    figures.update(Meter.per_request(before, after, served))
                    row[name] = figures
                    print(f"round {number + 1} {side:6} {name:18} {_line(figures)}", file=sys.stderr)
                results[side]["rounds"].append(row)
    finally:
        for proc, _port in servers.values():
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
        if not (args.keep or args.reuse):
            for side in sides:
                _drop(args.db, side)
    return {"db": args.db, "baseline": args.baseline, "endpoints": endpoints, "sides": results}


class Meter:
    """CPU seconds of gunicorn's workers and, on PostgreSQL, of the backends serving the side's
    database (their connections persist: ``CONN_MAX_AGE``)."""

    def __init__(self, master: int, pg_url: str) -> None:
        self.master, self.pg_url = master, pg_url

    def _backends(self) -> list[int]:
        if not self.pg_url:
            return []
        import psycopg

        name = self.pg_url.rsplit("/", 1)[1]
        with psycopg.connect(self.pg_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,)).fetchall()
        return [int(row[0]) for row in rows]

    def sample(self) -> dict[str, float]:
        from bench.case_intake import _children, _cpu_seconds

        workers = _children(self.master)
        sample: dict[str, float] = {
            "app": sum(_cpu_seconds(p) for p in workers) + _cpu_seconds(self.master),
            "client": time.process_time(),
        }
        # per backend: one that ended within the window takes its CPU with it (an undercount, never a
        # negative figure); one that started within it counts from zero
        sample.update({f"db:{pid}": _cpu_seconds(pid) for pid in self._backends()})
        return sample

    @staticmethod
    def per_request(before: dict[str, float], after: dict[str, float], requests: int) -> dict[str, float]:
        db = sum(v - before.get(k, 0.0) for k, v in after.items() if k.startswith("db:"))
        before, after = {**before, "db": 0.0}, {**after, "db": db}
        out = {f"{k}_cpu_ms": round((after[k] - before[k]) * 1000 / requests, 2) for k in ("app", "db")}
        out["server_cpu_ms"] = round(out["app_cpu_ms"] + out["db_cpu_ms"], 2)
        return out


def _drop(db: str, side: str) -> None:
    url, sqlite_path = _target(db, side)
    if db == "pg":
        from bench.case_kpis import pg_admin

        pg_admin(url, f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(sqlite_path + suffix).unlink(missing_ok=True)


def _line(f: dict[str, Any]) -> str:
    return (
        f"app {f['app_cpu_ms']:6.2f} ms  db {f['db_cpu_ms']:5.2f} ms  {f['rps']:7.1f} req/s  "
        f"p50 {f['p50']:>8} p99 {f['p99']:>8}  non-2xx {f['non_2xx']}"
    )


def summarise(report: dict[str, Any]) -> str:
    """A Markdown table: medians over rounds, before → after."""
    sides = report["sides"]
    lines = [
        "| endpoint | status | statements | app CPU ms/req | db CPU ms/req | req/s | p50 | p99 | bytes | non-2xx |",  # noqa: E501
        "|---|---|---|---|---|---|---|---|---|---|",
    ]

    def med(side: str, name: str, key: str) -> float:
        values = [r[name][key] for r in sides[side]["rounds"] if name in r]
        return round(statistics.median(values), 2) if values else float("nan")

    def last(side: str, name: str, key: str) -> str:
        values = [r[name][key] for r in sides[side]["rounds"] if name in r]
        return str(values[-1]) if values else "-"

    for name in report["endpoints"]:
        cells = []
        for key in (
            "status",
            "statements",
            "app_cpu_ms",
            "db_cpu_ms",
            "rps",
            "p50",
            "p99",
            "bytes",
            "non_2xx",
        ):
            parts = []
            for side in sides:
                if key in ("status", "statements", "bytes"):
                    parts.append(str(sides[side]["counts"].get(name, {}).get(key, "-")))
                elif key in ("p50", "p99"):
                    parts.append(last(side, name, key))
                elif key == "non_2xx":
                    parts.append(str(sum(r[name][key] for r in sides[side]["rounds"] if name in r)))
                else:
                    parts.append(str(med(side, name, key)))
            cells.append(" → ".join(parts))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("sqlite", "pg"), default="sqlite")
    parser.add_argument("--baseline", default="", help="a git revision to compare against, in the same run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per endpoint and round")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--only", default="", help="comma-separated endpoints (default: all)")
    parser.add_argument("--keep", action="store_true", help="keep the databases (and their references)")
    parser.add_argument("--reuse", action="store_true", help="run again on databases kept by --keep")
    parser.add_argument("--json", default="")
    parser.add_argument("--profile", default="", help="cProfile one endpoint in-process on a kept database")
    parser.add_argument("--count", type=int, default=200, help="requests to profile")
    parser.add_argument("--side-mode", choices=("prepare", "count", "profile"), help=argparse.SUPPRESS)
    parser.add_argument("--side", default="after", help=argparse.SUPPRESS)
    parser.add_argument("--ref", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side_mode:
        url, sqlite_path = _target(args.db, args.side)
        if args.side_mode == "prepare":
            print(json.dumps(side_prepare(args.db, url, sqlite_path)))
        else:
            from bench.case_kpis import setup_django

            setup_django(
                database_url=url if args.db == "pg" else "",
                sqlite_path=sqlite_path if args.db == "sqlite" else "",
            )
            from django.conf import settings

            settings.ALLOWED_HOSTS = ["*"]
            ref = json.loads(Path(args.ref).read_text())
            if args.side_mode == "profile":
                side_profile(ref, args.profile, args.count)
                print("{}")
            else:
                print(json.dumps(side_count(ref)))
        return
    if args.profile:
        ref = json.loads((ROOT / "var" / f"bench_cpu_{args.side}.json").read_text())
        _side_call(ROOT, "profile", args, args.side, ref)
        return
    report = drive(args)
    table = summarise(report)
    print(table)
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
