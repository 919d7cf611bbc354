"""``python manage.py reply_quality --input FILE.csv [--json]``

Scores every reply in FILE (``triage.replies.score_reply``: relevance, completeness, explainability,
timeliness, total). Columns: the contest's 留言编号, 留言主题, 留言时间, 留言详情, 答复意见, 答复时间
or ``id,title,text,time,reply,reply_time`` (extra columns ignored; times optional). Times without a
zone are read in ``settings.TIME_ZONE``.

Without ``--json`` it prints one JSON line, the summary: the distribution of each score (mean,
percentiles, a ten-bin histogram over [0, 1]) and the ids of the three best and three worst replies.
With ``--json`` one JSON object per line per reply, then a summary line ``{"summary": …}``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dangqun.triage.csvio import CsvError
from dangqun.triage.csvio import _decode as decode_file
from dangqun.triage.replies import score_reply

COLUMNS = {
    "id": ("id", "留言编号"),
    "title": ("title", "留言主题"),
    "text": ("text", "留言详情"),
    "time": ("time", "留言时间"),
    "reply": ("reply", "答复意见"),
    "reply_time": ("reply_time", "答复时间"),
}
REQUIRED = ("reply",)
TIME_FORMATS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d",
    "%Y-%m-%d",
)
SCORES = ("relevance", "completeness", "explainability", "timeliness", "total")


def parse_time(value: str) -> dt.datetime | None:
    """A naive or ISO time read in the current time zone; ``None`` when empty or unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    parsed: dt.datetime | None = None
    for fmt in TIME_FORMATS:
        try:
            parsed = dt.datetime.strptime(value, fmt)  # noqa: DTZ007 - made aware below
            break
        except ValueError:
            continue
    if parsed is None:
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def read_replies(path: str | Path) -> list[dict[str, str]]:
    path = Path(path)
    rows = list(csv.reader(io.StringIO(decode_file(path), newline="")))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise CsvError(path, "文件为空或没有表头")
    header = [h.strip().lower() for h in rows[0]]
    index: dict[str, int] = {}
    for name, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in header:
                index[name] = header.index(alias)
                break
    missing = [n for n in REQUIRED if n not in index]
    if "title" not in index and "text" not in index:
        missing.append("title/text")
    if missing:
        raise CsvError(path, f"缺少列 {', '.join(missing)}(表头为:{', '.join(rows[0])})")
    out = []
    for line_no, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        record = {name: (row[i].strip() if i < len(row) else "") for name, i in index.items()}
        record.setdefault("id", str(line_no))
        out.append(record)
    if not out:
        raise CsvError(path, "没有数据行")
    return out


def _summary(results: list[dict[str, Any]]) -> dict[str, Any]:
    summary: dict[str, Any] = {"n": len(results)}
    for name in SCORES:
        values = np.array([r[name] for r in results if r[name] is not None], dtype=float)
        if not len(values):
            summary[name] = None
            continue
        q = np.percentile(values, [10, 25, 50, 75, 90])
        summary[name] = {
            "n": len(values),
            "mean": round(float(values.mean()), 3),
            "p10": round(float(q[0]), 3),
            "p25": round(float(q[1]), 3),
            "median": round(float(q[2]), 3),
            "p75": round(float(q[3]), 3),
            "p90": round(float(q[4]), 3),
            "histogram": np.histogram(values, bins=10, range=(0, 1))[0].tolist(),
        }
    days = [r["working_days"] for r in results if r["working_days"] is not None]
    summary["working_days_median"] = round(float(np.median(days)), 2) if days else None
    ranked = sorted(results, key=lambda r: r["total"])
    summary["worst"] = [r["id"] for r in ranked[:3]]
    summary["best"] = [r["id"] for r in ranked[::-1][:3]]
    return summary


class Command(BaseCommand):
    help = "答复评价:对 CSV 中每条答复计算相关性、完整性、可解释性、及时性和总分。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, metavar="FILE.csv", help="留言与答复 CSV")
        parser.add_argument("--json", action="store_true", help="每条答复一行 JSON,最后一行为汇总")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            records = read_replies(options["input"])
        except CsvError as exc:
            raise CommandError(str(exc)) from None
        results = []
        for record in records:
            scored = score_reply(
                record.get("title", ""),
                record.get("text", ""),
                record.get("reply", ""),
                parse_time(record.get("time", "")),
                parse_time(record.get("reply_time", "")),
            )
            results.append({"id": record["id"], **scored.as_dict()})
        summary = _summary(results)
        if options["json"]:
            for result in results:
                self.stdout.write(json.dumps(result, ensure_ascii=False))
            self.stdout.write(json.dumps({"summary": summary}, ensure_ascii=False))
            return
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
