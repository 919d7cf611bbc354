"""Writes to the registries that are not single-object edits: spreadsheet import, audited export.

The admin calls these, and the API can call them as they are: they take bytes and an actor and
return a plain report, with no request or form in sight. Each imported row is written through its
record's service (``RegistryResource.save_instance``), like an edit in the admin or the API.

``registry.resources`` is imported as a module (its names are read when called): the resources
call the record services, and this package imports this module, so a name-level import would be
a cycle when ``resources`` is loaded first.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, NamedTuple

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from import_export.results import Result, RowResult

from dangqun.core.audit import record_event
from dangqun.core.i18n import join_list
from dangqun.registry import resources as registry_resources
from dangqun.registry.events import RegistryEvent

if TYPE_CHECKING:
    from dangqun.registry.resources import RegistryResource

MAX_IMPORT_ROWS = 50_000
MAX_REPORTED_ERRORS = 1_000


class RowError(NamedTuple):
    """One problem in an import file. ``row_number`` is the spreadsheet row (the header is row 1,
    the first data row is row 2); 0 means the file as a whole. ``field`` is the column header."""

    row_number: int
    field: str
    message: str


@dataclass
class ImportReport:
    """What an import did, or would do (``dry_run``), and what is wrong with the file.

    When ``errors`` is not empty nothing was written, not even the good rows.
    """

    model: str
    file_name: str
    dry_run: bool
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def committed(self) -> bool:
        return self.ok and not self.dry_run

    def add_error(self, row_number: int, field_name: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(RowError(row_number, field_name, message))

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "file_name": self.file_name,
            "dry_run": self.dry_run,
            "committed": self.committed,
            "total_rows": self.total_rows,
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "error_count": self.error_count,
            "errors": [e._asdict() for e in self.errors],
        }


@dataclass
class _Table:
    headers: list[str]
    rows: list[list[Any]]
    row_numbers: list[int]  # spreadsheet row of each entry of ``rows``


class _RollbackError(Exception):
    """Raised inside the import transaction to undo it (dry run, or any row in error)."""


def _is_blank(values: list[Any]) -> bool:
    return all(registry_resources.cell_text(v) == "" for v in values)


def _decode_csv(file_bytes: bytes) -> str:
    # Excel on Chinese Windows saves CSV as GBK; everything else as UTF-8 (maybe with a BOM).
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return file_bytes.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("CSV 文件编码无法识别,请保存为 UTF-8 或 GBK 编码"), code="bad_encoding")


def _read_rows(file_bytes: bytes, file_name: str) -> list[list[Any]]:
    suffix = PurePath(file_name).suffix.lower()
    if suffix == ".xlsx":
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(file_bytes), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds on a damaged or non-xlsx file
            raise ValidationError(
                _("无法读取 Excel 文件,请确认是 .xlsx 格式且未损坏"), code="bad_file"
            ) from None
        try:
            sheet = book.worksheets[0]
            return [list(row) for row in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    if suffix == ".csv":
        text = _decode_csv(file_bytes)
        try:
            return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]
        except csv.Error:
            raise ValidationError(_("无法解析 CSV 文件"), code="bad_file") from None
    raise ValidationError(
        _("不支持的文件类型“%(suffix)s”,请上传 .xlsx 或 .csv 文件"),
        code="bad_file_type",
        params={"suffix": suffix or file_name},
    )


def _read_table(file_bytes: bytes, file_name: str) -> _Table:
    raw = _read_rows(file_bytes, file_name)
    if not raw or _is_blank(raw[0]):
        raise ValidationError(_("文件为空,或第1行不是表头"), code="no_header")
    headers = [registry_resources.cell_text(h) for h in raw[0]]
    while headers and headers[-1] == "":
        headers.pop()
    width = len(headers)
    duplicates = sorted({h for h in headers if h and headers.count(h) > 1})
    if duplicates:
        raise ValidationError(
            _("表头中有重复的列:%(cols)s"), code="duplicate_columns", params={"cols": join_list(duplicates)}
        )
    rows: list[list[Any]] = []
    numbers: list[int] = []
    for number, values in enumerate(raw[1:], start=2):
        cells = list(values[:width]) + [None] * (width - len(values))
        if _is_blank(cells):
            continue  # blank lines are not rows; the numbers of the others stay the spreadsheet's
        rows.append(cells)
        numbers.append(number)
    if len(rows) > MAX_IMPORT_ROWS:
        raise ValidationError(
            _("单个文件最多导入%(max)d行,本文件有%(n)d行"),
            code="too_many_rows",
            params={"max": MAX_IMPORT_ROWS, "n": len(rows)},
        )
    return _Table(headers=headers, rows=rows, row_numbers=numbers)


def _fill_report(report: ImportReport, result: Result, resource: RegistryResource) -> None:
    totals = result.totals
    report.created = totals.get(RowResult.IMPORT_TYPE_NEW, 0)
    report.updated = totals.get(RowResult.IMPORT_TYPE_UPDATE, 0)
    report.skipped = totals.get(RowResult.IMPORT_TYPE_SKIP, 0)
    for base_error in result.base_errors:
        report.add_error(0, "", _("导入失败:%(error)s") % {"error": base_error.error})
    for invalid in result.invalid_rows:
        row_number = resource.sheet_row(invalid.number)
        for attribute, messages in invalid.error_dict.items():
            name = (
                ""
                if attribute == NON_FIELD_ERRORS
                else registry_resources.column_label(resource.column_for(attribute))
            )
            for message in messages:
                report.add_error(row_number, name, str(message))
    for line, errors in result.row_errors():
        for error in errors:
            report.add_error(
                resource.sheet_row(line), "", _("该行无法保存:%(error)s") % {"error": error.error}
            )
    report.errors.sort(key=lambda e: e.row_number)


def import_registry_file(
    *, actor: Any, model_name: str, file_bytes: bytes, file_name: str, dry_run: bool
) -> ImportReport:
    """Import one xlsx/csv file into a registry, all rows or none. The header may name the columns
    in any interface language (the Chinese of districts' files, or an English export).

    ``model_name`` is a model label or name: ``registry.resident``/``resident``, ``building``,
    ``household``, ``business``, ``institution``, ``facility``, ``party.partymember``.
    Returns the report; rows in error are listed with their spreadsheet row number, column and
    reason, and then nothing is written. A file that cannot be read at all (wrong type, bad
    encoding, no header, too many rows) raises ``ValidationError``. A successful import that is
    not a dry run writes one ``registry.import_completed`` audit event.
    """
    resource_class = registry_resources.get_import_resource(model_name)
    table = _read_table(file_bytes, file_name)
    resource = resource_class(user=actor)
    report = ImportReport(
        model=resource_class.model_label(),
        file_name=file_name,
        dry_run=dry_run,
        total_rows=len(table.rows),
    )
    headers = resource.source_headers(table.headers)
    duplicates = sorted({registry_resources.column_label(h) for h in headers if h and headers.count(h) > 1})
    if duplicates:
        raise ValidationError(
            _("表头中有重复的列:%(cols)s"), code="duplicate_columns", params={"cols": join_list(duplicates)}
        )
    for missing in map(registry_resources.column_label, resource.missing_columns(headers)):
        report.add_error(1, missing, _("缺少必填列“%(missing)s”") % {"missing": missing})
    for unknown in resource.unknown_columns(headers):
        report.add_error(1, unknown, _("无法识别的列“%(unknown)s”") % {"unknown": unknown})
    if not report.ok:
        return report
    if not table.rows:
        report.add_error(0, "", _("文件中没有数据行"))
        return report

    dataset = tablib.Dataset(*table.rows, headers=headers)
    resource.sheet_row_numbers = table.row_numbers
    try:
        with transaction.atomic():
            result = resource.import_data(
                dataset,
                dry_run=dry_run,
                raise_errors=False,
                use_transactions=True,
                collect_failed_rows=False,
                rollback_on_validation_errors=True,
            )
            _fill_report(report, result, resource)
            if dry_run or not report.ok:
                raise _RollbackError
            record_event(
                actor=actor,
                event_type=RegistryEvent.IMPORT_COMPLETED,
                data={
                    "model": report.model,
                    "file_name": file_name,
                    "rows": report.total_rows,
                    "created": report.created,
                    "updated": report.updated,
                },
            )
    except _RollbackError:
        pass
    return report


def export_registry(
    *,
    actor: Any,
    model_name: str,
    queryset: QuerySet[Any] | None = None,
    export_fields: list[str] | None = None,
) -> tablib.Dataset:
    """The rows of ``queryset`` (default: all) as a dataset with the import's columns, headed in the
    reader's language (the import takes the headers of every interface language). ID numbers
    and phone numbers are masked unless ``actor`` holds ``registry.view_resident_pii``. Records
    a ``registry.export_completed`` audit event (who exported how many rows, masked or not)."""
    resource_class = registry_resources.get_import_resource(model_name)
    resource = resource_class(user=actor)
    dataset = resource.export(queryset=queryset, export_fields=export_fields)
    dataset.headers = [registry_resources.column_label(h) for h in dataset.headers]  # the reader's language
    with transaction.atomic():
        record_event(
            actor=actor,
            event_type=RegistryEvent.EXPORT_COMPLETED,
            data={"model": resource_class.model_label(), "rows": len(dataset), "unmasked": resource.show_pii},
        )
    return dataset
