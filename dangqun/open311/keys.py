"""API keys of Open311 clients: issued once, stored hashed, revocable, rate-limited per minute."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction

from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.ratelimit import hit
from dangqun.open311.events import Open311Event
from dangqun.open311.models import Open311Client
from dangqun.regions.models import Region

KEY_PREFIX = "o311_"


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def client_issue_key(
    *, actor: Any, name: str, district: Region, rate_per_minute: int = 60, contact: str = ""
) -> tuple[Open311Client, str]:
    """A new client and its key. The key is returned once; only its hash is kept."""
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    client = Open311Client(
        name=name.strip(),
        district=district,
        key_prefix=raw[:12],
        key_hash=hash_key(raw),
        rate_per_minute=rate_per_minute,
        contact=contact,
    )
    client.full_clean()
    client.save()
    record_event(
        actor=actor,
        event_type=Open311Event.CLIENT_KEY_ISSUED,
        target=client,
        data={"name": client.name, "district": district.code, "key_prefix": client.key_prefix},
    )
    return client, raw


@transaction.atomic
def client_update(
    *, actor: Any, client: Open311Client, name: str, rate_per_minute: int, contact: str
) -> Open311Client:
    """Change a client's name, rate and contact (its district and key stay); an event names the
    changed fields. Nothing changed: nothing written."""
    client = Open311Client.objects.select_for_update().get(pk=client.pk)
    given = {"name": name.strip(), "rate_per_minute": rate_per_minute, "contact": contact}
    changed = sorted(field for field, value in given.items() if getattr(client, field) != value)
    if not changed:
        return client
    for field in changed:
        setattr(client, field, given[field])
    client.full_clean()
    client.save(update_fields=[*changed, "updated_at"])
    record_event(
        actor=actor, event_type=Open311Event.CLIENT_UPDATED, target=client, data={"changed": changed}
    )
    return client


@transaction.atomic
def client_revoke(*, actor: Any, client: Open311Client) -> Open311Client:
    client.is_active = False
    client.revoked_at = clock.now()
    client.save(update_fields=["is_active", "revoked_at", "updated_at"])
    record_event(actor=actor, event_type=Open311Event.CLIENT_REVOKED, target=client, data={})
    return client


def client_for_key(raw: str) -> Open311Client | None:
    """The active client holding ``raw``; ``None`` for an unknown or revoked key."""
    if not raw or len(raw) > 200:
        return None
    return (
        Open311Client.objects.select_related("district")
        .defer("district__boundary")
        .filter(key_hash=hash_key(raw), is_active=True)
        .first()
    )


def within_rate(client: Open311Client) -> bool:
    """Count one write for ``client`` in the current minute; ``False`` once over its limit."""
    return hit("open311-client", str(client.pk), limit=client.rate_per_minute, window=60).allowed
