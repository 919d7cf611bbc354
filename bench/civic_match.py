"""Matching one policy against a large registry: the preview count and the ids the push reads.

    python bench/civic_match.py --db sqlite --residents 1000000 --businesses 100000
    python bench/civic_match.py --db pg --residents 1000000 --businesses 100000

Builds a throw-away database (SQLite ``var/bench_civic/dangqun.sqlite3``; PostgreSQL database
``dangqun_bench_civic`` on 127.0.0.1:5432, user postgres) with one district, 4 streets, 40
communities and 400 grids, then residents (birth dates over 0–95 years, 8 % floating, 10 % tagged
独居老人, 3 % 退役军人) and businesses (kinds, industries, employees), and times, best of
``--repeats``: the count of a resident policy (age ≥ 60, not floating, tagged 独居老人, in one
street), a business policy (餐饮, ≤ 20 employees, in one street), and the same two over the whole
district; each with the wall time of the count and of reading all matched ids. ``--reuse`` skips
the build when the rows are there.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(db: str, pg_url: str) -> None:
    if db == "pg":
        os.environ["DATABASE_URL"] = pg_url
    else:
        os.environ["DATABASE_URL"] = ""
        os.environ["DANGQUN_VAR_DIR"] = str(ROOT / "var" / "bench_civic")
        (ROOT / "var" / "bench_civic").mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.pop("DANGQUN_TESTING", None)
    if db == "pg":
        import psycopg

        admin = pg_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = 'dangqun_bench_civic'"
            ).fetchone()
            if not exists:
                conn.execute("CREATE DATABASE dangqun_bench_civic")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _build(residents: int, businesses: int, seed: int) -> None:
    from dangqun.regions.models import Region
    from dangqun.registry.models import Business, Resident, ResidentTag

    rng = random.Random(seed)
    district = Region.objects.create(code="BENCH", name="基准区", kind="district", level=1, path="/BENCH/")
    grids = []
    for s in range(4):
        street = Region.objects.create(
            code=f"B{s}", name=f"街道{s}", kind="street", level=2, parent=district, path=f"/BENCH/B{s}/"
        )
        for c in range(10):
            community = Region.objects.create(
                code=f"B{s}{c:02d}",
                name=f"社区{s}{c}",
                kind="community",
                level=3,
                parent=street,
                path=f"{street.path}B{s}{c:02d}/",
            )
            for g in range(10):
                grids.append(
                    Region.objects.create(
                        code=f"B{s}{c:02d}{g:02d}",
                        name=f"网格{g}",
                        kind="grid",
                        level=5,
                        parent=community,
                        path=f"{community.path}B{s}{c:02d}{g:02d}/",
                    )
                )
    alone, _ = ResidentTag.objects.get_or_create(code="elderly_alone", defaults={"name": "独居老人"})
    veteran, _ = ResidentTag.objects.get_or_create(code="veteran", defaults={"name": "退役军人"})
    today = dt.date(2026, 11, 22)
    through = Resident.tags.through
    chunk = 20_000
    for start in range(0, residents, chunk):
        rows = [
            Resident(
                grid=grids[rng.randrange(len(grids))],
                name="居民",
                gender=rng.choice("MF"),
                birth_date=today - dt.timedelta(days=rng.randrange(95 * 365)),
                is_floating=rng.random() < 0.08,
            )
            for _ in range(min(chunk, residents - start))
        ]
        created = Resident.objects.bulk_create(rows, batch_size=5000)
        links = []
        for r in created:
            x = rng.random()
            if x < 0.10:
                links.append(through(resident_id=r.pk, residenttag_id=alone.pk))
            elif x < 0.13:
                links.append(through(resident_id=r.pk, residenttag_id=veteran.pk))
        through.objects.bulk_create(links, batch_size=5000)
        print(f"  residents {start + len(rows):,}", file=sys.stderr, flush=True)
    industries = ["餐饮", "零售", "居民服务", "制造业", "信息技术", "批发零售"]
    for start in range(0, businesses, chunk):
        Business.objects.bulk_create(
            [
                Business(
                    grid=grids[rng.randrange(len(grids))],
                    name="商户",
                    kind=rng.choice(["shop", "individual", "enterprise", "market"]),
                    industry=rng.choice(industries),
                    employees=rng.randint(1, 300),
                )
                for _ in range(min(chunk, businesses - start))
            ],
            batch_size=5000,
        )


def _time(fn, repeats: int) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "pg"], default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/dangqun_bench_civic")
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--businesses", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    _setup(args.db, args.pg_url)
    from django.db import connection

    from dangqun.civic.rules import matching
    from dangqun.regions.models import Region
    from dangqun.registry.models import Resident

    if not (args.reuse and Resident.objects.exists()):
        started = time.perf_counter()
        _build(args.residents, args.businesses, args.seed)
        print(f"build: {time.perf_counter() - started:.0f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    today = dt.date(2026, 11, 22)
    district, street = Region.objects.get(code="BENCH"), Region.objects.get(code="B1")
    resident_rules = [
        {"field": "age", "op": "gte", "value": 60},
        {"field": "is_floating", "op": "eq", "value": False},
        {"field": "tags", "op": "any", "value": ["elderly_alone"]},
    ]
    business_rules = [
        {"field": "industry", "op": "in", "value": ["餐饮"]},
        {"field": "employees", "op": "lte", "value": 20},
    ]
    print(f"db={connection.vendor} residents={Resident.objects.count():,} load={os.getloadavg()[0]:.2f}")
    for label, audience, rules in (
        ("resident", "resident", resident_rules),
        ("business", "business", business_rules),
    ):
        for where in (street, district):
            qs = matching(audience, rules, where, today=today)
            count = qs.count()
            t_count = _time(qs.count, args.repeats)
            t_ids = _time(lambda qs=qs: list(qs.values_list("pk", flat=True)), args.repeats)
            print(
                f"{label:9} {where.name:6} matched={count:>8,} "
                f"count={t_count * 1000:8.0f} ms ids={t_ids * 1000:8.0f} ms"
            )


if __name__ == "__main__":
    main()
