"""Validation of a request's ``attribute[CODE]`` values against the service definition."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from dangqun.open311.models import AttributeDatatype, ServiceAttribute
from dangqun.open311.render import Open311Error

D = AttributeDatatype
MAX_STRING = 200
MAX_TEXT = 2000


def _number(attr: ServiceAttribute, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise Open311Error(400, _("attribute[%(code)s] 应为数字") % {"code": attr.code}) from None
    if not math.isfinite(value):
        raise Open311Error(400, _("attribute[%(code)s] 应为有限的数字") % {"code": attr.code})
    return value


def parse_iso_datetime(raw: str, name: str) -> dt.datetime:
    """An ISO 8601 datetime with a timezone (Z or ±HH:MM), as the spec requires."""
    try:
        value = parse_datetime(raw.strip())
    except ValueError:
        value = None
    if value is None:
        raise Open311Error(
            400, _("%(name)s 不是有效的 ISO 8601 时间: %(raw)s") % {"name": name, "raw": raw[:40]}
        )
    if value.tzinfo is None:
        raise Open311Error(400, _("%(name)s 须带时区(Z 或 ±HH:MM)") % {"name": name})
    return value


def validate_attributes(
    definitions: list[ServiceAttribute], submitted: dict[str, list[str]]
) -> dict[str, Any]:
    """The submitted values, typed, keyed by attribute code; Open311Error(400) for any bad one."""
    by_code = {a.code: a for a in definitions if a.variable}
    unknown = sorted(set(submitted) - set(by_code))
    if unknown:
        raise Open311Error(400, _("未知的 attribute: %(join)s") % {"join": ", ".join(unknown)[:200]})
    values: dict[str, Any] = {}
    for attr in sorted(by_code.values(), key=lambda a: (a.order, a.pk)):
        raw = [v.strip() for v in submitted.get(attr.code, []) if v.strip()]
        if not raw:
            if attr.required:
                raise Open311Error(400, _("attribute[%(code)s] 为必填项") % {"code": attr.code})
            continue
        keys = {str(v.get("key")) for v in attr.values if isinstance(v, dict)}
        if attr.datatype == D.MULTIVALUELIST:
            bad = [v for v in raw if v not in keys]
            if bad:
                raise Open311Error(
                    400,
                    _("attribute[%(code)s] 含未知选项: %(join)s")
                    % {"code": attr.code, "join": ", ".join(bad)[:100]},
                )
            values[attr.code] = sorted(set(raw))
            continue
        if len(raw) > 1:
            raise Open311Error(400, _("attribute[%(code)s] 只能有一个值") % {"code": attr.code})
        value = raw[0]
        if attr.datatype == D.NUMBER:
            values[attr.code] = _number(attr, value)
        elif attr.datatype == D.DATETIME:
            values[attr.code] = parse_iso_datetime(value, f"attribute[{attr.code}]").isoformat()
        elif attr.datatype == D.SINGLEVALUELIST:
            if value not in keys:
                raise Open311Error(400, _("attribute[%(code)s] 不是可选值之一") % {"code": attr.code})
            values[attr.code] = value
        else:
            limit = MAX_TEXT if attr.datatype == D.TEXT else MAX_STRING
            if len(value) > limit:
                raise Open311Error(
                    400,
                    _("attribute[%(code)s] 不能超过%(limit)s个字符") % {"code": attr.code, "limit": limit},
                )
            values[attr.code] = value
    return values


def describe(definitions: list[ServiceAttribute], values: dict[str, Any]) -> str:
    """The values as lines a handler reads in the case description (option names, not keys)."""
    lines = []
    for attr in definitions:
        if attr.code not in values:
            continue
        names = {str(v.get("key")): str(v.get("name")) for v in attr.values if isinstance(v, dict)}
        value = values[attr.code]
        shown = (
            "、".join(names.get(str(v), str(v)) for v in value)
            if isinstance(value, list)
            else names.get(str(value), str(value))
        )
        lines.append(f"{attr.description}:{shown}")
    return "\n".join(lines)
