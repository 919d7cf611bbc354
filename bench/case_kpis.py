"""Case KPI dashboard queries over millions of cases (see docs/benchmarks.md, "Case KPIs").

    python bench/case_kpis.py --db sqlite --cases 1000000
    python bench/case_kpis.py --db pg --cases 1000000
    python bench/case_kpis.py --db pg --cases 10000000 --method copy

Builds a throw-away database (PostgreSQL: ``dangqun_bench_kpis`` on the server of ``--pg-server``;
SQLite: ``var/bench_kpis.sqlite3`` with the app's PRAGMAs), migrates it, writes a synthetic region
tree (1 district, 12 streets, 96 communities, 960 grids), 30 departments and a 15 × 4 category tree,
then ``--cases`` cases spread over one year with realistic outcomes (about 95 % accepted, 90 %
resolved, 93 % satisfied among rated). Rows go in directly, not through the services:
``bulk_create`` in batches (``--method orm``, both databases) or ``COPY … FROM STDIN`` with the
table's secondary indexes dropped during the load and rebuilt after it (``--method copy``,
PostgreSQL only). Then ``ANALYZE`` and, ``--repeat`` times after one warm-up run, three calls of
``analytics.kpis.case_kpis`` over the whole year:

- district: the whole district (every case);
- street: one street's subtree (``region=…``, about 1/12 of the cases);
- by street: the whole district grouped by street (``group_by="street"``).

It prints the median and the spread in milliseconds, and the database's plan (``EXPLAIN ANALYZE`` on
PostgreSQL, ``EXPLAIN QUERY PLAN`` on SQLite) of each query. ``--extra-index SQL`` (repeatable)
measures again after creating candidate indexes. The database is dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import platform
import secrets
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHANGHAI = ZoneInfo("Asia/Shanghai")
YEAR_END = dt.datetime(2026, 11, 22, tzinfo=SHANGHAI)
YEAR_START = YEAR_END - dt.timedelta(days=365)
DISTRICT = "210603"
STREETS, COMMUNITIES, GRIDS = 12, 8, 10  # per parent
DEPARTMENTS = 30
CATEGORY_TOP, CATEGORY_CHILDREN = 15, 4


def bench_pii_keys() -> dict[str, str]:
    """The personal-data keys of the throw-away bench databases (production settings need them):
    generated once into ``var/bench_pii_keys.json`` so that ``--keep`` / ``--reuse`` runs read what
    earlier runs wrote. Never used outside the benchmarks."""
    path = ROOT / "var" / "bench_pii_keys.json"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        keys = {
            "DANGQUN_FIELD_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "DANGQUN_HASH_KEYS": secrets.token_urlsafe(48),
        }
        path.write_text(json.dumps(keys))
        path.chmod(0o600)
    return dict(json.loads(path.read_text()))


def setup_django(*, database_url: str = "", sqlite_path: str = "") -> None:
    """``django.setup()`` against a bench database: PostgreSQL by URL, or an SQLite file that keeps
    the app's SQLite options (WAL, IMMEDIATE transactions). Debug is off (no query log)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-key-not-used-in-production-0123456789")
    for name, value in bench_pii_keys().items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("DJANGO_SECURE", "0")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    os.environ.pop("DANGQUN_TESTING", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    from django.conf import settings

    if sqlite_path:
        settings.DATABASES["default"]["NAME"] = sqlite_path
    import django

    django.setup()


def pg_admin(server_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(server_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(sql)


# --- data --------------------------------------------------------------------------------------------


def build_reference_data() -> dict[str, Any]:
    from dangqun.cases.models import Category
    from dangqun.core.fields import join_path
    from dangqun.orgs.models import Department
    from dangqun.regions.models import Region

    district = Region.objects.create(
        code=DISTRICT, name="元宝区", kind="district", level=1, path=join_path(None, DISTRICT)
    )
    streets, communities, grids = [], [], []
    for s in range(1, STREETS + 1):
        code = f"{DISTRICT}{s:03d}"
        streets.append(
            Region(
                code=code,
                name=f"第{s}街道",
                kind="street",
                level=2,
                parent=district,
                path=join_path(district.path, code),
            )
        )
    Region.objects.bulk_create(streets)
    for street in streets:
        for c in range(1, COMMUNITIES + 1):
            code = f"{street.code}{c:03d}"
            communities.append(
                Region(
                    code=code,
                    name=f"{street.name}第{c}社区",
                    kind="community",
                    level=3,
                    parent=street,
                    path=join_path(street.path, code),
                )
            )
    Region.objects.bulk_create(communities)
    for community in communities:
        for g in range(1, GRIDS + 1):
            code = f"{community.code}{g:02d}"
            grids.append(
                Region(
                    code=code,
                    name=f"{community.name}第{g}网格",
                    kind="grid",
                    level=5,
                    parent=community,
                    path=join_path(community.path, code),
                )
            )
    Region.objects.bulk_create(grids)
    departments = Department.objects.bulk_create(
        Department(code=f"D{i:02d}", name=f"部门{i}", region=district) for i in range(1, DEPARTMENTS + 1)
    )
    leaves = []
    for t in range(1, CATEGORY_TOP + 1):
        top = Category.objects.create(
            code=f"C{t:02d}", name=f"一级{t}", level=1, path=join_path(None, f"C{t:02d}")
        )
        for c in range(1, CATEGORY_CHILDREN + 1):
            code = f"{top.code}{c:02d}"
            leaves.append(
                Category(code=code, name=f"二级{t}-{c}", level=2, parent=top, path=join_path(top.path, code))
            )
    Category.objects.bulk_create(leaves)
    return {
        "district": district,
        "streets": streets,
        "grids": [(g.pk, g.path) for g in Region.objects.filter(level=5).order_by("path")],
        "departments": [d.pk for d in Department.objects.order_by("code")],
        "categories": [c.pk for c in Category.objects.filter(level=2).order_by("code")],
        "n_departments": len(departments),
    }


# Outcome mix: status → probability (sums to 1).
OUTCOMES = {
    "submitted": 0.01,
    "accepted": 0.01,
    "rejected": 0.03,
    "merged": 0.02,
    "dispatched": 0.01,
    "in_progress": 0.02,
    "resolved": 0.04,
    "reviewed": 0.04,
    "closed": 0.82,
}
RATINGS = {"satisfied": 0.80, "basically": 0.11, "unsatisfied": 0.04, "unrated": 0.05}


def case_chunks(
    ref: dict[str, Any], total: int, *, chunk: int, seed: int = 2026
) -> Iterator[list[dict[str, Any]]]:
    """Rows as dicts of column → value, ``chunk`` at a time; the same seed gives the same rows."""
    rng = np.random.default_rng(seed)
    grids = ref["grids"]
    district_id = ref["district"].pk
    departments = np.array(ref["departments"])
    categories = np.array(ref["categories"])
    statuses = np.array(list(OUTCOMES))
    ratings = np.array(list(RATINGS))
    span = (YEAR_END - YEAR_START).total_seconds()
    now = YEAR_END
    hour = dt.timedelta(hours=1)
    made = 0
    while made < total:
        n = min(chunk, total - made)
        submitted = np.sort(rng.random(n)) * span
        grid_ix = rng.integers(0, len(grids), n)
        category_ix = rng.integers(0, len(categories), n)
        department_ix = rng.integers(0, len(departments), n)
        status = rng.choice(statuses, n, p=list(OUTCOMES.values()))
        rating = rng.choice(ratings, n, p=list(RATINGS.values()))
        to_dispatch = rng.uniform(0.05, 4.0, n).tolist()
        to_sign = rng.uniform(0.05, 8.0, n).tolist()
        to_resolve = rng.uniform(1.0, 240.0, n).tolist()
        on_time = (rng.random(n) < 0.92).tolist()
        on_spot = (rng.random(n) < 0.1).tolist()
        submitted_s = submitted.tolist()
        status_l, rating_l = status.tolist(), rating.tolist()
        grid_l, category_l = grid_ix.tolist(), categories[category_ix].tolist()
        department_l = departments[department_ix].tolist()
        rows = []
        for i in range(n):
            at = YEAR_START + dt.timedelta(seconds=submitted_s[i])
            st = status_l[i]
            accepted = st not in ("submitted", "merged") and not (st == "rejected" and i % 2)
            dispatched = st in ("dispatched", "in_progress", "resolved", "reviewed", "closed") and not (
                on_spot[i] and st in ("resolved", "reviewed", "closed")
            )
            signed = dispatched and st != "dispatched"
            resolved = st in ("resolved", "reviewed", "closed")
            grid_id, grid_path = grids[grid_l[i]]
            dispatched_at = at + to_dispatch[i] * hour if dispatched else None
            resolved_at = at + to_resolve[i] * hour if resolved else None
            rows.append(
                {
                    "code": f"BN-{made + i:09d}",
                    "channel": "app",
                    "case_type": "help",
                    "category_id": category_l[i],
                    "priority": "normal",
                    "status": st,
                    "title": "小区路灯不亮",
                    "description": "小区门口的路灯连续三晚不亮,夜里出行不便。",
                    "address": "",
                    "grid_id": grid_id,
                    "region_id": grid_id,
                    "region_path": grid_path,
                    "handling_region_id": district_id,
                    "reporter_name": "",
                    "reporter_phone": "",
                    "is_anonymous": False,
                    "source_ref": "",
                    "lead_department_id": department_l[i] if dispatched else None,
                    "suggested_route": "{}",
                    "is_supervised": False,
                    "reopen_count": 0,
                    "escalation_count": 0,
                    "satisfaction": rating_l[i] if st == "closed" else "",
                    "rating_comment": "",
                    "result": "",
                    "submitted_at": at,
                    "accepted_at": at + 0.5 * to_dispatch[i] * hour if accepted else None,
                    "dispatched_at": dispatched_at,
                    "signed_at": dispatched_at + to_sign[i] * hour if signed and dispatched_at else None,
                    "resolved_at": resolved_at,
                    "resolved_on_time": bool(on_time[i] or on_spot[i]) if resolved else None,
                    "closed_at": resolved_at + 24 * hour if st == "closed" and resolved_at else None,
                    "updated_at": now,
                    "version": 0,
                }
            )
        made += n
        yield rows


def load_orm(ref: dict[str, Any], total: int, batch: int) -> None:
    from dangqun.cases.models import Case

    for rows in case_chunks(ref, total, chunk=batch * 10):
        objs = []
        for row in rows:
            objs.append(Case(**{**row, "suggested_route": {}}))
        Case.objects.bulk_create(objs, batch_size=batch)
        print(f"  … {objs[-1].code}", file=sys.stderr, flush=True)


def _secondary_indexes() -> list[tuple[str, str]]:
    """(name, CREATE statement) of the case table's indexes that no constraint owns."""
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'cases_case' AND indexname "
                "NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'cases_case'::regclass)"
            )
        else:
            cur.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases_case' "
                "AND sql IS NOT NULL"
            )
        return list(cur.fetchall())


def load_fast(ref: dict[str, Any], total: int) -> None:
    """Drop the secondary indexes, write the rows (PostgreSQL: ``COPY``; SQLite: ``executemany`` of
    values adapted by Django's backend, so the stored format is Django's), rebuild the indexes."""
    from django.db import connection

    indexes = _secondary_indexes()
    with connection.cursor() as cur:
        for name, _ in indexes:
            cur.execute(f'DROP INDEX "{name}"')
    connection.ensure_connection()
    raw: Any = connection.connection
    pg = connection.vendor == "postgresql"
    adapt = connection.ops.adapt_datetimefield_value
    started = time.perf_counter()
    columns: list[str] = []
    cur = raw.cursor()
    if pg:
        cur.execute("SET session_replication_role = replica")  # no FK triggers during the load
    else:
        cur.execute("BEGIN")
    for rows in case_chunks(ref, total, chunk=200_000):
        if not columns:
            columns = list(rows[0])
        if pg:
            with cur.copy(f"COPY cases_case ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row[c] for c in columns])
        else:
            marks = ", ".join("?" * len(columns))
            cur.executemany(
                f"INSERT INTO cases_case ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
                [
                    [adapt(v) if isinstance(v, dt.datetime) else v for v in (row[c] for c in columns)]
                    for row in rows
                ],
            )
        print(f"  … {rows[-1]['code']} {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    cur.execute("SET session_replication_role = origin" if pg else "COMMIT")
    cur.close()
    print(
        f"  rows in {time.perf_counter() - started:.0f} s; rebuilding {len(indexes)} indexes", file=sys.stderr
    )
    with connection.cursor() as cur:
        if pg:
            cur.execute("SET maintenance_work_mem = '512MB'")
        for _, definition in indexes:
            cur.execute(definition)


# --- measuring ---------------------------------------------------------------------------------------


def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    result = fn()  # warm-up
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def explain(fn: Callable[[], Any]) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    plans = []
    with connection.cursor() as cur:
        for query in ctx.captured_queries:
            sql = query["sql"]
            if "cases_case" not in sql and "cases_kpidaily" not in sql:
                continue
            if connection.vendor == "postgresql":
                cur.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
                plans.append("\n".join(r[0] for r in cur.fetchall()))
            else:
                cur.execute("EXPLAIN QUERY PLAN " + sql)
                plans.append("\n".join(str(r[-1]) for r in cur.fetchall()))
    return plans


def dashboard_queries(ref: dict[str, Any], *, rollup: bool) -> dict[str, Callable[[], Any]]:
    from dangqun.analytics.kpis import case_kpis
    from dangqun.cases.models import Category
    from dangqun.orgs.models import Department

    street = ref["streets"][0]
    department = Department.objects.order_by("code").first()
    category = Category.objects.filter(level=1).order_by("code").first()
    year = {"start": YEAR_START, "end": YEAR_END, "use_rollup": rollup}
    queries: dict[str, Callable[[], Any]] = {
        "district": lambda: case_kpis(**year),
        "street": lambda: case_kpis(region=street, **year),
        "by street": lambda: case_kpis(group_by="street", **year),
    }
    if rollup:  # cheap with the rollup; each costs a full scan without it
        queries |= {
            "department": lambda: case_kpis(department=department, **year),
            "category": lambda: case_kpis(category=category, **year),
            "by department": lambda: case_kpis(group_by="department", **year),
            "by community": lambda: case_kpis(group_by="community", **year),
            "by month": lambda: case_kpis(group_by="month", **year),
        }
    return queries


def measure(ref: dict[str, Any], repeat: int, label: str, *, rollup: bool = False) -> dict[str, Any]:
    queries = dashboard_queries(ref, rollup=rollup)
    out: dict[str, Any] = {"label": label, "queries": {}}
    for name, fn in queries.items():
        times, report = timed(fn, repeat)
        f = report.figures
        out["queries"][name] = {
            "median_ms": round(statistics.median(times), 1),
            "min_ms": round(min(times), 1),
            "max_ms": round(max(times), 1),
            "figures": {
                "submitted": f.submitted,
                "accepted": f.accepted,
                "resolved": f.resolved,
                "resolution_rate": f.resolution_rate,
                "on_time_rate": f.on_time_rate,
                "satisfaction_rate": f.satisfaction_rate,
                "mean_sign_hours": f.mean_sign_hours,
                "mean_resolve_hours": f.mean_resolve_hours,
                "groups": len(report.groups),
            },
            "plan": explain(fn),
        }
        print(
            f"  {label} · {name}: median {statistics.median(times):.1f} ms {[round(t) for t in times]}",
            file=sys.stderr,
            flush=True,
        )
    return out


def check_rollup(ref: dict[str, Any]) -> bool:
    """Once per query: the rollup's counts equal the cases table's (hour totals to 1e-6 relative)."""
    rolled, direct = dashboard_queries(ref, rollup=True), dashboard_queries(ref, rollup=False)
    for name, fn in direct.items():
        a, b = rolled[name](), fn()
        for field in a.figures.__dataclass_fields__:
            x, y = getattr(a.figures, field), getattr(b.figures, field)
            same = abs(x - y) <= 1e-6 * max(1.0, abs(y)) if isinstance(x, float) else x == y
            if not same:
                print(f"MISMATCH {name}.{field}: rollup {x} direct {y}", file=sys.stderr)
                return False
        if [(g.key, g.figures.submitted) for g in a.groups] != [
            (g.key, g.figures.submitted) for g in b.groups
        ]:
            print(f"MISMATCH {name}: groups differ", file=sys.stderr)
            return False
    print("rollup figures equal the cases table's", file=sys.stderr)
    return True


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("VACUUM (ANALYZE) cases_case")
        else:
            cur.execute("ANALYZE")


def size_report() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT pg_size_pretty(pg_table_size('cases_case')), "
                "pg_size_pretty(pg_indexes_size('cases_case'))"
            )
            table, indexes = cur.fetchone()
            cur.execute(
                "SELECT name, setting FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', "
                "'max_parallel_workers_per_gather', 'server_version', 'effective_cache_size', 'jit')"
            )
            return {"table": table, "indexes": indexes, "settings": dict(cur.fetchall())}
        cur.execute("PRAGMA page_count")
        pages = cur.fetchone()[0]
        cur.execute("PRAGMA page_size")
        size = cur.fetchone()[0]
        cur.execute("SELECT sqlite_version()")
        return {"file_mib": round(pages * size / 2**20), "settings": {"sqlite_version": cur.fetchone()[0]}}


def print_results(db: str, result: dict[str, Any], runs: list[dict[str, Any]]) -> None:
    print(f"\n{db} · {result['cases']:,} cases · {result['size']}")
    print("| indexes | query | median ms | min–max ms | figures |")
    print("|---|---|---:|---:|---|")
    for run in runs:
        for name, q in run["queries"].items():
            f = q["figures"]
            print(
                f"| {run['label']} | {name} | {q['median_ms']} | {q['min_ms']}–{q['max_ms']} | "
                f"受理 {f['accepted']:,} 办结 {f['resolved']:,} 满意率 {f['satisfaction_rate']} "
                f"groups {f['groups']} |"
            )
    for run in runs:
        for name, q in run["queries"].items():
            print(f"\n-- {run['label']} · {name}")
            for plan in q["plan"]:
                print(plan)


def open_database(args: argparse.Namespace) -> None:
    """A fresh (or, with ``--reuse``, the kept) bench database, and ``django.setup()`` on it."""
    if args.db == "pg":
        if not args.reuse:
            name = args.pg_server.rsplit("/", 1)[1]
            pg_admin(args.pg_server, f'DROP DATABASE IF EXISTS "{name}"')
            pg_admin(args.pg_server, f'CREATE DATABASE "{name}"')
        setup_django(database_url=args.pg_server)
    else:
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(args.sqlite_path + suffix).unlink(missing_ok=True)
        setup_django(sqlite_path=args.sqlite_path)


def drop_database(args: argparse.Namespace) -> None:
    from django.db import connections

    connections.close_all()
    if args.db == "pg":
        pg_admin(args.pg_server, f'DROP DATABASE IF EXISTS "{args.pg_server.rsplit("/", 1)[1]}"')
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(args.sqlite_path + suffix).unlink(missing_ok=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["pg", "sqlite"], required=True)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--method", choices=["orm", "fast"], default="fast")
    parser.add_argument("--batch", type=int, default=5000, help="bulk_create batch size")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pg-server", default="postgres://postgres@127.0.0.1:5432/dangqun_bench_kpis")
    parser.add_argument("--sqlite-path", default=str(ROOT / "var" / "bench_kpis.sqlite3"))
    parser.add_argument("--extra-index", action="append", default=[], help="CREATE INDEX … to measure after")
    parser.add_argument("--keep", action="store_true", help="keep the database (reuse it with --reuse)")
    parser.add_argument("--direct", action="store_true", help="also measure without the rollup (slow)")
    parser.add_argument("--reuse", action="store_true", help="measure a database kept by an earlier --keep")
    parser.add_argument("--load-only", action="store_true", help="load, analyse and keep; measure later")
    parser.add_argument("--json", help="write the results to this file")
    return parser.parse_args()


def main() -> None:
    args = parse_args()

    open_database(args)

    from django.core.management import call_command

    from dangqun.analytics.kpi_rollup import kpi_rollup_run
    from dangqun.cases.models import Case, Category
    from dangqun.regions.models import Region

    result: dict[str, Any] = {
        "db": args.db,
        "cases": args.cases,
        "method": args.method,
        "machine": {"nproc": os.cpu_count(), "python": platform.python_version()},
    }
    if args.reuse:
        ref = {
            "district": Region.objects.get(code=DISTRICT),
            "streets": list(Region.objects.filter(level=2).order_by("path")),
        }
        result["cases"] = Case.objects.count()
    else:
        call_command("migrate", verbosity=0)
        ref = build_reference_data()
        started = time.perf_counter()
        if args.method == "fast":
            load_fast(ref, args.cases)
        else:
            load_orm(ref, args.cases, args.batch)
        result["load_s"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        analyze()
        result["analyze_s"] = round(time.perf_counter() - started, 1)
        print(f"loaded {args.cases:,} cases in {result['load_s']} s", file=sys.stderr)
    if args.load_only:
        return
    assert Category.objects.exists()
    result["size"] = size_report()
    runs = []
    if args.direct:
        runs.append(measure(ref, args.repeat, "cases table only"))
    started = time.perf_counter()
    result["rollup"] = kpi_rollup_run(max_days=10_000)
    result["rollup"]["seconds"] = round(time.perf_counter() - started, 1)
    print(f"rollup: {result['rollup']}", file=sys.stderr)
    runs.append(measure(ref, args.repeat, "rollup", rollup=True))
    result["rollup_equals_direct"] = check_rollup(ref)
    if args.extra_index:
        from django.db import connection

        with connection.cursor() as cur:
            for sql in args.extra_index:
                started = time.perf_counter()
                cur.execute(sql)
                print(f"  {sql}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
        analyze()
        result["size_after_extra_indexes"] = size_report()
        runs.append(measure(ref, args.repeat, "+ " + "; ".join(args.extra_index)))
    result["runs"] = runs

    print_results(args.db, result, runs)
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str))

    if not args.keep:
        drop_database(args)


if __name__ == "__main__":
    main()
