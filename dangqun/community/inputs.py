"""Parsing of the community app's inputs: each bad value is a ``ValidationError`` naming its field
(422), raised before anything is written."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dangqun.accounts.scope import get_scope
from dangqun.community.access import units_for
from dangqun.community.models import CoUnit
from dangqun.regions.models import Region, RegionLevel


def text(body: dict[str, Any], name: str, limit: int, *, required: bool = True) -> str:
    value = str(body.get(name) or "").strip()
    if required and not value:
        raise ValidationError({name: _("此项必填")})
    if len(value) > limit:
        raise ValidationError({name: _("不能超过%(n)s个字") % {"n": limit}})
    return value


def choice(body: dict[str, Any], name: str, choices: type[Any]) -> str:
    value = str(body.get(name) or "")
    if value not in choices.values:
        raise ValidationError({name: _("取值无效: %(v)s") % {"v": value}})
    return value


def region_in(actor: Any, body: dict[str, Any], roles: frozenset[str] | None) -> Region:
    """The community or grid named by ``region`` (its code), inside the actor's regions."""
    code = str(body.get("region") or "")
    region = Region.objects.filter(code=code, is_active=True, level__gte=RegionLevel.COMMUNITY).first()
    if region is None or (roles is not None and not get_scope(actor).covers_path(region.path, roles)):
        raise ValidationError({"region": _("须为本人辖区内的社区或网格")})
    return region


def unit_in(actor: Any, body: dict[str, Any], name: str = "unit_id") -> CoUnit:
    try:
        pk = int(body.get(name) or 0)
    except (TypeError, ValueError):
        pk = 0
    unit = units_for(actor).filter(pk=pk).first()
    if unit is None:
        raise ValidationError({name: _("须为本辖区的共建单位")})
    return unit


def date_in(body: dict[str, Any], name: str, *, required: bool = True) -> dt.date | None:
    raw = body.get(name)
    if not raw:
        if required:
            raise ValidationError({name: _("此项必填")})
        return None
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise ValidationError({name: _("日期格式应为YYYY-MM-DD")}) from None


def council_in(actor: Any, body: dict[str, Any], roles: frozenset[str]) -> Region:
    """The street (its 大工委) or community (its 大党委) named by ``region``, in the actor's regions."""
    code = str(body.get("region") or "")
    region = Region.objects.filter(
        code=code, is_active=True, level__in=[RegionLevel.STREET, RegionLevel.COMMUNITY]
    ).first()
    if region is None or not get_scope(actor).covers_path(region.path, roles):
        raise ValidationError({"region": _("须为本人辖区内的街道或社区")})
    return region
