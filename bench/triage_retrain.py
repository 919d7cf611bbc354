"""Retraining time of the triage classifier on a big district's training set, without a database.

    nice -n 19 .venv/bin/python bench/triage_retrain.py [--rows 50000] [--scale 20] [--repeats 3] \
        [--baseline REV]

The training set is made with the demo's own case text (``dangqun/demo/case_topics.py``'s topics and
weights, filled by ``build_cases.Planner._text``, places as the registry names them: a compound and a
building number) and the demo's copy structure (``demo/case_copies.py``): at scale S the district has
``case_targets(S).submitted`` cases of which ``PLAYED_CASES_MAX`` are played and the rest are copies
of them with the original's wording and times, so the newest ``--rows`` confirmed cases (what
``dataset.training_data`` reads, ``MAX_LABELLED``) are about ``rows / copies`` played texts, each
``copies`` times. Labels are the topics' second-level categories of the built-in tree (``LEVEL``);
the unlabelled pool is the cases never accepted (``submitted - accepted``, at most
``MAX_UNLABELLED``), made the same way; the taxonomy words are each label's name, its parent + name
and the names below it.

``--baseline REV`` also trains with ``dangqun/triage/learn.py`` as it was at git revision REV, in the
same process, alternating with the current code (``--repeats`` times each, medians reported): the
current default ("new") and the current code with the baseline's feature set ("same": message
characters only, taxonomy weight 1), and compares the baseline's model with "same" on held-out
messages (same labels, idf, largest margin difference).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()  # the demo's modules import models; nothing here reads or writes a database

import numpy as np  # noqa: E402

from bench.git_revision import module_at  # noqa: E402
from dangqun.demo import names  # noqa: E402
from dangqun.demo.build_cases import Planner  # noqa: E402
from dangqun.demo.case_copies import PLAYED_CASES_MAX  # noqa: E402
from dangqun.demo.case_plan import Place, case_targets  # noqa: E402
from dangqun.demo.case_topics import TOPICS, Topic  # noqa: E402
from dangqun.triage import learn  # noqa: E402
from dangqun.triage.dataset import LEVEL, MAX_UNLABELLED  # noqa: E402
from dangqun.triage.text import clean, prepare  # noqa: E402

COMPOUNDS_AT_SCALE_1 = 164  # docs/benchmarks.md, "Demo seed": compounds of the scale-1 district


class Texts:
    """Played cases' (title, description, label), as the demo's planner writes them."""

    def __init__(self, scale: float, seed: int) -> None:
        self.rng = random.Random(seed)  # made-up messages
        compounds = names.UniqueNames()
        self.compounds = [
            compounds.draw(self.rng, names.compound_name) for _ in range(round(COMPOUNDS_AT_SCALE_1 * scale))
        ]

    def played(self) -> tuple[str, str, str]:
        r = self.rng
        month = r.randint(1, 12)
        weights = [0.0 if t.months and month not in t.months else t.weight for t in TOPICS]
        topic: Topic = r.choices(TOPICS, weights=weights)[0]
        place = Place(f"{r.choice(self.compounds)}{r.randint(1, 30)}号楼", "", (0.0, 0.0))
        title = Planner._text(None, r, r.choice(topic.titles), place)[:120]  # type: ignore[arg-type]
        description = Planner._text(None, r, r.choice(topic.details), place)  # type: ignore[arg-type]
        return title, description, topic.builtin[LEVEL - 1]


def taxonomy() -> dict[str, list[str]]:
    words: dict[str, list[str]] = defaultdict(list)
    for topic in TOPICS:
        label, parent = topic.builtin[LEVEL - 1], topic.builtin[LEVEL - 2]
        if not words[label]:
            words[label] += [label, f"{parent}{label}"]
        words[label] += list(topic.builtin[LEVEL:])
    return dict(words)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000, help="labelled rows (MAX_LABELLED)")
    parser.add_argument("--scale", type=float, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--baseline", metavar="REV", help="also train with learn.py of this git revision")
    args = parser.parse_args()

    targets = case_targets(args.scale)
    copies = max(1, round(targets.submitted / min(PLAYED_CASES_MAX, targets.submitted)))
    texts = Texts(args.scale, args.seed)
    labelled: list[tuple[str, str, str]] = []
    while len(labelled) < args.rows:
        labelled += [texts.played()] * copies
    labelled = labelled[: args.rows]
    n_pool = min(MAX_UNLABELLED, targets.submitted - targets.accepted)
    unlabelled: list[tuple[str, str]] = []
    while len(unlabelled) < n_pool:
        title, text, _ = texts.played()
        unlabelled += [(title, text)] * copies
    unlabelled = unlabelled[:n_pool]
    held_out = [(t, x) for t, x, _ in (texts.played() for _ in range(2000))]
    words = taxonomy()

    # "new": today's default; "same": today's code with the feature set of the baseline (the message's
    # characters only, taxonomy weight 1), which must learn the baseline's model.
    same_params = learn.Params(title_chars=0, title_words=0, taxonomy_weight=1.0)
    candidates: list[tuple[str, Any, Any]] = [("new", learn, None)]
    if args.baseline:
        candidates.insert(
            0, ("old", module_at(args.baseline, "dangqun/triage/learn.py", "triage_learn_old"), None)
        )
        candidates.insert(1, ("same", learn, same_params))
    seconds: dict[str, list[float]] = {name: [] for name, *_ in candidates}
    cpu: dict[str, list[float]] = {name: [] for name, *_ in candidates}
    models: dict[str, Any] = {}
    for _ in range(args.repeats):
        for name, module, params in candidates:
            started, cpu_started = time.perf_counter(), time.process_time()
            models[name] = module.train(labelled, unlabelled, words, *([params] if params else []))
            seconds[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - cpu_started)
    info = {k: v for k, v in models["new"].info.items() if k not in ("params", "train_seconds")}
    result: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "scale": args.scale,
        "copies_per_played_case": copies,
        "labels": len(models["new"].labels),
        **info,
        "distinct_raw_labelled": len(set(labelled)),
    }
    for name, runs in seconds.items():
        result[f"train_seconds_{name}"] = [round(s, 2) for s in runs]
        result[f"train_seconds_{name}_median"] = round(statistics.median(runs), 2)
        result[f"train_cpu_seconds_{name}_median"] = round(statistics.median(cpu[name]), 2)
    if "old" in models:
        old, new = models["old"], models["same"]
        old_margins = old.margins([clean(t, x) for t, x in held_out])
        new_margins = new.margins([prepare(t, x) for t, x in held_out])
        result |= {
            "speedup_median": round(
                result["train_seconds_old_median"] / result["train_seconds_same_median"], 1
            ),
            "same_labels": old.labels == new.labels,
            "same_idf": bool(np.array_equal(old.char_idf.idf_, new.layout()[0][1].idf_)),
            "held_out": len(held_out),
            "held_out_same_prediction": float(
                (old_margins.argmax(axis=1) == new_margins.argmax(axis=1)).mean()
            ),
            "held_out_max_margin_difference": float(np.abs(old_margins - new_margins).max()),
            "held_out_max_abs_margin": float(np.abs(old_margins).max()),
        }
    print(json.dumps(result, ensure_ascii=False))
    print(f"rows per played text: {args.rows / math.ceil(args.rows / copies):.1f}", file=sys.stderr)


if __name__ == "__main__":
    main()
