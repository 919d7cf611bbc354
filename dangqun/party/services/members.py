"""Writes to party members (党员): the admin, the spreadsheet import and the API call these.

A member holds an ID number and a phone, so it is written the registries' way (``core.records``
with ``registry.services.checks``): the same checks, only what changed, an audit event per write.
"""

from __future__ import annotations

from typing import Any

from dangqun.core.records import (
    RecordKind,
    editable_fields,
    record_create,
    record_delete,
    record_update,
)
from dangqun.core.workflow import Actor
from dangqun.party.events import PartyEvent
from dangqun.party.leaving import MemberWorkflow
from dangqun.party.models import PartyMember
from dangqun.registry.services.checks import clean_values

# Leaving the rolls (its date and reason) is a move through ``MemberWorkflow``, not an edit.
PARTY_MEMBER_FIELDS = tuple(f for f in editable_fields(PartyMember) if f not in {"left_on", "left_reason"})
PARTY_MEMBERS = RecordKind(
    model=PartyMember,
    fields=PARTY_MEMBER_FIELDS,
    created=PartyEvent.PARTY_MEMBER_CREATED,
    updated=PartyEvent.PARTY_MEMBER_UPDATED,
    clean=clean_values,
    deleted=PartyEvent.PARTY_MEMBER_DELETED,
)


def party_member_create(*, actor: Actor, **values: Any) -> PartyMember:
    """A new member; ``values`` are fields of ``PARTY_MEMBER_FIELDS`` (``party_org``, ``name``…)."""
    member: PartyMember = record_create(PARTY_MEMBERS, actor=actor, values=values)
    return member


def party_member_update(*, actor: Actor, member: PartyMember, **values: Any) -> PartyMember:
    return record_update(PARTY_MEMBERS, actor=actor, obj=member, values=values)


def party_member_delete(*, actor: Actor, member: PartyMember) -> None:
    record_delete(PARTY_MEMBERS, actor=actor, obj=member)


def member_leave(*, actor: Actor, member: PartyMember, left_reason: str, left_on: Any) -> PartyMember:
    """减少党员: the member leaves the rolls (death, 出党 …) on ``left_on``, through the member's door."""
    return MemberWorkflow.apply(
        obj=member.pk, action="leave", actor=actor, left_reason=left_reason, left_on=left_on
    )
