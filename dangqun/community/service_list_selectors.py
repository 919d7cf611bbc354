"""Reads of the 社区服务清单: a community's items, the requests tracked against their time limits
(open, overdue, done on time) and the Excel list as the community posts it."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from dangqun.community.access import service_requests_for
from dangqun.community.models import ServiceItem, ServiceRequest, ServiceRequestStatus
from dangqun.core import clock
from dangqun.regions.models import Region

OPEN = (ServiceRequestStatus.SUBMITTED, ServiceRequestStatus.ACCEPTED)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def items_of(region: Region) -> QuerySet[ServiceItem]:
    return ServiceItem.objects.filter(region=region, is_active=True).order_by("number")


@dataclass(frozen=True)
class RequestCounts:
    total: int
    open: int
    overdue: int
    done: int
    done_on_time: int


def request_counts(user: object, region: Region) -> RequestCounts:
    now = clock.now()
    got = (
        service_requests_for(user)
        .filter(region__path__subtree=region.path)
        .aggregate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status__in=OPEN)),
            overdue=Count("pk", filter=Q(status__in=OPEN, due_at__lt=now)),
            done=Count("pk", filter=Q(status=ServiceRequestStatus.DONE)),
            done_on_time=Count("pk", filter=Q(status=ServiceRequestStatus.DONE, done_at__lte=F("due_at"))),
        )
    )
    return RequestCounts(**got)


def region_requests(user: object, region: Region) -> QuerySet[ServiceRequest]:
    return service_requests_for(user).filter(region__path__subtree=region.path).order_by("due_at", "-id")


def export_service_list(region: Region) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has its sheet
    sheet.title = _("社区服务清单")
    sheet.append([_("%(region)s社区服务清单") % {"region": region.name}])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("序号"), _("服务事项"), _("承办岗位"), _("办理时限(工作日)"), _("所需材料")])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for item in items_of(region):
        sheet.append([item.number, item.name, item.desk, item.time_limit_days, "\n".join(item.material_list)])
        sheet.cell(row=sheet.max_row, column=5).alignment = Alignment(wrap_text=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
