"""Residents' ID numbers and phones: finding a resident by them (through the keyed hashes) and
revealing them to a reader who holds ``registry.view_resident_pii``, with an access-audit row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from dangqun.core.encrypted_fields import matching
from dangqun.core.errors import ForbiddenError
from dangqun.core.pii_audit import record_pii_view
from dangqun.registry import access
from dangqun.registry.models import Resident
from dangqun.registry.resources import user_may_see_pii

PII_FIELDS = ("id_number", "phone")
M = TypeVar("M", bound=Model)


def filter_residents_by_pii(
    queryset: QuerySet[Resident], *, id_number: str = "", phone: str = ""
) -> QuerySet[Resident]:
    """Residents whose whole ID number or phone equals the given one (normalised), found through
    the index of the keyed hash; nothing is decrypted to search."""
    if id_number:
        queryset = queryset.filter(matching(Resident, "id_number", id_number))
    if phone:
        queryset = queryset.filter(matching(Resident, "phone", phone))
    return queryset


def pii_reveal(*, actor: Any, reason: str, where: str, fields: tuple[str, ...], lookup: Callable[[], M]) -> M:
    """The common steps of an unmask action: the permission before the lookup (the same 403 for
    every id, so nothing leaks), a reason of at least 2 characters (422), then ``lookup()`` — the
    record's scoped access helper, 404 out of scope — and a ``core.pii_viewed`` row naming the
    ``fields`` that held a value."""
    if not user_may_see_pii(actor):
        raise ForbiddenError(_("无权查看完整身份证号和电话"))
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("请填写查看完整个人信息的原因")})
    obj = lookup()
    shown = [name for name in fields if getattr(obj, name)]
    record_pii_view(actor=actor, target=obj, fields=shown, via="api", where=where, reason=reason)
    return obj


def resident_pii_reveal(*, actor: Any, resident_id: int, reason: str, where: str = "") -> Resident:
    """The resident with its ID number and phone, for a reader who holds the permission and gives a
    reason, inside their scope (``pii_reveal``)."""
    return pii_reveal(
        actor=actor,
        reason=reason,
        where=where,
        fields=PII_FIELDS,
        lookup=lambda: access.access_resident_by_id(actor, resident_id),
    )
