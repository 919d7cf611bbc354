"""The access audit of personal data: one row for every unmasked view of a record's ID number or
phone (the API's unmask actions, the admin change form, a case handler's "show phone"), with who,
whose record, which fields, through which channel and page, and the reason the reader gave (or the
open task that entitled them). Exports record their own event (``registry.export_completed`` with
``unmasked``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction

from dangqun.core.audit import record_event
from dangqun.core.events import CoreEvent
from dangqun.core.models import AuditEvent


def record_pii_view(
    *,
    actor: Any,
    target: models.Model,
    fields: Iterable[str],
    via: str,
    where: str = "",
    reason: str = "",
    basis: dict[str, Any] | None = None,
) -> AuditEvent:
    """``via``: the channel (``api``, ``admin``, ``web``); ``where``: the path that showed the values;
    ``basis``: what entitled the reader when it is not a permission (e.g. the open tasks of a case
    handler), recorded as given."""
    data: dict[str, Any] = {
        "fields": sorted(fields),
        "via": via,
        "where": where[:200],
        "reason": reason[:200],
    }
    if basis is not None:
        data["basis"] = basis
    with transaction.atomic():
        return record_event(actor=actor, event_type=CoreEvent.PII_VIEWED, target=target, data=data)
