"""The 结对帮扶台账 as the office files it: one sheet of the organisation's pairings (with their next
visit due and the overdue ones marked), one of the visits in a year. Headers in the request's language."""

from __future__ import annotations

import datetime as dt
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from dangqun.orgs.models import PartyOrg
from dangqun.partywork.models import Pairing, PairingVisit
from dangqun.partywork.pairing_selectors import is_overdue, next_due, org_pairings

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 100_000


def pairing_target(pairing: Pairing) -> str:
    """Who is helped, as the ledger names them: the household (head, building, room) or the member."""
    if pairing.household is not None:
        h = pairing.household
        return f"{h.head_name} · {h.building.name} {h.room}".strip(" ·")
    return pairing.hardship_member.name if pairing.hardship_member else ""


def _title(sheet: Worksheet, text: str, header: list[str]) -> None:
    sheet.append([text])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A3"


def export_pairings(org: PartyOrg, year: int, today: dt.date) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has its sheet
    sheet.title = _("结对帮扶台账")
    _title(
        sheet,
        _("%(org)s 结对帮扶台账") % {"org": org.name},
        [
            _("序号"), _("帮扶类型"), _("帮扶党组织"), _("帮扶党员"), _("帮扶对象"), _("结对日期"),
            _("走访周期(天)"), _("最近走访"), _("下次走访"), _("逾期"), _("状态"), _("走访次数"),
        ],
    )  # fmt: skip
    for n, p in enumerate(org_pairings(org)[:MAX_ROWS], start=1):
        sheet.append(
            [
                n, p.get_kind_display(), p.org.name, p.member.name if p.member else "", pairing_target(p),
                p.started_on, p.every_days, p.last_visit_on, next_due(p),
                _("是") if is_overdue(p, today) else "", p.get_status_display(), getattr(p, "visit_count", 0),
            ]
        )  # fmt: skip
    visits = book.create_sheet(_("帮扶走访记录"))
    _title(
        visits,
        _("%(org)s %(year)s年帮扶走访记录") % {"org": org.name, "year": year},
        [
            _("走访日期"), _("帮扶党组织"), _("帮扶对象"), _("走访发现"), _("帮扶措施"), _("帮扶资金(元)"),
            _("帮扶物资"), _("解决问题(件)"),
        ],
    )  # fmt: skip
    rows = (
        PairingVisit.objects.filter(pairing__org__path__subtree=org.path, visited_on__year=year)
        .select_related("pairing__org", "pairing__household__building", "pairing__hardship_member")
        .order_by("visited_on", "id")[:MAX_ROWS]
    )
    for v in rows:
        visits.append(
            [
                v.visited_on, v.pairing.org.name, pairing_target(v.pairing), v.found, v.help_given,
                float(v.money), v.goods, v.problems_solved,
            ]
        )  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
