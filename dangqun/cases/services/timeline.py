"""Labels written into the timeline, so that history reads the same after people move on."""

from __future__ import annotations

from typing import Any

from dangqun.accounts.scope import first_membership


def actor_label(actor: Any) -> str:
    if actor is None or not getattr(actor, "pk", None):
        return "系统"  # i18n: data (the system actor's name, stored in the timeline)
    return getattr(actor, "display_name", "") or actor.get_username()


def actor_unit(actor: Any) -> str:
    """The unit the actor acts for: their department, region or party organisation (first membership)."""
    if actor is None or not getattr(actor, "pk", None):
        return ""
    # The memberships the scope loaded (usually already, for the permission check): no query of its own.
    membership = first_membership(actor)
    unit = (
        None if membership is None else (membership.department or membership.region or membership.party_org)
    )
    return unit.name if unit is not None else ""
