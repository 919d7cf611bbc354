"""Point → grid lookup speed and memory (see docs/benchmarks.md, "Geo lookup").

    python bench/geo_lookup.py [--grids 10000] [--repeat 5] [--points 100000]

For two layouts (scale 1, about 1,035 grids, and a scale giving about ``--grids`` grids) a fresh
worker process does ``django.setup()`` (as an app process would), builds ``GridIndex`` in memory from
``regions.layout.generate_layout`` (no database needed), and measures:

- single lookups per second: ``GridIndex.locate`` on uniform random points in the district's
  bounding box (inside and outside grids), median of ``--repeat`` runs;
- batched points per second: ``GridIndex.locate_many`` on ``--points`` such points, median;
- for comparison, the plain STRtree alternatives (``tree.query(Point, predicate="intersects")``
  one by one, and the vectorised ``tree.query(points, predicate="intersects")``);
- resident memory (VmRSS from /proc/self/status) after start-up, after ``django.setup()``, with the
  layout's grid polygons loaded, and after building the index.

Prints a markdown table. Everything runs on one core (one worker at a time).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BASE_GRIDS = 1035


def rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def build(scale: float) -> tuple[dict[str, Any], Any, tuple[float, float, float, float]]:
    """In a fresh process: django.setup(), the layout's grids, the index; with RSS at each step."""
    result: dict[str, Any] = {"scale": scale, "rss_start": rss_mib()}
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    result["rss_django"] = rss_mib()

    from dangqun.regions.geoindex import GridIndex
    from dangqun.regions.layout import generate_layout

    started = time.perf_counter()
    specs = generate_layout(scale=scale)
    result["layout_s"] = time.perf_counter() - started
    grids = [s.geometry for s in specs if s.kind == "grid"]
    bounds = specs[0].geometry.bounds
    del specs
    gc.collect()
    result["grids"] = len(grids)
    result["rss_layout"] = rss_mib()

    started = time.perf_counter()
    index = GridIndex(list(range(1, len(grids) + 1)), grids)
    result["build_s"] = time.perf_counter() - started
    gc.collect()
    result["rss_index"] = rss_mib()
    result["stats"] = index.stats
    return result, index, bounds


def worker(scale: float, repeat: int, n_points: int) -> dict[str, Any]:
    import numpy as np
    import shapely

    result, index, bounds = build(scale)
    rng = np.random.default_rng(42)
    xs = rng.uniform(bounds[0], bounds[2], n_points)
    ys = rng.uniform(bounds[1], bounds[3], n_points)
    x_list, y_list = xs.tolist(), ys.tolist()
    locate = index.locate

    singles = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for x, y in zip(x_list, y_list, strict=True):
            locate(x, y)
        singles.append(n_points / (time.perf_counter() - t0))
    result["single_per_s"] = statistics.median(singles)

    batches = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        got = index.locate_many(xs, ys)
        batches.append(n_points / (time.perf_counter() - t0))
    result["batch_per_s"] = statistics.median(batches)
    result["inside_share"] = float((got >= 0).mean())

    # The STRtree alternatives, and a cross-check of all three answers on a sample.
    tree = index.tree
    sample = min(20_000, n_points)
    t0 = time.perf_counter()
    tree_answers = []
    for x, y in zip(x_list[:sample], y_list[:sample], strict=True):
        hits = tree.query(shapely.Point(x, y), predicate="intersects")
        tree_answers.append(int(index.ids[hits.min()]) if len(hits) else -1)
    result["tree_single_per_s"] = sample / (time.perf_counter() - t0)
    points = shapely.points(xs, ys)
    t0 = time.perf_counter()
    tree.query(points, predicate="intersects")
    result["tree_batch_per_s"] = n_points / (time.perf_counter() - t0)
    singles_sample = [locate(x, y) or -1 for x, y in zip(x_list[:sample], y_list[:sample], strict=True)]
    result["agree"] = singles_sample == tree_answers == got[:sample].tolist()
    return result


def run_worker(scale: float, repeat: int, n_points: int) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--worker", str(scale)]
    cmd += ["--repeat", str(repeat), "--points", str(n_points)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)  # noqa: S603
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def table(results: list[dict[str, Any]]) -> str:
    header = (
        "| grids | layout s | index build s | single lookups/s (median) | batched points/s (median) "
        "| STRtree single/s | STRtree batch/s | RSS start MiB | RSS after django.setup() MiB "
        "| RSS + grid polygons MiB | RSS + index MiB (one app process) | buckets (pure/mixed/empty) "
        "| paths agree |"
    )
    rows = [
        header,
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        s = r["stats"]
        rows.append(
            f"| {r['grids']:,} | {r['layout_s']:.2f} | {r['build_s']:.2f} | {r['single_per_s']:,.0f} "
            f"| {r['batch_per_s']:,.0f} | {r['tree_single_per_s']:,.0f} | {r['tree_batch_per_s']:,.0f} "
            f"| {r['rss_start']:.0f} | {r['rss_django']:.0f} | {r['rss_layout']:.0f} | {r['rss_index']:.0f} "
            f"| {s['buckets']:,} ({s['pure']:,}/{s['mixed']:,}/{s['empty']:,}) | {r['agree']} |"
        )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--grids", type=int, default=10_000, help="grid count of the larger layout")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--worker", type=float, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        print(json.dumps(worker(args.worker, args.repeat, args.points)))
        return
    results = [run_worker(scale, args.repeat, args.points) for scale in (1.0, args.grids / BASE_GRIDS)]
    print(table(results))
    for r in results:
        print(f"\n{r['grids']} grids: {r['inside_share']:.1%} of the random points fall in a grid")


if __name__ == "__main__":
    main()
