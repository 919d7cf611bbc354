"""Writes to residents (实有人口): the admin, the spreadsheet import and the API call these."""

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
from dangqun.registry.events import RegistryEvent
from dangqun.registry.models import Resident
from dangqun.registry.services.checks import clean_values

RESIDENT_FIELDS = editable_fields(Resident, m2m=("tags",))
RESIDENTS = RecordKind(
    model=Resident,
    fields=RESIDENT_FIELDS,
    created=RegistryEvent.RESIDENT_CREATED,
    updated=RegistryEvent.RESIDENT_UPDATED,
    clean=clean_values,
    deleted=RegistryEvent.RESIDENT_DELETED,
    m2m=("tags",),
)


def resident_create(*, actor: Actor, **values: Any) -> Resident:
    """A new resident; ``values`` are fields of ``RESIDENT_FIELDS`` (``grid`` and ``name`` at least;
    ``tags`` a list of ``ResidentTag``). ``ValidationError`` names the field at fault."""
    resident: Resident = record_create(RESIDENTS, actor=actor, values=values)
    return resident


def resident_update(*, actor: Actor, resident: Resident, **values: Any) -> Resident:
    """Change the given fields of ``resident`` (others stay as stored); one event naming the changed ones."""
    return record_update(RESIDENTS, actor=actor, obj=resident, values=values)


def resident_delete(*, actor: Actor, resident: Resident) -> None:
    record_delete(RESIDENTS, actor=actor, obj=resident)
