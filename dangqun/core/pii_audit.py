"""The access audit of personal data: one row for every unmasked view of a record's ID number or
phone (the API's unmask action, the admin change form), with who, whose record, which fields,
through which channel and page, and the reason the reader gave. Exports record their own event
(``registry.export_completed`` with ``unmasked``)."""

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
) -> AuditEvent:
    """``via``: the channel (``api``, ``admin``); ``where``: the path that showed the values."""
    with transaction.atomic():
        return record_event(
            actor=actor,
            event_type=CoreEvent.PII_VIEWED,
            target=target,
            data={"fields": sorted(fields), "via": via, "where": where[:200], "reason": reason[:200]},
        )
