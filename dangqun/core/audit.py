"""The one way to write an audit row. Services call ``record_event`` inside their transaction."""

from __future__ import annotations

import enum
from typing import Any

from django.db import models

from dangqun.core.models import AuditEvent


class AuditEventType(models.TextChoices):
    """Base for the per-app enums; values are ``<app>.<verb_noun>``."""


def _label(actor: Any) -> str:
    if actor is None:
        return "system"
    full = getattr(actor, "display_name", "") or ""
    return f"{actor.get_username()} {full}".strip()


def record_event(
    *,
    actor: Any,
    event_type: enum.Enum,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an audit row. ``actor`` may be ``None`` only for system jobs and migrations."""
    if not isinstance(event_type, enum.Enum):
        raise TypeError("event_type must be a member of an AuditEventType enum")
    target_type = target_id = ""
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
    return AuditEvent.objects.create(
        event_type=str(event_type.value),
        actor=actor if actor is not None and actor.pk else None,
        actor_label=_label(actor),
        target_type=target_type,
        target_id=target_id,
        data=data or {},
    )
