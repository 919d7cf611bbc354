"""Duplicate (并单) suggestions on real messages: precision and recall of ``triage.duplicates`` against
a labelling rule that does not come from the method.

**The rule.** ``messages_replies_2816.csv`` holds the government's official reply to every message. The
replies are compared, never the messages: after dropping whitespace, dates and the greeting before 您好,
a reply with at least ``MIN_REPLY`` characters is *substantive*. Two messages whose substantive replies
overlap (at least ``SAME`` of the shorter reply's character 5-grams are in the other: the office sent
the same answer, perhaps with another opening) are a positive — the answering office treated them as
one matter. Two whose substantive replies share at most ``DIFFERENT`` of them are a negative. Anything
between, or a reply too short to say (留言已收悉), gives no label. Stock wording (5-grams found in more
than ``BOILERPLATE`` replies: 您的留言已收悉, 现将有关情况回复如下 …) is dropped before comparing, so a
template answer makes no pair; a reply left with fewer than 30 own 5-grams gives no label. Pairs
without a label are left out of precision. One problem answered twice by different offices in
different words counts as a negative here, so the precision below is a lower bound.

**The method** is the production code: ``duplicates.rank`` on unsaved ``Case`` objects, each message
compared with every other message submitted within the window (``--days``, production default 7) as its
candidate pool, scored from the newer message's side (as at intake). Board messages carry no grid or
point, so the place term is an assumption: ``--place none`` (0: text and time only) or ``--place
community`` (0.4: the production pool is one community, so every candidate shares at least that).

    .venv/bin/python bench/triage_duplicates.py [--data ../shared/data/taidi2020] [--days 7] \
        [--place none|community]

Prints one JSON line per score threshold and a summary line.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402

from dangqun.cases.enums import CaseStatus  # noqa: E402
from dangqun.cases.models import Case  # noqa: E402
from dangqun.triage import duplicates  # noqa: E402
from dangqun.triage.hotspots_io import parse_time  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "taidi2020"
MIN_REPLY = 60
SAME, DIFFERENT = 0.5, 0.1  # share of the shorter reply's 5-grams found in the other
BOILERPLATE = 10  # a 5-gram in more replies than this is stock wording, not the matter
PROD_MIN_TEXT = duplicates.MIN_TEXT  # kept: the floors are lifted below to see every pair's score
THRESHOLDS = (0.40, 0.45, 0.50, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80)
_SPACE = re.compile(r"\s+")
_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
_GREETING = re.compile(r"^.{0,30}?(?:您好|你好)[！!,，。:：]?")


def reply_key(reply: str) -> str | None:
    """The substantive part of a reply, or ``None`` when too little is left to mean anything."""
    text = _GREETING.sub("", _DATE.sub("", _SPACE.sub("", reply or "")))
    return text if len(text) >= MIN_REPLY else None


def _grams(text: str) -> set[str]:
    return {text[i : i + 5] for i in range(len(text) - 4)}


def overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def label(keys: list[str | None], grams: list[set[str]], a: int, b: int) -> bool | None:
    """True (one matter), False (separate matters) or None (no label) for messages ``a`` and ``b``."""
    if keys[a] is None or keys[b] is None:
        return None
    share = 1.0 if keys[a] == keys[b] else overlap(grams[a], grams[b])
    return True if share >= SAME else False if share <= DIFFERENT else None


def load(path: Path, place: str) -> tuple[list[Case], list[str | None]]:
    cases, keys = [], []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            when = parse_time(row["留言时间"])
            if when is None:
                continue
            cases.append(
                Case(
                    id=int(row["留言编号"]),
                    code=row["留言编号"],
                    title=row["留言主题"].strip(),
                    description=_SPACE.sub(" ", row["留言详情"]).strip(),
                    status=CaseStatus.SUBMITTED,
                    submitted_at=when,
                    region_path="/d/s/c/" if place == "community" else "",
                )
            )
            keys.append(reply_key(row["答复意见"]))
    return cases, keys


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--days", type=float, default=duplicates.DEFAULT_DAYS)
    parser.add_argument("--place", choices=("none", "community"), default="none")
    parser.add_argument("--min-text", type=float, default=PROD_MIN_TEXT, help="text floor to evaluate")
    args = parser.parse_args()
    cases, keys = load(args.data / "messages_replies_2816.csv", args.place)
    order = sorted(range(len(cases)), key=lambda i: (cases[i].submitted_at, cases[i].pk))
    cases = [cases[i] for i in order]
    keys = [keys[i] for i in order]
    grams = [_grams(k) if k is not None else set() for k in keys]
    holders: dict[str, list[int]] = defaultdict(list)  # 5-gram -> the replies holding it
    for i, g in enumerate(grams):
        for gram in g:
            holders[gram].append(i)
    # Boilerplate (the office's stock sentences, in more than BOILERPLATE replies) says nothing about
    # the matter: only the rest of a reply is compared, and a reply with nothing else left has no label.
    grams = [{x for x in g if len(holders[x]) <= BOILERPLATE} for g in grams]
    keys = [k if len(g) >= MIN_REPLY // 2 else None for k, g in zip(keys, grams, strict=True)]
    near = {(a, b) for ids in holders.values() if len(ids) <= BOILERPLATE for a in ids for b in ids if a < b}
    positives = {p for p in near if label(keys, grams, *p)}
    window = timedelta(days=args.days)
    in_window = {(a, b) for a, b in positives if cases[b].submitted_at - cases[a].submitted_at <= window}
    # Every pair the production scorer would rank, with its components (the floors lifted to see all).
    duplicates.MIN_TEXT, duplicates.MIN_SCORE = 0.0, 0.0
    settings.DANGQUN = {**settings.DANGQUN, "TRIAGE_DUPLICATE_DAYS": str(args.days)}
    started = time.perf_counter()
    scored: dict[tuple[int, int], tuple[float, float]] = {}
    index = {c.pk: i for i, c in enumerate(cases)}
    low = 0
    for b, case in enumerate(cases):
        while cases[low].submitted_at < case.submitted_at - window:
            low += 1
        pool = [cases[a] for a in range(low, b)]  # older messages within the window
        for dup in duplicates.rank(case, pool, limit=len(pool) or 1):
            scored[(index[dup.case.pk], b)] = (dup.score, dup.text)
    seconds = time.perf_counter() - started
    rows = []
    for threshold in THRESHOLDS:
        flagged = {p for p, (s, t) in scored.items() if s >= threshold and t >= args.min_text}
        labelled = {p for p in flagged if label(keys, grams, *p) is not None}
        tp = len(flagged & positives)
        row = {
            "place": args.place,
            "days": args.days,
            "min_text": args.min_text,
            "threshold": threshold,
            "flagged_pairs": len(flagged),
            "flagged_labelled": len(labelled),
            "true_positives": tp,
            "precision_lower_bound": round(tp / len(labelled), 3) if labelled else None,
            "recall_in_window": round(len(flagged & in_window) / len(in_window), 3) if in_window else None,
            "recall_all": round(tp / len(positives), 3) if positives else None,
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
    print(
        json.dumps(
            {
                "messages": len(cases),
                "labelled_messages": sum(k is not None for k in keys),
                "positive_pairs": len(positives),
                "positive_pairs_in_window": len(in_window),
                "pairs_scored": len(scored),
                "seconds": round(seconds, 1),
                "missed_in_window_at_0.45": [
                    (cases[a].code, cases[b].code, round(scored.get((a, b), (0.0, 0.0))[1], 3))
                    for a, b in sorted(in_window)
                    if scored.get((a, b), (0.0, 0.0))[0] < 0.45
                    or scored.get((a, b), (0.0, 0.0))[1] < args.min_text
                ],
            }
        )
    )


if __name__ == "__main__":
    main()
