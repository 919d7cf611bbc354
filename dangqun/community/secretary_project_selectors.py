"""Reading the 书记项目 library: filtered by level, status and region, the 品牌 showcase, counts by
level and status, and the library as an Excel sheet (headers in the request's language)."""

from __future__ import annotations

import io
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from dangqun.community.access import secretary_projects_for
from dangqun.community.models import SecretaryProject, SecretaryProjectLevel, SecretaryProjectStatus
from dangqun.regions.models import Region


def library(
    user: object, *, level: int | None = None, status: str = "", region: Region | None = None
) -> QuerySet[SecretaryProject]:
    qs = secretary_projects_for(user)
    if level:
        qs = qs.filter(level=level)
    if status:
        qs = qs.filter(status=status)
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    return qs.order_by("level", "region__path", "-id")


def showcase(user: object) -> QuerySet[SecretaryProject]:
    """The 品牌 projects, best score first."""
    return secretary_projects_for(user).filter(is_brand=True).order_by("-score", "-promoted_at")


def counts(user: object) -> dict[str, Any]:
    rows = secretary_projects_for(user).values("level", "status").annotate(n=Count("id"))
    by_level = {str(v): 0 for v in SecretaryProjectLevel.values}
    by_status = dict.fromkeys(SecretaryProjectStatus.values, 0)
    for r in rows:
        by_level[str(r["level"])] += r["n"]
        by_status[r["status"]] += r["n"]
    return {"total": sum(by_level.values()), "by_level": by_level, "by_status": by_status}


def export_library(qs: QuerySet[SecretaryProject]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has its sheet
    sheet.title = _("书记项目库")
    sheet.append(
        [
            _("序号"), _("编号"), _("项目名称"), _("层级"), _("区域"), _("牵头党组织"), _("领办书记"),
            _("项目目标"), _("计划节点"), _("状态"), _("评估得分"), _("评估意见"), _("品牌项目"),
        ]
    )  # fmt: skip
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, p in enumerate(qs[:100_000], start=1):
        sheet.append(
            [
                number,
                p.code,
                p.title,
                p.get_level_display(),
                p.region.name,
                p.org.name,
                p.secretary_name,
                p.goals,
                "\n".join(p.milestone_list),
                p.get_status_display(),
                p.score,
                p.evaluation,
                _("是") if p.is_brand else "",
            ]
        )
    sheet.freeze_panes = "C2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
