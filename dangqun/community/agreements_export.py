"""A region's co-building agreements as the office files them (联建共建协议台账): one sheet, one row
per agreement with its unit, 兼职委员, parties, commitments, term and state. Headers in the
request's language."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from dangqun.community.cobuilding_selectors import agreement_state, region_agreements
from dangqun.core import clock
from dangqun.regions.models import Region

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def state_labels() -> dict[str, str]:
    return {
        "active": _("生效中"),
        "renew_soon": _("待续签"),
        "renewed": _("已续签"),
        "expired": _("已到期"),
        "pending": _("未生效"),
    }


def export_agreements(user: object, region: Region) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has its sheet
    sheet.title = _("共建协议台账")
    sheet.append([_("%(region)s联建共建协议台账") % {"region": region.name}])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(
        [
            _("序号"), _("编号"), _("协议名称"), _("共建单位"), _("兼职委员"), _("协议各方"), _("共建承诺"),
            _("签订日期"), _("起始日期"), _("截止日期"), _("状态"),
        ]
    )  # fmt: skip
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    today = clock.local_today()
    labels = state_labels()
    rows = region_agreements(user, region).order_by("region__path", "unit_id", "starts_on")
    for number, a in enumerate(rows[:100_000], start=1):
        sheet.append(
            [
                number,
                a.code,
                a.title,
                a.unit.name,
                a.unit.member_name,
                a.parties,
                a.commitments,
                a.signed_on.isoformat(),
                a.starts_on.isoformat(),
                a.ends_on.isoformat(),
                labels[agreement_state(a, today, bool(a.renewed))],  # type: ignore[attr-defined]
            ]
        )
    sheet.freeze_panes = "C3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
