"""Template helpers: the inline SVG map, dates in the Chinese way, counts lookup."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import dateformat, formats, timezone
from django.utils.translation import get_language

from dangqun.web.svgmap import SvgMap

register = template.Library()


@register.inclusion_tag("web/partials/svg_map.html")
def svg_map(svg: SvgMap, title: str, description: str = "") -> dict[str, Any]:
    """Render an ``SvgMap`` (built in the view with ``svgmap.build_map``) as accessible inline SVG."""
    return {"map": svg, "title": title, "description": description}


@register.filter
def cn_date(value: dt.date | dt.datetime | None, with_time: bool = False) -> str:
    """``2026年11月22日`` (and ``14:05`` with ``with_time``); the active language's format otherwise."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        if not with_time:
            value = value.date()
    fmt = "DATETIME_FORMAT" if isinstance(value, dt.datetime) else "DATE_FORMAT"
    if (get_language() or "").startswith("zh"):
        chinese = "Y年n月j日 H:i" if fmt == "DATETIME_FORMAT" else "Y年n月j日"  # i18n: data (format)
        return dateformat.format(value, chinese)
    return str(formats.date_format(value, fmt))


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, 0) if mapping else 0
