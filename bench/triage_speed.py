"""Speed and size of the triage classifier on the contest data (outside the repository):
training seconds (495 labelled + unlabelled + taxonomy), the pickled model's size, the memory the
loaded model adds to a fresh process, batch predictions per second and single-message latency (the
intake path) on one core, and the time of one 100,000-character paste.

    .venv/bin/python bench/triage_speed.py [--data ../shared/data/taidi2020] [--unlabeled U.csv ...] \
        [--baseline REV]

``--baseline REV`` also loads ``dangqun/triage/learn.py`` as it was at git revision REV, trains its
model on the same data, and times both prediction paths in the same process, alternating, so that the
ratio holds on a loaded machine; it reports how often both give the same label.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.git_revision import module_at  # noqa: E402
from dangqun.triage.csvio import read_messages, read_taxonomy  # noqa: E402
from dangqun.triage.learn import Classifier, train  # noqa: E402
from dangqun.triage.text import clean, prepare  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "taidi2020"

# Run in a fresh interpreter: resident memory before and after loading the model and predicting once.
_MEMORY_PROBE = """
import pickle, re, sys
def rss():
    return int(re.search(r"VmRSS:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) / 1024
sys.path.insert(0, sys.argv[2])
import numpy, scipy.sparse, sklearn.svm, sklearn.feature_extraction.text  # the libraries any process has
from dangqun.triage import learn
before = rss()
model = pickle.loads(open(sys.argv[1], "rb").read())
model.top("小区暖气不热", "室温只有十二度")
print(round(rss() - before, 1))
"""


def _baseline(rev: str, labelled: Any, pool: Any, taxonomy: Any) -> Any:
    """The model that the classifier code of git revision ``rev`` trains on the same data."""
    module = module_at(rev, "dangqun/triage/learn.py", "triage_learn_baseline")
    return module.train(labelled, pool, taxonomy)


def _cpu_ms_per_call(model: Any, pool: list[tuple[str, str]]) -> float:
    started = time.process_time()
    for title, text in pool:
        model.top(title, text)
    return (time.process_time() - started) * 1000 / len(pool)


def _compare(rev: str, model: Classifier, data: tuple[Any, Any, Any]) -> dict[str, Any]:
    """Single-message CPU ms and batch messages per CPU second, old and new code, alternating."""
    labelled, pool, taxonomy = data
    old = _baseline(rev, labelled, pool, taxonomy)
    docs = [prepare(t, x) for t, x in pool]
    # Code from before feature blocks (no ``Classifier.layout``) reads cleaned strings.
    inputs = {"old": docs if hasattr(old, "layout") else [clean(t, x) for t, x in pool], "new": docs}
    singles: dict[str, list[float]] = {"old": [], "new": []}
    batches: dict[str, list[float]] = {"old": [], "new": []}
    for candidate in (old, model):  # warm-up
        _cpu_ms_per_call(candidate, pool[:200])
    for _ in range(3):
        for name, candidate in (("old", old), ("new", model)):
            singles[name].append(_cpu_ms_per_call(candidate, pool[:2000]))
            started = time.process_time()
            candidate.scores(inputs[name])
            batches[name].append(len(pool) / (time.process_time() - started))
    agree = float(
        (old.scores(inputs["old"]).argmax(axis=1) == model.scores(inputs["new"]).argmax(axis=1)).mean()
    )
    single = {k: statistics.median(v) for k, v in singles.items()}
    batch = {k: statistics.median(v) for k, v in batches.items()}
    return {
        "baseline": rev,
        "single_cpu_ms_old": round(single["old"], 3),
        "single_cpu_ms_new": round(single["new"], 3),
        "single_ratio_new_over_old": round(single["new"] / single["old"], 3),
        "batch_per_cpu_second_old": round(batch["old"], 1),
        "batch_per_cpu_second_new": round(batch["new"], 1),
        "batch_ratio_new_over_old": round(batch["new"] / batch["old"], 3),
        "same_label_share": round(agree, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--unlabeled",
        nargs="*",
        default=["messages_unlabeled_2801.csv", "messages_hotspot_4326.csv", "messages_replies_2816.csv"],
    )
    parser.add_argument("--baseline", metavar="REV", help="also time learn.py of this git revision")
    args = parser.parse_args()
    labelled = read_messages(args.data / "messages_labeled_495.csv", labelled=True)
    pool = [(t, x) for name in args.unlabeled for t, x, _ in read_messages(args.data / name, labelled=False)]
    taxonomy = read_taxonomy(args.data / "taxonomy_3level.csv")  # the whole taxonomy, as triage_eval
    started = time.perf_counter()
    model = train(labelled, pool, taxonomy)
    train_seconds = time.perf_counter() - started
    blob = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)

    cleaned = [prepare(t, x) for t, x in pool]
    model.scores(cleaned[:50])  # warm up
    started, cpu_started = time.perf_counter(), time.process_time()
    model.scores(cleaned)
    batch_per_second = len(cleaned) / (time.perf_counter() - started)
    # CPU seconds of this process: what one core does, whatever else the shared machine runs.
    batch_per_cpu_second = len(cleaned) / (time.process_time() - cpu_started)

    latencies, cpu_latencies = [], []
    for title, text in pool[:2000]:
        t0, c0 = time.perf_counter(), time.process_time()
        model.top(title, text)
        latencies.append((time.perf_counter() - t0) * 1000)
        cpu_latencies.append((time.process_time() - c0) * 1000)
    latencies.sort()
    # A 100,000-character paste: cut to text.MAX_CHARS before features, so it costs a normal message.
    paste = ("楼下烧烤油烟扰民" * 12_500)[:100_000]
    paste_ms = []
    for _ in range(20):
        t0 = time.perf_counter()
        model.top("投诉", paste)
        paste_ms.append((time.perf_counter() - t0) * 1000)

    with tempfile.NamedTemporaryFile(suffix=".pkl") as fh:
        fh.write(blob)
        fh.flush()
        probe = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", _MEMORY_PROBE, fh.name, str(ROOT)],
            capture_output=True,
            text=True,
            check=True,
        )
    comparison = _compare(args.baseline, model, (labelled, pool, taxonomy)) if args.baseline else {}
    print(
        json.dumps(
            {
                "load_average": os.getloadavg(),
                "train_seconds": round(train_seconds, 2),
                "n_labelled": len(labelled),
                "n_unlabelled": len(pool),
                "model_bytes": len(blob),
                "model_rss_mb": float(probe.stdout.strip().splitlines()[-1]),
                "batch_predict_per_second": round(batch_per_second, 1),
                "batch_predict_per_cpu_second": round(batch_per_cpu_second, 1),
                "single_message_cpu_ms_mean": round(statistics.fmean(cpu_latencies), 3),
                "single_message_ms_median": round(statistics.median(latencies), 3),
                "single_message_ms_p95": round(latencies[int(0.95 * len(latencies))], 3),
                "single_message_per_second": round(1000 / statistics.median(latencies), 1),
                "paste_100k_chars_ms_median": round(statistics.median(paste_ms), 3),
                **comparison,
            }
        )
    )


if __name__ == "__main__":
    main()
