"""An honest score for the triage classifier on the contest's 495 labelled messages: repeated,
grouped cross-validation with its noise, and a time-ordered check (train on the earliest 70 %, score
the latest 30 %, with a bootstrap spread) — for the shipped configuration and simpler ones, in one run.
Near-copies stay in one fold (``triage.near_copies``). The rule it serves (issue 23): a change ships
only when it wins on the time-ordered check by more than that check's noise; otherwise the simpler
model stays. So each configuration is also compared with ``--against`` (the simple model by default) on
the same later messages, with the paired bootstrap spread of the difference
(``evaluate.compare_time_ordered``). The shared data stays outside the repository.

    .venv/bin/python bench/triage_honest.py [--data ../shared/data/taidi2020] [--repeats 3] \
        [--configs shipped simple ...] [--against simple] [--no-cv]

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
from dangqun.triage.evaluate import compare_time_ordered, cross_validate, time_ordered  # noqa: E402
from dangqun.triage.hotspots_io import parse_time  # noqa: E402
from dangqun.triage.learn import Params  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "taidi2020"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
UNLABELLED = ("messages_unlabeled_2801.csv",)
EVERY_UNLABELLED = (*UNLABELLED, "messages_hotspot_4326.csv", "messages_replies_2816.csv")
# name: (the classifier's parameters, the unlabelled files it learns its IDF from)
CONFIGS = {
    "shipped": (Params(), UNLABELLED),
    # one character block of the whole message, no title blocks, the taxonomy counted once
    "simple": (Params(title_chars=0.0, title_words=0.0, taxonomy_weight=1.0), UNLABELLED),
    "simple-strong-reg": (Params(c=0.1, title_chars=0.0, title_words=0.0, taxonomy_weight=1.0), UNLABELLED),
    # the shipped blocks with stronger regularisation
    "shipped-strong-reg": (Params(c=0.1), UNLABELLED),
    # the shipped blocks without the title's jieba words (characters only: no word cutting at intake)
    "shipped-no-words": (Params(title_words=0.0), UNLABELLED),
    "no-words-strong-reg": (Params(c=0.1, title_words=0.0), UNLABELLED),
    # every unlabelled message of the board for the IDF (9,943 instead of 2,801)
    "shipped-every-unlabelled": (Params(), EVERY_UNLABELLED),
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
    parser.add_argument("--configs", nargs="*", default=["shipped", "simple"], choices=list(CONFIGS))
    parser.add_argument("--against", default="simple", choices=list(CONFIGS))
    parser.add_argument("--no-cv", action="store_true", help="only the time-ordered check and the comparison")
    args = parser.parse_args()
    labelled = _labelled_oldest_first(args.data / "messages_labeled_495.csv")
    taxonomy = read_taxonomy(args.data / "taxonomy_3level.csv")
    files: dict[str, list[tuple[str, str]]] = {}

    def unlabelled_of(names: tuple[str, ...]) -> list[tuple[str, str]]:
        for name in names:
            if name not in files:
                files[name] = [(t, x) for t, x, _ in read_messages(args.data / name, labelled=False)]
        return [row for name in names for row in files[name]]

    base_params, base_files = CONFIGS[args.against]
    for name in args.configs:
        params, names = CONFIGS[name]
        unlabelled = unlabelled_of(names)
        started = time.process_time()
        later = time_ordered(labelled, unlabelled, taxonomy, params=params) or {}
        cv = None
        if not args.no_cv:
            cv = cross_validate(
                labelled, unlabelled, taxonomy, folds=args.folds, params=params, repeats=args.repeats
            )
        versus = {}
        if name != args.against:
            versus = (
                compare_time_ordered(
                    labelled,
                    unlabelled,
                    taxonomy,
                    candidate=params,
                    baseline=base_params,
                    baseline_unlabelled=unlabelled_of(base_files),
                )
                or {}
            )
        print(
            json.dumps(
                {
                    "config": name,
                    "params": asdict(params),
                    "unlabelled_files": list(names),
                    "against": args.against if versus else None,
                    **{f"vs_{k}": v for k, v in versus.items()},
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
