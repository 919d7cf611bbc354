"""Study completion as an office files it (党员学习完成情况台账): one sheet per branch of the
organisation's subtree, one of each member. Headers in the request's language."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from dangqun.orgs.models import PartyOrg
from dangqun.party.study_selectors import branch_completion, member_completion, required_courses, totals

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _header(sheet: Worksheet, title: str, header: list[str]) -> None:
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)


def export_completion(org: PartyOrg) -> bytes:
    rows = branch_completion(org)
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has its sheet
    sheet.title = _("各支部完成情况")
    _header(
        sheet,
        _("%(org)s 党员学习完成情况") % {"org": org.name},
        [
            _("序号"),
            _("党支部"),
            _("党员数"),
            _("必学课程"),
            _("应学人次"),
            _("已学完"),
            _("学习中"),
            _("完成率"),
        ],
    )
    for n, r in enumerate(rows, start=1):
        sheet.append([n, r.org.name, r.members, r.courses, r.expected, r.finished, r.studying, r.rate / 100])
        sheet.cell(row=sheet.max_row, column=8).number_format = "0.0%"
    total = totals(rows)
    sheet.append(
        ["", _("合计"), total["members"], "", total["expected"], total["finished"], "", total["rate"] / 100]
    )
    sheet.cell(row=sheet.max_row, column=8).number_format = "0.0%"
    people = book.create_sheet(_("党员学习明细"))
    _header(
        people,
        _("%(org)s 党员学习明细") % {"org": org.name},
        [
            _("序号"),
            _("党支部"),
            _("姓名"),
            _("必学课程"),
            _("已学完"),
            _("学习时长(分钟)"),
            _("测验得分"),
            _("测验满分"),
        ],
    )
    n = 0
    courses = required_courses(org)
    for branch in rows:
        for m in member_completion(branch.org, courses=courses):
            n += 1
            people.append(
                [n, branch.org.name, m.member.name, m.courses, m.finished, m.minutes, m.score, m.full_score]
            )
    for ws, widths in ((sheet, (6, 36, 10, 10, 10, 10, 10, 10)), (people, (6, 36, 12, 10, 10, 14, 10, 10))):
        for i, width in enumerate(widths):
            ws.column_dimensions[chr(ord("A") + i)].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
