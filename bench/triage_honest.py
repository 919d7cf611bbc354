"""An honest score for the triage classifier on the contest's 495 labelled messages: repeated,
grouped cross-validation with its noise, and a time-ordered check (train on the earliest 70 %, score
the latest 30 %, with a bootstrap spread) — for the shipped configuration and simpler ones, in one run.
The rule it serves (issue 23): a change ships only when it wins on the time-ordered check by more than
that check's noise; otherwise the simpler model stays. The shared data stays outside the repository.

    .venv/bin/python bench/triage_honest.py [--data ../shared/data/taidi2020] [--repeats 3]

Prints one JSON line per configuration. Single-threaded (BLAS pinned to one thread).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

from dangqun.triage.csvio import read_messages, read_taxonomy  # noqa: E402
from dangqun.triage.evaluate import cross_validate, time_ordered  # noqa: E402
from dangqun.triage.hotspots_io import parse_time  # noqa: E402
from dangqun.triage.learn import Params  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "taidi2020"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CONFIGS = {
    "shipped": Params(),
    # one character block of the whole message, no title blocks, the taxonomy counted once
    "simple": Params(title_chars=0.0, title_words=0.0, taxonomy_weight=1.0),
    "simple-strong-reg": Params(c=0.1, title_chars=0.0, title_words=0.0, taxonomy_weight=1.0),
}


def _labelled_oldest_first(path: Path) -> list[tuple[str, str, str]]:
    rows = read_messages(path, labelled=True)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        times = [parse_time(r["留言时间"]) or EPOCH for r in csv.DictReader(fh)]
    if len(times) != len(rows):
        raise SystemExit(f"{path}: {len(rows)} messages but {len(times)} times")
    order = sorted(range(len(rows)), key=lambda i: times[i])
    return [rows[i] for i in order]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--configs", nargs="*", default=list(CONFIGS))
    parser.add_argument("--unlabeled", nargs="*", default=["messages_unlabeled_2801.csv"])
    args = parser.parse_args()
    labelled = _labelled_oldest_first(args.data / "messages_labeled_495.csv")
    unlabelled = [(t, x) for u in args.unlabeled for t, x, _ in read_messages(args.data / u, labelled=False)]
    taxonomy = read_taxonomy(args.data / "taxonomy_3level.csv")
    for name in args.configs:
        params = CONFIGS[name]
        started = time.process_time()
        later = time_ordered(labelled, unlabelled, taxonomy, params=params) or {}
        cv = cross_validate(
            labelled, unlabelled, taxonomy, folds=args.folds, params=params, repeats=args.repeats
        )
        print(
            json.dumps(
                {
                    "config": name,
                    "params": asdict(params),
                    **later,
                    **{k: v for k, v in (cv or {}).items() if k != "cv_macro_f1_folds"},
                    "cpu_seconds": round(time.process_time() - started, 1),
                },
                ensure_ascii=False,
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
