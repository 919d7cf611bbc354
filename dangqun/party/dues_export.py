"""The dues ledger as the office files it (党费收缴台账): one sheet of members × months for a year,
one of the per-branch summary for a month. Headers in the request's language."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from dangqun.orgs.models import PartyOrg
from dangqun.party.dues import dues_ledger, dues_summary

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_dues(org: PartyOrg, year: int, month: dt.date) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has its sheet
    sheet.title = _("党费收缴台账")
    sheet.append([_("%(org)s %(year)s年度党费收缴台账") % {"org": org.name, "year": year}])
    sheet["A1"].font = Font(bold=True, size=14)
    header = [
        _("序号"), _("姓名"), _("所在党组织"), _("类别"), _("月收入(税后)"), _("缴纳比例"), _("月应缴"),
        *[_("%(m)s月") % {"m": m} for m in range(1, 13)],
        _("已缴合计"), _("欠缴月数"), _("欠缴金额"), _("连续6个月未缴"),
    ]  # fmt: skip
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for number, row in enumerate(dues_ledger(org, year, limit=200_000, with_amounts=True), start=1):
        base = row.base
        sheet.append(
            [
                number,
                row.member.name,
                row.member.party_org.name,
                base.category_label if base else "",
                float(base.monthly_income) if base and base.monthly_income is not None else None,
                f"{base.rate * 100:.1f}%" if base and base.rate is not None else "",
                float(row.monthly_amount),
                *[float(row.amounts[m]) if m in row.amounts else None for m in range(1, 13)],
                float(row.paid_total),
                len(row.arrears),
                float(row.arrears_amount),
                _("是") if row.six_months_unpaid else "",
            ]
        )
    sheet.freeze_panes = "C3"
    summary = book.create_sheet(_("月度收缴汇总"))
    summary.append([_("%(org)s %(month)s党费收缴汇总") % {"org": org.name, "month": month.strftime("%Y-%m")}])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([_("党支部"), _("党员数"), _("应缴金额"), _("已缴人数"), _("实缴金额"), _("上缴金额")])
    for cell in summary[2]:
        cell.font = Font(bold=True)
    members = paid_members = 0
    expected = collected = Decimal(0)
    for s in dues_summary(org, month):
        summary.append(
            [s.org.name, s.members, float(s.expected), s.paid_members, float(s.collected), float(s.collected)]
        )
        members, paid_members = members + s.members, paid_members + s.paid_members
        expected, collected = expected + s.expected, collected + s.collected
    summary.append([_("合计"), members, float(expected), paid_members, float(collected), float(collected)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
