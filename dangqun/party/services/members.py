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
from dangqun.party.models import PartyMember
from dangqun.registry.services.checks import clean_values

PARTY_MEMBER_FIELDS = editable_fields(PartyMember)
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
