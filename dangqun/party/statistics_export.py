"""The 党内统计年报 as a workbook the office files: one sheet of the members' make-up and the year's
changes, one of the organisations (by kind, and the branches that must set up a 支部委员会 and have
none). Headers in the request's language."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from dangqun.party.statistics import AnnualStatistics, Row


def _section(sheet: Worksheet, title: str, rows: list[Row], total: int | None = None) -> None:
    sheet.append([])
    sheet.append([title])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    for row in rows:
        share = f"{row.count / total * 100:.1f}%" if total else ""
        sheet.append([row.label, row.count, share])


def export_statistics(stats: AnnualStatistics) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has its sheet
    sheet.title = _("党员情况")
    sheet.append([_("%(org)s %(year)s年党内统计年报") % {"org": stats.org.name, "year": stats.year}])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("统计截止日期"), stats.as_of.isoformat()])
    sheet.append([_("项目"), _("人数"), _("占比")])
    total = stats.total
    sheet.append([_("党员总数"), total])
    sheet.append([_("正式党员"), stats.full])
    sheet.append([_("预备党员"), stats.probationary])
    sheet.append([_("少数民族党员"), stats.minority])
    _section(sheet, _("性别"), stats.by_gender, total)
    _section(sheet, _("年龄"), stats.by_age, total)
    _section(sheet, _("学历"), stats.by_education, total)
    _section(sheet, _("民族"), stats.by_ethnicity, total)
    _section(sheet, _("职业"), stats.by_occupation, total)
    _section(sheet, _("党龄"), stats.by_standing, total)
    changes = [
        Row("developed", _("发展党员"), stats.developed),
        Row("in", _("转入"), stats.transferred_in),
        Row("out", _("转出"), stats.transferred_out),
        Row("died", _("死亡"), stats.died),
        Row("out_of_party", _("出党"), stats.out_of_party),
    ]
    _section(sheet, _("本年变动"), changes)
    _section(sheet, _("减少党员(按原因)"), stats.left_by_reason)
    sheet.column_dimensions["A"].width = 28
    orgs = book.create_sheet(_("党组织情况"))
    orgs.append([_("%(org)s %(year)s年党组织情况") % {"org": stats.org.name, "year": stats.year}])
    orgs["A1"].font = Font(bold=True, size=14)
    _section(orgs, _("党组织(按类型)"), stats.orgs_by_kind)
    orgs.append([])
    orgs.append([_("正式党员7人以上的党支部"), stats.committee_required])
    orgs.append([_("已设支部委员会"), stats.committee_set])
    orgs.append([_("应设未设支部委员会")])
    orgs.cell(row=orgs.max_row, column=1).font = Font(bold=True)
    for branch in stats.committee_missing:
        orgs.append([branch.name, branch.code])
    orgs.column_dimensions["A"].width = 40
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
