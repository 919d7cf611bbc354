"""Need → resource matching at scale (see docs/benchmarks.md, "区域化党建: need → resource matching").

    python bench/community_matching.py [--resources 10000] [--needs 200]

Makes a throw-away SQLite database (``var/bench_community.sqlite3``, deleted first; ``DATABASE_URL``
is set before Django starts, so the development and test databases are never touched), migrates it,
builds a district of 4 streets × 6 communities × 4 grids, and registers ``--resources`` resources
spread over them with the demo's titles and words (cut once, as ``resource_create`` does). Then it
times ``community.matching.rank`` for ``--needs`` needs (the demo's need titles, random category and
grid): one call = cut the need's words, read the usable candidates' few columns in one query and
score them (what ``GET /api/v1/community/needs/{id}/matches`` does, less the HTTP). Prints p50/p95/max.
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


def main() -> None:  # noqa: PLR0915 - one linear script
    parser = argparse.ArgumentParser()
    parser.add_argument("--resources", type=int, default=10000)
    parser.add_argument("--needs", type=int, default=200)
    args = parser.parse_args()
    db = ROOT / "var" / "bench_community.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.pop("DANGQUN_TESTING", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from dangqun.community.matching import keywords_of, rank
    from dangqun.community.models import Need, NeedSource, Resource
    from dangqun.core import clock
    from dangqun.demo.build_community import NEEDS, RESOURCES
    from dangqun.regions.models import Region, RegionKind, RegionLevel

    def region(code: str, kind: str, level: int, parent: Region | None) -> Region:
        path = (parent.path if parent else "/") + code + "/"
        return Region.objects.create(code=code, name=code, kind=kind, level=level, parent=parent, path=path)

    district = region("BD", RegionKind.DISTRICT, RegionLevel.DISTRICT, None)
    grids: list[Region] = []
    communities: list[Region] = []
    for s in range(4):
        street = region(f"BS{s}", RegionKind.STREET, RegionLevel.STREET, district)
        for c in range(6):
            community = region(f"BC{s}{c}", RegionKind.COMMUNITY, RegionLevel.COMMUNITY, street)
            communities.append(community)
            grids += [region(f"BG{s}{c}{g}", RegionKind.GRID, RegionLevel.GRID, community) for g in range(4)]
    rng = random.Random(1)
    today = clock.local_today()
    offers = [(cat, title, kind) for cat, items in RESOURCES.items() for title, kind in items]
    started = time.perf_counter()
    rows = []
    for i in range(args.resources):
        category, title, kind = rng.choice(offers)
        description = rng.choice(NEEDS[category])  # a description naming what it serves
        rows.append(
            Resource(
                title=f"{title}{i}",
                description=description,
                category=category,
                kind=kind,
                region=rng.choice(communities + grids),
                provider="bench",
                quantity=5,
                remaining=rng.choice((0, 1, 5, 5, 5)),
                keywords=keywords_of(title, description),
            )
        )
    Resource.objects.bulk_create(rows, batch_size=2000)
    setup_s = time.perf_counter() - started
    needs = []
    for i in range(args.needs):
        category = rng.choice(list(NEEDS))
        needs.append(
            Need(
                code=f"B{i}",
                title=rng.choice(NEEDS[category]),
                description="希望社区帮忙解决",
                category=category,
                region=rng.choice(grids),
                source=NeedSource.RESIDENT,
            )
        )
    Need.objects.bulk_create(needs)
    needs = list(Need.objects.select_related("region"))
    rank(needs[0], Resource.objects.all(), today=today)  # warm: rjieba's dictionary, the connection
    times = []
    for need in needs:
        t0 = time.perf_counter()
        best = rank(need, Resource.objects.all(), today=today)
        times.append((time.perf_counter() - t0) * 1000)
        assert best, "every need finds resources"
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"resources: {args.resources} (setup {setup_s:.1f} s), needs matched: {len(times)}")
    print(f"rank p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
