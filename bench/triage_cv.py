"""5-fold cross-validation of the triage classifier through ``manage.py triage_eval`` (the stable
interface, the production code path), on the contest's 495 labelled messages, with the unlabelled
files and the taxonomy in every fold. The shared data stays outside the repository.

    .venv/bin/python bench/triage_cv.py [--data ../shared/data/taidi2020] [--folds 5] [--extra ARGS]

Prints one JSON line per fold and a summary line (mean macro-F1, accuracy, train seconds, predictions
per second). Single-threaded (BLAS pinned to one thread).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import tempfile
from contextlib import redirect_stdout
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

import numpy as np  # noqa: E402
from django.core.management import call_command  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from dangqun.triage.csvio import read_messages  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "taidi2020"


def _write(path: Path, rows: list[tuple[str, str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "title", "text", "label"])
        for i, (title, text, label) in enumerate(rows):
            writer.writerow([i, title, text, label])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--unlabeled", nargs="*", default=["messages_unlabeled_2801.csv"])
    parser.add_argument("--no-taxonomy", action="store_true")
    parser.add_argument("--self-training", type=int, default=0)
    parser.add_argument("--db-taxonomy", action="store_true", help="the database's category tree")
    args = parser.parse_args()
    rows = read_messages(args.data / "messages_labeled_495.csv", labelled=True)
    y = np.array([label for *_, label in rows])
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        splitter = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=0)
        for fold, (train_idx, test_idx) in enumerate(splitter.split(np.zeros(len(y)), y), start=1):
            train_csv, test_csv = Path(tmp) / "train.csv", Path(tmp) / "test.csv"
            _write(train_csv, [rows[i] for i in train_idx])
            _write(test_csv, [rows[i] for i in test_idx])
            command = ["--train", str(train_csv), "--test", str(test_csv)]
            if args.unlabeled:
                command += ["--unlabeled", *[str(args.data / u) for u in args.unlabeled]]
            if args.no_taxonomy:
                command += ["--no-taxonomy"]
            elif args.db_taxonomy:
                pass
            else:
                command += ["--taxonomy", str(args.data / "taxonomy_3level.csv")]
            command += ["--self-training", str(args.self_training)]
            out = io.StringIO()
            with redirect_stdout(out):
                call_command("triage_eval", *command, stdout=out)
            result = json.loads(out.getvalue().strip().splitlines()[-1])
            result["fold"] = fold
            results.append(result)
            print(json.dumps(result, ensure_ascii=False), flush=True)
    summary = {
        "folds": args.folds,
        "unlabeled": args.unlabeled,
        "taxonomy": not args.no_taxonomy,
        "self_training": args.self_training,
        "macro_f1_mean": round(float(np.mean([r["macro_f1"] for r in results])), 4),
        "macro_f1_folds": [r["macro_f1"] for r in results],
        "accuracy_mean": round(float(np.mean([r["accuracy"] for r in results])), 4),
        "train_seconds_median": float(np.median([r["train_seconds"] for r in results])),
        "predict_per_second_median": float(np.median([r["predict_per_second"] for r in results])),
        "confident": {
            t: {
                "share": round(float(np.mean([r["confident"][t]["share"] for r in results])), 4),
                "accuracy": round(float(np.mean([r["confident"][t]["accuracy"] or 0 for r in results])), 4),
            }
            for t in results[0]["confident"]
        },
    }
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
