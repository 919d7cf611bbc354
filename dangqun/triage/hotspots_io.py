"""Files of the ``hotspots`` command: the message CSV in, the contest's two Excel tables out.

CSV columns ``id,user,title,text,time[,likes,dislikes]`` or the contest's Chinese headers (留言编号,
留言用户, 留言主题, 留言详情, 留言时间, 点赞数, 反对数). The time column mixes ``2019/2/28 11:25:05`` and
``2019-02-28 11:25:05`` (seconds and time optional). Problems raise ``csvio.CsvError`` naming the file.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from dangqun.triage.csvio import CsvError, _decode
from dangqun.triage.hotspots import Hotspot, Message, normalise

COLUMNS = {
    "id": ("id", "留言编号"),
    "user": ("user", "留言用户"),
    "title": ("title", "留言主题"),
    "text": ("text", "留言详情"),
    "time": ("time", "留言时间"),
    "likes": ("likes", "点赞数"),
    "dislikes": ("dislikes", "反对数"),
}
REQUIRED = ("id", "user", "title", "text", "time")
_TIME = re.compile(
    r"^(\d{4})[/\-.年](\d{1,2})[/\-.月](\d{1,2})日?(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?$"
)
BOARD_TZ = ZoneInfo("Asia/Shanghai")  # the board's times are local
_FORMULA_START = ("=", "+", "-", "@")


def parse_time(raw: str) -> datetime | None:
    """``2019/2/28 11:25:05``, ``2019-02-28 11:25:05``, ``2019-02-28`` → datetime (China time); else None."""
    match = _TIME.match((raw or "").strip())
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=BOARD_TZ)
    except ValueError:
        return None


def _count(raw: str) -> int:
    raw = (raw or "").strip()
    try:
        return max(0, int(float(raw))) if raw else 0
    except ValueError:
        return -1


def read_hotspot_csv(path: str | Path) -> list[Message]:
    path = Path(path)
    rows = list(csv.reader(io.StringIO(_decode(path), newline="")))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise CsvError(path, "文件为空或没有表头")
    names = [h.strip().lower() for h in rows[0]]
    index: dict[str, int] = {}
    for key, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in names:
                index[key] = names.index(alias)
                break
    missing = [k for k in REQUIRED if k not in index]
    if missing:
        raise CsvError(path, f"缺少列 {', '.join(missing)}(表头为:{', '.join(rows[0])})")
    messages: list[Message] = []
    seen: set[str] = set()
    for line_no, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(key: str, row: list[str] = row) -> str:
            i = index.get(key)
            return row[i].strip() if i is not None and i < len(row) else ""

        ident = cell("id")
        if not ident:
            raise CsvError(path, f"第 {line_no} 行没有 id")
        if ident in seen:
            raise CsvError(path, f"第 {line_no} 行 id {ident} 重复")
        seen.add(ident)
        when = parse_time(cell("time"))
        if when is None:
            raise CsvError(path, f"第 {line_no} 行时间无法识别:{cell('time')!r}")
        likes, dislikes = _count(cell("likes")), _count(cell("dislikes"))
        if likes < 0 or dislikes < 0:
            raise CsvError(path, f"第 {line_no} 行点赞数/反对数不是整数")
        title, text = cell("title"), normalise(cell("text"))
        if not title and not text:
            raise CsvError(path, f"第 {line_no} 行 title 和 text 都为空")
        messages.append(
            Message(
                id=ident, user=cell("user"), title=title, text=text, time=when, likes=likes, dislikes=dislikes
            )
        )
    if not messages:
        raise CsvError(path, "没有数据行")
    return messages


def safe_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _stamp(when: datetime) -> str:
    return when.strftime("%Y/%m/%d %H:%M:%S")


def write_xlsx(path: str | Path, hotspots: Sequence[Hotspot]) -> None:
    """热点问题表 and 热点问题留言明细表, as the contest asked."""
    from openpyxl import Workbook

    book = Workbook()
    summary = book.create_sheet("热点问题表", 0)
    for sheet in list(book.worksheets):
        if sheet is not summary:
            book.remove(sheet)
    summary.title = "热点问题表"
    summary.append(["热度排名", "问题ID", "热度指数", "时间范围", "地点/人群", "问题描述"])
    details = book.create_sheet("热点问题留言明细表")
    details.append(["问题ID", "留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "点赞数", "反对数"])
    for hotspot in hotspots:
        span = f"{hotspot.start:%Y/%m/%d} 至 {hotspot.end:%Y/%m/%d}"
        row = [hotspot.rank, hotspot.rank, round(hotspot.heat, 2), span, hotspot.place, hotspot.summary]
        summary.append([safe_cell(v) for v in row])
        for m in hotspot.members:
            cells = [hotspot.rank, m.id, m.user, m.title, _stamp(m.time), m.text, m.likes, m.dislikes]
            details.append([safe_cell(v) for v in cells])
    book.save(str(path))
