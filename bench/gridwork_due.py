"""The due-visit computation (``gridwork.due.visits_refresh``) over a district of N residents.

    .venv/bin/python bench/gridwork_due.py [--residents 100000] [--grids 100] [--tagged 0.12]
                                           [--db sqlite|pg] [--pg-url URL]

Builds a throw-away database (SQLite in a temporary folder, or the PostgreSQL database
``dangqun_bench_gridwork``, dropped at the end), with one district → street → community → grids and
N residents spread over the grids, a share of them tagged with the visit rules' tags (独居老人, 残疾人,
低保/帮扶, 特殊关爱, 留守儿童), then times:

- ``cold``: the first district-wide refresh (every tagged resident gets a due visit);
- ``warm``: the same again (nothing to add: what the background job costs on an ordinary day);
- ``after visits``: half the due visits recorded, then the refresh that makes their next visit due;
- ``one grid``: the refresh of one grid and its due list (what the grid app's 走访 page runs).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_DB = "dangqun_bench_gridwork"


def _setup(db: str, pg_url: str) -> None:
    os.environ["DANGQUN_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-gridwork-")
    os.environ.pop("DANGQUN_TESTING", None)
    os.environ["DATABASE_URL"] = f"{pg_url.rstrip('/')}/{PG_DB}" if db == "pg" else ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    if db == "pg":
        import psycopg

        with psycopg.connect(f"{pg_url.rstrip('/')}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
            conn.execute(f"CREATE DATABASE {PG_DB}")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _build(residents: int, grids: int, tagged: float) -> list[str]:
    from dangqun.core.fields import join_path
    from dangqun.regions.models import Region, RegionKind, RegionLevel

    def region(code: str, name: str, kind: str, level: int, parent: Region | None = None) -> Region:
        path = join_path(parent.path if parent else None, code)
        return Region.objects.create(code=code, name=name, kind=kind, level=level, parent=parent, path=path)

    from dangqun.registry.models import Resident, ResidentTag

    district = region(code="BX", name="基准区", kind=RegionKind.DISTRICT, level=RegionLevel.DISTRICT)
    street = region(
        code="BX01", name="基准街道", kind=RegionKind.STREET, level=RegionLevel.STREET, parent=district
    )
    community = region(
        code="BX0101", name="基准社区", kind=RegionKind.COMMUNITY, level=RegionLevel.COMMUNITY, parent=street
    )
    grid_rows = [
        region(
            code=f"BX0101{g:03d}",
            name=f"网格{g}",
            kind=RegionKind.GRID,
            level=RegionLevel.GRID,
            parent=community,
        )
        for g in range(grids)
    ]
    tags = []
    for code in ("elderly_alone", "disabled", "assisted", "special_care", "left_behind_child"):
        tag, _ = ResidentTag.objects.get_or_create(code=code, defaults={"name": code, "needs_visits": True})
        tags.append(tag)
    rng = random.Random(22)
    rows = [
        Resident(grid=grid_rows[i % grids], name=f"居民{i}", gender="F" if i % 2 else "M")
        for i in range(residents)
    ]
    Resident.objects.bulk_create(rows, batch_size=5000)
    through = Resident.tags.through
    links = [
        through(resident_id=r.pk, residenttag_id=rng.choice(tags).pk) for r in rows if rng.random() < tagged
    ]
    through.objects.bulk_create(links, batch_size=5000, ignore_conflicts=True)
    return [g.path for g in grid_rows]


def _time(work) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--grids", type=int, default=100)
    parser.add_argument("--tagged", type=float, default=0.12)
    parser.add_argument("--db", choices=["sqlite", "pg"], default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    _setup(args.db, args.pg_url)

    from django.db import connection
    from django.utils import timezone

    from dangqun.core import clock
    from dangqun.gridwork.due import visits_refresh
    from dangqun.gridwork.models import Visit, VisitStatus
    from dangqun.gridwork.selectors import DUE_LIST_LIMIT

    print(f"db={connection.vendor} load={Path('/proc/loadavg').read_text().split()[0]}")
    built = time.perf_counter()
    paths = _build(args.residents, args.grids, args.tagged)
    print(f"built {args.residents:,} residents in {args.grids} grids in {time.perf_counter() - built:.1f} s")
    created = 0

    def cold() -> None:
        nonlocal created
        created = visits_refresh().created

    print(f"cold refresh: {_time(cold):.2f} s, {created:,} due visits made")
    print(f"warm refresh: {_time(visits_refresh):.2f} s")
    now = clock.now()
    due_ids = list(Visit.objects.filter(status=VisitStatus.DUE).values_list("pk", flat=True)[::2])
    for start in range(0, len(due_ids), 5000):
        Visit.objects.filter(pk__in=due_ids[start : start + 5000]).update(
            status=VisitStatus.DONE, done_at=now
        )
    print(f"after visits ({len(due_ids):,} recorded): {_time(cold):.2f} s, {created:,} next visits made")
    one = []
    for path in paths[:20]:

        def grid_page(path: str = path) -> None:
            visits_refresh(grid_paths=[path])
            list(
                Visit.objects.filter(grid_path=path, status=VisitStatus.DUE).order_by("due_date", "id")[
                    :DUE_LIST_LIMIT
                ]
            )

        one.append(_time(grid_page) * 1000)
    print(
        f"one grid (refresh + due list), 20 grids: p50 {statistics.median(one):.1f} ms, max {max(one):.1f} ms"
    )
    print(f"today {timezone.localdate()}")
    if args.db == "pg":
        connection.close()
        import psycopg

        with psycopg.connect(f"{args.pg_url.rstrip('/')}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")


if __name__ == "__main__":
    main()
