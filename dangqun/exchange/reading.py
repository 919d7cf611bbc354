"""Reading a hotline export (Excel .xlsx or CSV) as rows of ``{header: value}``.

Excel is read with openpyxl in read-only mode, formulas as written (never evaluated), with defusedxml
guarding its XML parsing. CSV is UTF-8 (with or without BOM) or GB18030, as Chinese systems export."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_COLUMNS = 200
MAX_ROWS = 200_000
# A huge cell is a row error (the field's length check), not a file the csv module refuses.
csv.field_size_limit(MAX_FILE_BYTES)


@dataclass(frozen=True)
class Sheet:
    headers: list[str]
    rows: Iterator[tuple[int, list[Any]]]  # (row number as the user sees it, values)
    total: int


def kind_of(name: str) -> str:
    lower = name.lower()
    if lower.endswith(".xlsx"):
        return "xlsx"
    if lower.endswith(".csv"):
        return "csv"
    raise ValidationError({"file": _("只支持 .xlsx 或 .csv 文件")})


def _header(values: list[Any]) -> list[str]:
    headers = [str(v).strip() if v is not None else "" for v in values[:MAX_COLUMNS]]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise ValidationError({"file": _("文件第一行应为表头,未找到表头")})
    return headers


def _xlsx(stream: IO[bytes]) -> Sheet:
    try:
        workbook = load_workbook(stream, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ValidationError(
            {"file": _("无法读取 Excel 文件:%(name)s") % {"name": type(exc).__name__}}
        ) from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        first = next(rows)
    except StopIteration:
        raise ValidationError({"file": _("文件是空的")}) from None
    headers = _header(list(first))
    total = max((sheet.max_row or 1) - 1, 0)

    def body() -> Iterator[tuple[int, list[Any]]]:
        for number, values in enumerate(rows, start=2):
            yield number, list(values[: len(headers)])
        workbook.close()

    return Sheet(headers, body(), total)


def _csv(data: bytes) -> Sheet:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError({"file": _("CSV 文件编码无法识别(应为 UTF-8 或 GBK)")})
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        headers = _header(next(reader))
    except StopIteration:
        raise ValidationError({"file": _("文件是空的")}) from None
    except csv.Error as exc:
        raise ValidationError({"file": _("CSV 格式错误:%(exc)s") % {"exc": exc}}) from None
    try:
        lines = list(reader)
    except csv.Error as exc:
        raise ValidationError(
            {"file": _("CSV 格式错误(第%(line_num)s行):%(exc)s") % {"line_num": reader.line_num, "exc": exc}}
        ) from None
    return Sheet(headers, ((n, row[: len(headers)]) for n, row in enumerate(lines, start=2)), len(lines))


def open_sheet(name: str, stream: IO[bytes]) -> Sheet:
    kind = kind_of(name)
    if kind == "xlsx":
        return _xlsx(stream)
    return _csv(stream.read(MAX_FILE_BYTES + 1))
