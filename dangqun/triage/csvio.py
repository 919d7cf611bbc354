"""Reading message CSVs for ``triage_eval`` and the benchmarks.

Columns ``id,title,text,label`` (unlabelled files: ``id,title,text``; extra columns ignored); the
contest's own Chinese headers (留言编号, 留言主题, 留言详情, 一级分类) are accepted too. Encodings tried
in order: UTF-8 (with or without BOM), GBK (GB18030). Problems raise ``CsvError`` naming the file.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

ENCODINGS = ("utf-8-sig", "gb18030")
ALIASES = {
    "id": ("id", "留言编号"),
    "title": ("title", "留言主题"),
    "text": ("text", "留言详情"),
    "label": ("label", "一级分类"),
}
MAX_BYTES = 200 * 1024 * 1024
csv.field_size_limit(16 * 1024 * 1024)


class CsvError(Exception):
    def __init__(self, path: str | Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")


def _decode(path: Path) -> str:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise CsvError(path, f"无法读取文件({exc.strerror})") from None
    if not path.is_file():
        raise CsvError(path, "不是文件")
    if size > MAX_BYTES:
        raise CsvError(path, f"文件过大({size} 字节,上限 {MAX_BYTES})")
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise CsvError(path, "不是文本 CSV(含二进制内容;Excel 文件请先另存为 CSV)")
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CsvError(path, "编码无法识别(支持 UTF-8、GBK)")


def _column(header: list[str], name: str) -> int | None:
    names = [h.strip().lower() for h in header]
    for alias in ALIASES[name]:
        if alias in names:
            return names.index(alias)
    return None


def read_messages(path: str | Path, *, labelled: bool) -> list[tuple[str, str, str]]:
    """(title, text, label) rows; label is "" for unlabelled files."""
    path = Path(path)
    content = _decode(path)
    rows = list(csv.reader(io.StringIO(content, newline="")))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise CsvError(path, "文件为空或没有表头")
    header = rows[0]
    wanted = ["title", "text", "label"] if labelled else ["title", "text"]
    index = {name: _column(header, name) for name in wanted}
    missing = [n for n, i in index.items() if i is None]
    if missing:
        raise CsvError(path, f"缺少列 {', '.join(missing)}(表头为:{', '.join(header)})")
    out: list[tuple[str, str, str]] = []
    for line_no, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(name: str, row: list[str] = row) -> str:
            i = index.get(name)
            return row[i].strip() if i is not None and i < len(row) else ""

        title, text = cell("title"), cell("text")
        label = cell("label") if labelled else ""
        if labelled and not label:
            raise CsvError(path, f"第 {line_no} 行没有 label")
        if not title and not text:
            raise CsvError(path, f"第 {line_no} 行 title 和 text 都为空")
        out.append((title, text, label))
    if not out:
        raise CsvError(path, "没有数据行")
    return out


def read_taxonomy(path: str | Path) -> dict[str, list[str]]:
    """First-level name → its second- and third-level names, from ``一级分类,二级分类,三级分类``
    (or ``level1,level2,level3``)."""
    path = Path(path)
    rows = list(csv.reader(io.StringIO(_decode(path), newline="")))
    if not rows:
        raise CsvError(path, "文件为空")
    header = [h.strip().lower() for h in rows[0]]
    for first in ("一级分类", "level1"):
        if first in header:
            break
    else:
        raise CsvError(path, f"缺少列 一级分类(表头为:{', '.join(rows[0])})")
    i = header.index(first)
    words: dict[str, list[str]] = {}
    for row in rows[1:]:
        if i < len(row) and row[i].strip():
            names = words.setdefault(row[i].strip(), [])
            for j, value in enumerate(row):
                if j != i and value.strip() and value.strip() not in names:
                    names.append(value.strip())
    if not words:
        raise CsvError(path, "没有分类行")
    return words
