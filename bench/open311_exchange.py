"""Open311 and hotline import speed (see docs/benchmarks.md, "Open311 and hotline import").

    python bench/open311_exchange.py --db pg [--posts 1000] [--concurrency 8]
        [--rows 100000] [--real-rows 2000]

Steps: a throw-away database (PostgreSQL ``dangqun_bench_open311`` or ``var/bench_open311.sqlite3``),
migrated and seeded (``seed_demo --scale 0.02 --seed 7 --taxonomy builtin``, as the tests are); an
Open311 client key for the district; gunicorn with 2 sync workers (``DJANGO_DEBUG=0``).

1. ``POST /open311/v2/requests.json``: ``--posts`` form posts (a random grid's centroid, a leaf
   category, a unique device id) from ``--concurrency`` threads; created requests per second, p50/p99.
2. ``GET /open311/v2/requests.json`` and ``.xml`` with ``page_size=1000`` (1,000 records), with and
   without ``extensions=true``: median and p90 of ``--repeat`` sequential requests.
3. Import, in this process: a ``--rows`` row .xlsx (written with openpyxl, valid rows), read and
   checked by a dry run (rows/s, peak Python memory by tracemalloc, max RSS), then a real run of the
   first ``--real-rows`` rows (every row goes through ``case_create``): rows/s.

The database is dropped at the end unless ``--keep``. gunicorn is stopped by its pid.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.client
import io
import json
import os
import random
import resource
import signal
import statistics
import sys
import threading
import time
import tracemalloc
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.case_intake import free_port, start_gunicorn  # noqa: E402
from bench.case_kpis import pg_admin, setup_django  # noqa: E402


def prepare(db: str, url: str, sqlite_path: str, scale: float) -> None:
    """A fresh database with the demo district (the builtin category tree, as the tests seed it)."""
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

    call_command("migrate", verbosity=0)
    call_command("seed_demo", scale=scale, seed=7, taxonomy="builtin", verbosity=0)


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)


def setup_client() -> dict[str, Any]:
    from dangqun.cases.models import Category
    from dangqun.open311.keys import client_issue_key
    from dangqun.regions.models import Region, RegionLevel

    district = Region.objects.get(parent__isnull=True)
    _client, key = client_issue_key(actor=None, name="bench", district=district, rate_per_minute=10**9)
    grids = list(
        Region.objects.filter(level=RegionLevel.GRID, is_active=True, centroid_lng__isnull=False).values_list(
            "centroid_lng", "centroid_lat", "code"
        )
    )
    leaves = list(Category.objects.filter(is_active=True, level=3).values_list("code", flat=True))
    return {"key": key, "district": district.code, "grids": grids, "categories": leaves}


def posts(port: int, ref: dict[str, Any], count: int, concurrency: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    bodies = []
    for i in range(count):
        lng, lat, _code = rng.choice(ref["grids"])
        bodies.append(
            urllib.parse.urlencode(
                {
                    "api_key": ref["key"],
                    "jurisdiction_id": ref["district"],
                    "service_code": rng.choice(ref["categories"]),
                    "lat": lat,
                    "long": lng,
                    "description": f"压测诉求 {seed}-{i}:路面破损,影响通行",
                    "device_id": f"bench-{seed}-{i}",
                }
            ).encode()
        )
    local = threading.local()
    latencies = [0.0] * count
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def send(i: int) -> None:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        started = time.perf_counter()
        try:
            conn.request(
                "POST",
                "/open311/v2/requests.json",
                bodies[i],
                {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
            )
            response = conn.getresponse()
            response.read()
            status = response.status
            if response.will_close:
                conn.close()
        except (OSError, http.client.HTTPException):
            conn.close()
            status = 0
        latencies[i] = (time.perf_counter() - started) * 1000
        with lock:
            statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(send, range(count)))
    wall = time.perf_counter() - started
    created = statuses.get(201, 0)
    return {
        "posts": count,
        "concurrency": concurrency,
        "created": created,
        "requests_per_s": round(created / wall, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p99_ms": _pct(latencies, 0.99),
        "statuses": statuses,
    }


def gets(port: int, ref: dict[str, Any], repeat: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for fmt in ("json", "xml"):
        for extensions in (False, True):
            query = {"jurisdiction_id": ref["district"], "page_size": 1000}
            if extensions:
                query["extensions"] = "true"
            path = f"/open311/v2/requests.{fmt}?{urllib.parse.urlencode(query)}"
            times, size, records = [], 0, 0
            for _ in range(repeat):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                started = time.perf_counter()
                conn.request("GET", path)
                response = conn.getresponse()
                body = response.read()
                times.append((time.perf_counter() - started) * 1000)
                conn.close()
                size = len(body)
                records = len(json.loads(body)) if fmt == "json" else body.count(b"<request>")
            label = f"{fmt}{'+extensions' if extensions else ''}"
            results[label] = {
                "records": records,
                "bytes": size,
                "median_ms": round(statistics.median(times), 1),
                "p90_ms": _pct(times, 0.9),
            }
    return results


def spreadsheet(rows: int, ref: dict[str, Any], seed: int) -> bytes:
    from openpyxl import Workbook

    rng = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("工单")
    sheet.append(["工单号", "来电人", "来电号码", "诉求内容", "问题分类", "经度", "纬度", "来电时间"])
    for i in range(rows):
        lng, lat, _code = rng.choice(ref["grids"])
        sheet.append(
            [
                f"B{seed}-{i:07d}",
                "张三",
                f"139{i:08d}",
                f"第{i}号工单:小区门口路灯不亮,夜间出行不便,请尽快处理。",
                rng.choice(ref["categories"]),
                lng,
                lat,
                "2026-11-20 09:30:00",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def imports(ref: dict[str, Any], rows: int, real_rows: int, seed: int) -> dict[str, Any]:
    from dangqun.accounts.models import User
    from dangqun.exchange.models import MappingProfile
    from dangqun.exchange.services import import_run, import_start

    actor = User.objects.get(username="dispatcher")
    profile = MappingProfile.objects.create(
        name=f"bench-{seed}",
        source="hotline_12345",
        crs="wgs84",
        mapping={
            "order_no": "工单号",
            "reporter_name": "来电人",
            "reporter_phone": "来电号码",
            "description": "诉求内容",
            "category": "问题分类",
            "lng": "经度",
            "lat": "纬度",
            "called_at": "来电时间",
        },
    )
    started = time.perf_counter()
    data = spreadsheet(rows, ref, seed)
    build_s = time.perf_counter() - started
    job = import_start(actor=actor, profile=profile, name="bench.xlsx", data=data, dry_run=True)
    started = time.perf_counter()
    job = import_run(job.pk)
    dry_s = time.perf_counter() - started
    # The same dry run again under tracemalloc (which slows it down) for the peak Python memory.
    traced = import_start(actor=actor, profile=profile, name="bench.xlsx", data=data, dry_run=True)
    tracemalloc.start()
    import_run(traced.pk)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    out: dict[str, Any] = {
        "rows": rows,
        "file_mb": round(len(data) / 1e6, 1),
        "write_file_s": round(build_s, 1),
        "dry_run": {
            "status": job.status,
            "would_create": job.created_count,
            "errors": job.error_count,
            "seconds": round(dry_s, 1),
            "rows_per_s": round(rows / dry_s),
            "peak_python_mb": round(peak / 1e6, 1),
        },
    }
    small = spreadsheet(real_rows, ref, seed + 1)
    job = import_start(actor=actor, profile=profile, name="bench-real.xlsx", data=small, dry_run=False)
    started = time.perf_counter()
    job = import_run(job.pk)
    real_s = time.perf_counter() - started
    out["real_run"] = {
        "rows": real_rows,
        "created": job.created_count,
        "errors": job.error_count,
        "seconds": round(real_s, 1),
        "rows_per_s": round(real_rows / real_s, 1),
    }
    again = import_start(actor=actor, profile=profile, name="bench-real.xlsx", data=small, dry_run=False)
    started = time.perf_counter()
    again = import_run(again.pk)
    out["second_import_of_same_file"] = {
        "created": again.created_count,
        "skipped": again.skipped_count,
        "seconds": round(time.perf_counter() - started, 1),
    }
    out["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["pg", "sqlite"], required=True)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--real-rows", type=int, default=2000)
    parser.add_argument("--scale", type=float, default=0.02)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/dangqun_bench_open311")
    parser.add_argument("--sqlite-path", default=str(ROOT / "var" / "bench_open311.sqlite3"))
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--skip-http", action="store_true", help="only the import part")
    args = parser.parse_args()

    prepare(args.db, args.pg_url, args.sqlite_path, args.scale)
    result: dict[str, Any] = {"db": args.db}
    try:
        ref = setup_client()
        if not args.skip_http:
            os.environ["DANGQUN_RATE_OPEN311"] = str(10**9)
            port = free_port()
            proc = start_gunicorn(args.db, args.pg_url, args.sqlite_path, 2, port)
            try:
                posts(port, ref, 50, args.concurrency, seed=0)  # warm-up
                result["post_requests"] = posts(port, ref, args.posts, args.concurrency, seed=1)
                result["get_requests"] = gets(port, ref, args.repeat)
            finally:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=30)
        result["import"] = imports(ref, args.rows, args.real_rows, seed=2)
        print(json.dumps(result, ensure_ascii=False, indent=2))
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
