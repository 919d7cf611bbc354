"""Parsing of form and API input shared by the partywork services: a bad value is a
``ValidationError`` naming the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _


def text_input(value: Any, field: str, *, required: bool, limit: int) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: _("此项必填")})
    if len(text) > limit:
        raise ValidationError({field: _("不能超过%(limit)s个字") % {"limit": limit}})
    return text


def date_input(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    day = parse_date(str(value or "").strip()) if value else None
    if day is None:
        raise ValidationError({field: _("日期格式须为YYYY-MM-DD")})
    return day
