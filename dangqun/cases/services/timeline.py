"""Labels written into the timeline, so that history reads the same after people move on."""

from __future__ import annotations

from typing import Any

from dangqun.accounts.models import Membership
from dangqun.accounts.scope import get_scope


def actor_label(actor: Any) -> str:
    if actor is None or not getattr(actor, "pk", None):
        return "系统"
    return getattr(actor, "display_name", "") or actor.get_username()


def actor_unit(actor: Any) -> str:
    """The unit the actor acts for: their department, region or party organisation (first membership)."""
    if actor is None or not getattr(actor, "pk", None):
        return ""
    cached = getattr(actor, "_dangqun_unit_name", None)
    if cached is not None:
        return str(cached)
    if not get_scope(actor).roles:
        return ""  # no active membership (a citizen): the scope, usually loaded already, says so
    membership = (
        Membership.objects.filter(user=actor, is_active=True)
        .select_related("department", "region", "party_org")
        .order_by("id")
        .first()
    )
    unit = (
        None if membership is None else (membership.department or membership.region or membership.party_org)
    )
    name = unit.name if unit is not None else ""
    actor._dangqun_unit_name = name  # one lookup per request: the actor object lives as long as it
    return name
