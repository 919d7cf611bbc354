"""``python manage.py triage_eval --train TRAIN.csv --test TEST.csv [--unlabeled U.csv ...]``

Trains the production classifier (``triage.learn.train``, the code path of the retraining job) on
TRAIN plus the unlabelled files and the taxonomy, predicts TEST, and prints one JSON line:
``{"macro_f1", "accuracy", "n_train", "n_test", "train_seconds", "predict_per_second", ...}``.

The taxonomy's words come from ``--taxonomy FILE.csv`` (一级分类,二级分类,三级分类) when given, else from
this database's category tree (every category at the level of the training labels, with everything
below it). The whole taxonomy is used, as in production: its classes that no training message has are
classes the model may still predict. Test labels are read only to score.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangqun.cases.models import Category
from dangqun.triage.csvio import CsvError, read_messages, read_taxonomy
from dangqun.triage.dataset import taxonomy_words
from dangqun.triage.evaluate import score
from dangqun.triage.learn import Params, train


def _db_taxonomy(labels: set[str]) -> dict[str, list[str]]:
    """Every active category at the level where the training labels are found (first level for the
    contest's labels), keyed by name: the whole taxonomy, not only the labels seen in training."""
    matches = Category.objects.filter(name__in=labels, is_active=True)
    level = min((c.level for c in matches), default=None)
    if level is None:
        return {}
    found: dict[str, Category] = {}
    for category in Category.objects.filter(level=level, is_active=True).order_by("path"):
        found.setdefault(category.name, category)
    words = taxonomy_words(found.values())
    return {name: words[c.code] for name, c in found.items()}


class Command(BaseCommand):
    help = "评估智能分拨分类器:在 TRAIN 上训练(可加未标注文件),在 TEST 上打分,输出一行 JSON。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--train", required=True, metavar="TRAIN.csv", help="列 id,title,text,label")
        parser.add_argument("--test", required=True, metavar="TEST.csv", help="列 id,title,text,label")
        parser.add_argument(
            "--unlabeled", nargs="+", default=[], metavar="U.csv", help="未标注留言,列 id,title,text"
        )
        parser.add_argument("--taxonomy", metavar="TAXONOMY.csv", help="分类体系 CSV(默认取本库的诉求分类)")
        parser.add_argument("--no-taxonomy", action="store_true", help="不使用分类体系的词")
        parser.add_argument("--self-training", type=int, default=0, metavar="N", help="自训练轮数(默认 0)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            train_rows = read_messages(options["train"], labelled=True)
            test_rows = read_messages(options["test"], labelled=True)
            unlabelled = [
                (t, x) for path in options["unlabeled"] for t, x, _ in read_messages(path, labelled=False)
            ]
            labels = {label for *_, label in train_rows}
            if len(labels) < 2:
                raise CsvError(options["train"], "训练集至少需要两个不同的 label")
            if options["no_taxonomy"]:
                taxonomy: dict[str, list[str]] = {}
            elif options["taxonomy"]:
                taxonomy = read_taxonomy(options["taxonomy"])
            else:
                taxonomy = _db_taxonomy(labels)
        except CsvError as exc:
            raise CommandError(str(exc)) from None
        started = time.perf_counter()
        classifier = train(
            train_rows, unlabelled, taxonomy, Params(self_training_rounds=options["self_training"])
        )
        train_seconds = time.perf_counter() - started
        result = score(classifier, test_rows)
        unknown = sorted({label for *_, label in test_rows} - labels)
        line = {
            "macro_f1": result["macro_f1"],
            "accuracy": result["accuracy"],
            "n_train": len(train_rows),
            "n_test": result["n_test"],
            "train_seconds": round(train_seconds, 3),
            "predict_per_second": result["predict_per_second"],
            "n_unlabeled": len(unlabelled),
            "taxonomy_classes": len(taxonomy),
            "test_labels_not_in_train": unknown,
            "confident": result["confident"],
        }
        self.stdout.write(json.dumps(line, ensure_ascii=False))
