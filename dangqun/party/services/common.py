"""Checks shared by the party services: scope, member ids, bounded text, amounts."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dangqun.accounts.scope import get_scope
from dangqun.core.errors import NotFoundError
from dangqun.core.workflow import Actor
from dangqun.orgs.models import PartyOrg


def org_in_scope(actor: Actor, org: PartyOrg) -> None:
    if actor is not None and not get_scope(actor).covers_party_org_path(org.path):
        raise NotFoundError(_("党组织不存在或无权访问"))


def member_ids(values: Iterable[Any], field: str) -> list[int]:
    try:
        ids = [int(v) for v in values]
    except (TypeError, ValueError):
        raise ValidationError({field: _("党员编号须为整数")}) from None
    if len(set(ids)) != len(ids):
        raise ValidationError({field: _("同一党员不能重复登记")})
    return ids


def bounded_text(value: Any, field: str, *, required: bool, limit: int) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationError({field: _("此项必填")})
    if len(text) > limit:
        raise ValidationError({field: _("不能超过%(limit)s个字") % {"limit": limit}})
    return text


def decimal_amount(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("须为数字")}) from None
    if not number.is_finite():
        raise ValidationError({field: _("须为数字")})
    return number
