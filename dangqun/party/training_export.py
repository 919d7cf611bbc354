"""Yearly training hours as an office files them (党员干部教育培训学时台账): each member or cadre of the
organisation's subtree with their hours in all and per training kind."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from dangqun.orgs.models import PartyOrg
from dangqun.party.study_models import TrainingKind
from dangqun.party.training_selectors import yearly_hours


def export_training_hours(org: PartyOrg, year: int) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has its sheet
    sheet.title = _("培训学时")
    sheet.append([_("%(org)s %(year)s年度党员干部培训学时") % {"org": org.name, "year": year}])
    sheet["A1"].font = Font(bold=True, size=14)
    kinds = list(TrainingKind)
    sheet.append(
        [_("序号"), _("姓名"), _("所在党组织"), _("参训课次"), _("总学时"), *[str(k.label) for k in kinds]]
    )
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for n, m in enumerate(yearly_hours(org, year, limit=200_000), start=1):
        sheet.append(
            [n, m.name, m.org_name, m.sessions, float(m.hours),
             *[float(m.by_kind.get(k.value, Decimal(0))) for k in kinds]]
        )  # fmt: skip
    for i, width in enumerate((6, 12, 36, 10, 10, 14, 10, 10, 10)):
        sheet.column_dimensions[chr(ord("A") + i)].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
