"""One row of a hotline export checked and turned into ``case_create`` arguments, or a reason."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from dangqun.cases.enums import CaseType, Priority
from dangqun.cases.models import Category
from dangqun.exchange.models import IMPORT_FIELDS
from dangqun.regions.models import Region

LIMITS = {
    "order_no": 64,
    "title": 120,
    "description": 5000,
    "category": 60,
    "case_type": 12,
    "priority": 12,
    "address": 200,
    "region": 60,
    "reporter_name": 50,
    "reporter_phone": 20,
    "called_at": 40,
    "lng": 30,
    "lat": 30,
}
FORMULA_START = ("=", "+", "-", "@")
CASE_TYPES = {label: value for value, label in CaseType.choices} | {v: v for v in CaseType.values}
PRIORITIES = {label: value for value, label in Priority.choices} | {v: v for v in Priority.values}
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d")


class RowError(Exception):
    pass


def _label(field: str) -> str:
    return str(IMPORT_FIELDS.get(field, field)).split("(")[0].strip()


@dataclass
class RowData:
    number: int
    order_no: str
    fields: dict[str, Any]  # case_create keyword arguments (without actor/channel)


class Lookups:
    """Categories and regions, loaded once per file."""

    def __init__(self, district_paths: tuple[str, ...] | None = None) -> None:
        categories = list(Category.objects.filter(is_active=True))
        self.category_by_code = {c.code: c for c in categories}
        by_name: dict[str, list[Category]] = {}
        for c in categories:
            by_name.setdefault(c.name, []).append(c)
        self.category_by_name = by_name
        regions = Region.objects.filter(is_active=True).only("id", "code", "name", "path", "level")
        self.region_by_code = {r.code: r for r in regions}
        region_by_name: dict[str, list[Region]] = {}
        for r in self.region_by_code.values():
            region_by_name.setdefault(r.name, []).append(r)
        self.region_by_name = region_by_name

    def category(self, text: str) -> Category | None:
        if not text:
            return None
        if text in self.category_by_code:
            return self.category_by_code[text]
        found = self.category_by_name.get(text, [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise RowError(_("分类名称“%(text)s”不唯一,请改用分类编码") % {"text": text})
        raise RowError(_("未知分类“%(text)s”") % {"text": text})

    def region(self, text: str) -> Region | None:
        if not text:
            return None
        if text in self.region_by_code:
            return self.region_by_code[text]
        found = self.region_by_name.get(text, [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise RowError(_("区域名称“%(text)s”不唯一,请改用区划代码") % {"text": text})
        raise RowError(_("未知区域“%(text)s”") % {"text": text})


def _text(field: str, value: Any) -> str:
    """A cell as text: numbers written without a spurious ``.0``; formulas and oversize refused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise RowError(_("“%(label)s”不应为布尔值") % {"label": _label(field)})
    if isinstance(value, float) and value.is_integer() and field in ("order_no", "reporter_phone"):
        value = int(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        text = value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    else:
        text = str(value).strip()
    if "\x00" in text:
        raise RowError(_("“%(label)s”含非法字符(NUL)") % {"label": _label(field)})
    if text.startswith("=") and field not in ("lng", "lat"):
        raise RowError(_("“%(label)s”含公式,不予导入") % {"label": _label(field)})
    limit = LIMITS[field]
    if len(text) > limit:
        raise RowError(
            _("“%(label)s”超过%(limit)s个字符(实际%(n_text)s)")
            % {"label": _label(field), "limit": limit, "n_text": len(text)}
        )
    return text


def _number(field: str, text: str, low: float, high: float) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise RowError(
            _("“%(label)s”应为数字:%(text)s") % {"label": _label(field), "text": text[:20]}
        ) from None
    if not (math.isfinite(value) and low <= value <= high):
        raise RowError(_("“%(label)s”超出范围:%(text)s") % {"label": _label(field), "text": text[:20]})
    return value


def _called_at(value: Any, text: str) -> str:
    if not text:
        return ""
    moment: dt.datetime | None
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = parse_datetime(text)  # ISO 8601, with "T" or a space
        except ValueError:
            moment = None
        for fmt in DATE_FORMATS:
            if moment is not None:
                break
            try:
                moment = dt.datetime.strptime(text, fmt)  # noqa: DTZ007 - made aware below
            except ValueError:
                continue
        if moment is None:
            raise RowError(_("“来电时间”不是有效的时间:%(text)s") % {"text": text[:20]})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def parse_row(number: int, raw: dict[str, Any], lookups: Lookups, crs: str) -> RowData:
    """``raw`` is ``{our field: cell value}``; RowError names the first thing wrong with it."""
    text = {field: _text(field, raw.get(field)) for field in LIMITS}
    for field in ("order_no", "description", "reporter_phone"):
        if not text[field]:
            raise RowError(_("“%(label)s”为空") % {"label": _label(field)})
    if text["order_no"].startswith(FORMULA_START):
        raise RowError(_("工单编号不能以 = + - @ 开头"))
    case_type = CASE_TYPES.get(text["case_type"] or CaseType.HELP)
    if case_type is None:
        raise RowError(_("未知诉求类型“%(case_type)s”") % {"case_type": text["case_type"]})
    priority = PRIORITIES.get(text["priority"] or Priority.NORMAL)
    if priority is None:
        raise RowError(_("未知紧急程度“%(priority)s”") % {"priority": text["priority"]})
    lng = _number("lng", text["lng"], -180, 180)
    lat = _number("lat", text["lat"], -90, 90)
    if (lng is None) != (lat is None):
        raise RowError(_("经度和纬度须同时填写"))
    called = _called_at(raw.get("called_at"), text["called_at"])
    description = text["description"]
    if called:
        description = f"{description}\n\n【来电时间】{called}"  # i18n: data (stored in the case content)
    title = text["title"] or text["description"].splitlines()[0][:60]
    return RowData(
        number=number,
        order_no=text["order_no"],
        fields={
            "title": title,
            "description": description,
            "case_type": case_type,
            "priority": priority,
            "category": lookups.category(text["category"]),
            "region": None if lng is not None else lookups.region(text["region"]),
            "lng": lng,
            "lat": lat,
            "crs": crs,
            "address": text["address"],
            "reporter_name": text["reporter_name"],
            "reporter_phone": text["reporter_phone"],
            "source_ref": text["order_no"],
        },
    )
