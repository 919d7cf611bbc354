"""Address accuracy (issue 5, part 3): noisy addresses made from the demo district's registry
(``triage.address_noise``) resolved by the production matcher (``triage.address_index.resolve``).

Run on a seeded database (any scale), e.g.:

    DATABASE_URL=sqlite:////tmp/dq.sqlite3 .venv/bin/python bench/triage_address.py --n 2000

Prints one JSON line: how many addresses would place the case by themselves (confidence at or above the
threshold) and how many of those land in the right grid, top-1 grid accuracy whatever the confidence,
top-5 (the right grid among the candidates shown to the dispatcher), accuracy per kind of noise, and
the median time per address.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from dangqun.regions.models import Region  # noqa: E402
from dangqun.triage import address_index  # noqa: E402
from dangqun.triage.address_noise import make  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rows = make(args.n, seed=args.seed)
    codes = dict(Region.objects.values_list("pk", "code"))
    threshold = address_index.confidence_threshold()
    address_index.registry()  # build the index outside the timing
    placed = placed_right = top1 = top5 = 0
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    seconds = []
    for row in rows:
        start = time.perf_counter()
        result = address_index.resolve(row.text)
        seconds.append(time.perf_counter() - start)
        data = result.as_json()
        truth = codes[row.grid_id]
        right = data["grid"] == truth
        top1 += right
        top5 += any(c["grid"] == truth for c in data["candidates"])
        if result.best is not None and result.confidence >= threshold:
            placed += 1
            placed_right += right
        per_kind[row.kind][0] += right
        per_kind[row.kind][1] += 1
    n = len(rows) or 1
    print(
        json.dumps(
            {
                "n": len(rows),
                "threshold": threshold,
                "placed_share": round(placed / n, 3),
                "placed_precision": round(placed_right / placed, 3) if placed else None,
                "top1_grid_accuracy": round(top1 / n, 3),
                "top5_grid_recall": round(top5 / n, 3),
                "per_kind_top1": {k: round(v[0] / v[1], 3) for k, v in sorted(per_kind.items())},
                "median_ms": round(statistics.median(seconds) * 1000, 3) if seconds else None,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
