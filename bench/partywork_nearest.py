"""智慧导航: the nearest-organisation search at N organisations (see docs/benchmarks.md, "Nearest party
organisation").

    DANGQUN_TESTING=1 python bench/partywork_nearest.py [--points 5000] [--queries 1000] [--limit 10]

Creates a throwaway test database (migrations applied; SQLite in memory by default, PostgreSQL when
DATABASE_URL names one), inserts ``--points`` 智慧导航 points spread uniformly over a city-sized box
(about 60 × 50 km), then times ``--queries`` searches from uniform random places in that box:

- the selector ``partywork.selectors.nearest`` (bounding box on the (lat, lng) index, exact distance);
- the public API ``GET /api/v1/partywork/nav?lat=&lng=&limit=`` through Django's test client (the whole
  request: routing, validation, the query, JSON).

Prints p50 / p95 / p99 / max in milliseconds. One process, one core.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOX = (39.9, 40.35, 124.0, 124.7)  # lat min, lat max, lng min, lng max: about 50 × 60 km


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--limit", type=int, default=10)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from dangqun.partywork import selectors
    from dangqun.partywork.models import NavKind, NavPoint

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0)
    try:
        rng = random.Random(1)
        lat0, lat1, lng0, lng1 = BOX
        kinds = [NavKind.PARTY_ORG, NavKind.SERVICE_CENTER, NavKind.SERVICE_SITE]
        NavPoint.objects.bulk_create(
            [
                NavPoint(
                    kind=kinds[i % 3], name=f"党组织{i:05d}", address=f"测试路{i}号",
                    lat=rng.uniform(lat0, lat1), lng=rng.uniform(lng0, lng1), opening_hours="8:30-17:30",
                )
                for i in range(args.points)
            ],
            batch_size=2000,
        )  # fmt: skip
        places = [(rng.uniform(lat0, lat1), rng.uniform(lng0, lng1)) for _ in range(args.queries)]
        for lat, lng in places[:20]:  # warm up
            selectors.nearest(lat, lng, limit=args.limit)
        sel: list[float] = []
        for lat, lng in places:
            start = time.perf_counter()
            found = selectors.nearest(lat, lng, limit=args.limit)
            sel.append((time.perf_counter() - start) * 1000)
            assert len(found) == args.limit
        client = Client()
        api: list[float] = []
        for lat, lng in places:
            start = time.perf_counter()
            response = client.get(f"/api/v1/partywork/nav?lat={lat:.6f}&lng={lng:.6f}&limit={args.limit}")
            api.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        vendor = connection.vendor
        print(f"points={args.points} queries={args.queries} limit={args.limit} database={vendor}")
        print("| what | p50 ms | p95 ms | p99 ms | max ms |")
        print("|---|---|---|---|---|")
        for label, values in (("selector nearest()", sel), ("GET /api/v1/partywork/nav", api)):
            print(
                f"| {label} | {statistics.median(values):.2f} | {percentile(values, 95):.2f} | "
                f"{percentile(values, 99):.2f} | {max(values):.2f} |"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
