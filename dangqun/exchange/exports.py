"""Excel exports: a case list with the list page's filters, and the KPI report by street, department
and category. Every cell that a spreadsheet would read as a formula (starting with = + - @, or a tab or
carriage return before one) is written as text with a leading apostrophe."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from dangqun.analytics.kpis import KpiFigures, KpiReport, case_kpis
from dangqun.cases.models import Case
from dangqun.cases.permissions import visible_cases_q
from dangqun.cases.selectors import CaseFilters, cases_for
from dangqun.cases.selectors_search import CaseSearch, search_cases
from dangqun.core.audit import record_event
from dangqun.exchange.events import ExchangeEvent

MAX_EXPORT_ROWS = 100_000
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

CASE_COLUMNS = [
    gettext_lazy("诉求编号"),
    gettext_lazy("标题"),
    gettext_lazy("状态"),
    gettext_lazy("诉求类型"),
    gettext_lazy("分类"),
    gettext_lazy("来源渠道"),
    gettext_lazy("所在区域"),
    gettext_lazy("地址"),
    gettext_lazy("主办部门"),
    gettext_lazy("登记时间"),
    gettext_lazy("办结时限"),
    gettext_lazy("办结时间"),
    gettext_lazy("按时办结"),
    gettext_lazy("满意度"),
    gettext_lazy("来源系统单号"),
]
KPI_COLUMNS = [
    gettext_lazy("名称"),
    gettext_lazy("受理"),
    gettext_lazy("办结"),
    gettext_lazy("办结率"),
    gettext_lazy("按时办结"),
    gettext_lazy("按时办结率"),
    gettext_lazy("满意率"),
    gettext_lazy("登记"),
]
KPI_SHEETS = [
    ("street", gettext_lazy("按街道")),
    ("department", gettext_lazy("按部门")),
    ("category", gettext_lazy("按分类")),
]


def safe(value: Any) -> Any:
    """A value safe to put in a cell: text that would start a formula gets a leading apostrophe."""
    if isinstance(value, str):
        stripped = value.lstrip(" ")
        if value.startswith(DANGEROUS_START) or stripped.startswith(DANGEROUS_START):
            return "'" + value
        # Control characters other than newline are not allowed in XML.
        return "".join(ch for ch in value if ch >= " " or ch == "\n")
    return value


def _local(value: dt.datetime | None) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def _case_row(case: Case) -> list[Any]:
    on_time = "" if case.resolved_on_time is None else (_("是") if case.resolved_on_time else _("否"))
    return [
        case.code,
        case.title,
        case.get_status_display(),
        case.get_case_type_display(),
        case.category.name if case.category else "",
        case.get_channel_display(),
        case.region.name,
        case.address,
        case.lead_department.name if case.lead_department else "",
        _local(case.submitted_at),
        _local(case.resolve_due_at),
        _local(case.resolved_at),
        on_time,
        case.get_satisfaction_display() if case.satisfaction else "",
        case.source_ref,
    ]


def _header(sheet: Any, names: Sequence[str | Promise]) -> None:
    cells = []
    for name in names:
        cell = WriteOnlyCell(sheet, value=str(name))  # the reader's language
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)


def export_cases(*, actor: Any, filters: CaseFilters) -> bytes:
    """The cases ``actor`` may see with ``filters``, newest first, at most MAX_EXPORT_ROWS."""
    used = {k: str(v) for k, v in filters.__dict__.items() if v}
    return _case_workbook(actor=actor, qs=cases_for(actor, filters), used=used)


def _case_workbook(*, actor: Any, qs: QuerySet[Case], used: dict[str, str]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("诉求列表"))
    _header(sheet, CASE_COLUMNS)
    count = 0
    for case in qs[:MAX_EXPORT_ROWS].iterator(chunk_size=2000):
        sheet.append([safe(v) for v in _case_row(case)])
        count += 1
    record_event(actor=actor, event_type=ExchangeEvent.CASES_EXPORTED, data={"rows": count, "filters": used})
    return _bytes(workbook)


def _case_csv(*, actor: Any, qs: QuerySet[Case], used: dict[str, str]) -> bytes:
    """The same rows as the workbook, as UTF-8 CSV with a byte-order mark (Excel opens it in Chinese)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(name) for name in CASE_COLUMNS])
    count = 0
    for case in qs[:MAX_EXPORT_ROWS].iterator(chunk_size=2000):
        writer.writerow([safe(v) for v in _case_row(case)])
        count += 1
    record_event(
        actor=actor,
        event_type=ExchangeEvent.CASES_EXPORTED,
        data={"rows": count, "filters": used, "format": "csv"},
    )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


EXPORT_FORMATS = ("xlsx", "csv")


def export_case_search(*, actor: Any, search: CaseSearch, fmt: str) -> bytes:
    """The cases of a search (``cases.selectors_search``) in its order, as ``xlsx`` or ``csv``, at most
    MAX_EXPORT_ROWS; the export is recorded with its filters."""
    if fmt not in EXPORT_FORMATS:
        raise ValidationError({"format": _("未知导出格式:%(fmt)s(可选 xlsx、csv)") % {"fmt": fmt[:10]}})
    qs = search_cases(actor, search)
    if fmt == "csv":
        return _case_csv(actor=actor, qs=qs, used=search.used())
    return _case_workbook(actor=actor, qs=qs, used=search.used())


def _rate(value: float | None) -> str:
    return f"{value * 100:.1f}%" if value is not None else "—"


def _kpi_row(label: str | Promise, f: KpiFigures) -> list[Any]:
    return [
        str(label),
        f.accepted,
        f.resolved,
        _rate(f.resolution_rate),
        f.resolved_on_time,
        _rate(f.on_time_rate),
        _rate(f.satisfaction_rate),
        f.submitted,
    ]


def kpi_reports(
    *, actor: Any, start: dt.datetime | None, end: dt.datetime | None
) -> list[tuple[str, KpiReport]]:
    scope_q = visible_cases_q(actor)
    return [
        (str(title), case_kpis(scope_q=scope_q, start=start, end=end, group_by=group))
        for group, title in KPI_SHEETS
    ]


def export_kpis(*, actor: Any, start: dt.datetime | None, end: dt.datetime | None) -> bytes:
    """受理, 办结, 办结率, 按时办结率, 满意率 by street, department and category, one sheet each."""
    workbook = Workbook(write_only=True)
    period = _("%(start)s 至 %(end)s") % {
        "start": _local(start) or _("不限"),
        "end": _local(end) or _("不限"),
    }
    for title, report in kpi_reports(actor=actor, start=start, end=end):
        sheet = workbook.create_sheet(title)
        sheet.append(
            [safe(_("诉求办理考核报表(%(title)s) 统计区间:%(period)s") % {"title": title, "period": period})]
        )
        _header(sheet, KPI_COLUMNS)
        for group in report.groups:
            sheet.append([safe(v) for v in _kpi_row(group.label, group.figures)])
        sheet.append([safe(v) for v in _kpi_row(_("合计"), report.figures)])
    record_event(
        actor=actor,
        event_type=ExchangeEvent.KPIS_EXPORTED,
        data={"start": str(start or ""), "end": str(end or "")},
    )
    return _bytes(workbook)


def _bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
