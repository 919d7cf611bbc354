"""A seeded demo database for the page and load benchmarks (``bench/pages.py``, ``bench/load.py``).

    python bench/demo_db.py --db pg --scale 20      # builds dangqun_bench_s20 on 127.0.0.1:5432
    python bench/demo_db.py --db sqlite --scale 20  # builds var/bench_s20.sqlite3
    python bench/demo_db.py --db pg --scale 20 --drop
    python bench/demo_db.py --db sqlite --scale 20 --resume-cases   # a seed stopped in its case stage

Builds the database once (drop if present, ``migrate``, ``seed_demo --scale S --seed 1``, then the KPI
rollup job once, as the deployed worker would within a minute, and ``VACUUM ANALYZE``/``ANALYZE``, as
autovacuum would within minutes; ``--maintain`` runs only that) and prints the seed's wall time and its
row counts as JSON; the benchmarks then open it again and again. It never
touches the development or test databases. ``--drop`` removes it.

``--resume-cases`` finishes a seed that was stopped during its case stage (each stage commits on its own,
so the regions, registry, party and accounts are there and the case stage left nothing): it runs the
case stage, the triage stage and writes the demo's marker, as ``seed_demo`` would have. The marker's
counts then cover those stages only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.case_kpis import pg_admin, setup_django  # noqa: E402

PG_SERVER = "postgres://postgres@127.0.0.1:5432"


def default_target(db: str, scale: float) -> str:
    """Where the demo of this scale lives by default: a PostgreSQL URL or an SQLite path."""
    tag = f"s{scale:g}".replace(".", "_")
    if db == "pg":
        return f"{PG_SERVER}/dangqun_bench_{tag}"
    return str(ROOT / "var" / f"bench_{tag}.sqlite3")


def open_demo(db: str, target: str) -> None:
    """``django.setup()`` on an existing benchmark database (debug off)."""
    if db == "pg":
        setup_django(database_url=target)
    else:
        if not Path(target).exists():
            raise SystemExit(f"{target} does not exist: build it with bench/demo_db.py --db sqlite")
        setup_django(sqlite_path=target)


def drop(db: str, target: str) -> None:
    if db == "pg":
        pg_admin(target, f'DROP DATABASE IF EXISTS "{target.rsplit("/", 1)[1]}"')
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(target + suffix).unlink(missing_ok=True)


def build(db: str, target: str, scale: float) -> dict[str, Any]:
    """Drop, migrate and seed; the timings and the seed's row counts."""
    drop(db, target)
    if db == "pg":
        name = target.rsplit("/", 1)[1]
        pg_admin(target, f'CREATE DATABASE "{name}"')
        setup_django(database_url=target)
    else:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        setup_django(sqlite_path=target)
    from django.core.management import call_command

    from dangqun.demo.seed import demo_seed

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter()
    result = demo_seed(actor=None, scale=scale, seed=1, show_progress=False, taxonomy="auto")
    seeded = time.perf_counter()
    rolled = rollup()
    maintained = maintain()
    return {
        "db": db,
        "target": target,
        "scale": scale,
        "migrate_s": round(migrated - started, 1),
        "seed_s": round(seeded - migrated, 1),
        "rollup": rolled,
        "maintain_s": maintained,
        "load_average": os.getloadavg(),
        "counts": result.counts,
    }


def rollup() -> dict[str, Any]:
    """Run the KPI rollup job until every closed day is rolled (the worker's schedule does it)."""
    from dangqun.analytics.kpi_rollup import kpi_rollup_run

    started = time.perf_counter()
    days = rows = 0
    while (done := kpi_rollup_run())["days"]:
        days, rows = days + done["days"], rows + done["rows"]
    return {"days": days, "rows": rows, "s": round(time.perf_counter() - started, 1)}


def maintain() -> float:
    """What the database's own upkeep does within minutes of a bulk load, done now so the benchmarks
    meet the plans a running district gets: PostgreSQL ``VACUUM ANALYZE`` (autovacuum: fresh
    statistics, and the visibility map that index-only scans need), SQLite ``ANALYZE`` (its planner
    has no statistics until then). Returns the seconds it took."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return round(time.perf_counter() - started, 1)


def resume_cases(db: str, target: str, scale: float, played: int | None) -> dict[str, Any]:
    open_demo(db, target)
    from django.db import transaction

    from dangqun.cases.models import Case, Category
    from dangqun.demo import build_cases
    from dangqun.demo.build_triage import seed_triage_model
    from dangqun.demo.context import SeedContext, SeedOptions
    from dangqun.demo.seed import active_demo, mark_seeded
    from dangqun.demo.tree import RegionTree

    if active_demo() is not None or Case.objects.exists() or not Category.objects.exists():
        raise SystemExit("not a seed stopped in its case stage: build the database again")
    if played is not None:  # fewer cases through the services, more copies (see --played)
        build_cases.PLAYED_CASES_MAX = played
    ctx = SeedContext(options=SeedOptions(scale=scale, seed=1))
    started = time.perf_counter()
    with transaction.atomic():
        build_cases.seed_cases(ctx, RegionTree.load())
    with transaction.atomic():
        seed_triage_model(ctx)
    counts = dict(sorted(ctx.counts.items()))
    mark_seeded(actor=None, options=ctx.options, counts=counts)
    resumed = round(time.perf_counter() - started, 1)
    return {"resumed_s": resumed, "rollup": rollup(), "maintain_s": maintain(), "counts": counts}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["pg", "sqlite"], required=True)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--target", help="PostgreSQL URL or SQLite path (default: by --db and --scale)")
    parser.add_argument("--drop", action="store_true", help="drop the database instead of building it")
    parser.add_argument("--resume-cases", action="store_true", help="finish a seed stopped in its case stage")
    parser.add_argument(
        "--played",
        type=int,
        help="with --resume-cases: play this many cases through the services instead of 2,400 "
        "(the rest are copies); for a loaded machine, the result is no longer seed_demo's own",
    )
    parser.add_argument("--rollup", action="store_true", help="only run the KPI rollup job on the database")
    parser.add_argument("--maintain", action="store_true", help="only run VACUUM ANALYZE / ANALYZE on it")
    args = parser.parse_args()
    target = args.target or default_target(args.db, args.scale)
    if args.drop:
        drop(args.db, target)
        print(f"dropped {target}")
        return
    if args.rollup:
        open_demo(args.db, target)
        print(json.dumps(rollup()))
        return
    if args.maintain:
        open_demo(args.db, target)
        print(json.dumps({"maintain_s": maintain()}))
        return
    if args.resume_cases:
        print(
            json.dumps(resume_cases(args.db, target, args.scale, args.played), ensure_ascii=False, indent=2)
        )
        return
    print(json.dumps(build(args.db, target, args.scale), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
