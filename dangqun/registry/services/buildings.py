"""Writes to buildings (实有房屋): the admin, the spreadsheet import and the API call these."""

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
from dangqun.registry.models import Building
from dangqun.registry.services.checks import clean_values

BUILDING_FIELDS = editable_fields(Building)
BUILDINGS = RecordKind(
    model=Building,
    fields=BUILDING_FIELDS,
    created=RegistryEvent.BUILDING_CREATED,
    updated=RegistryEvent.BUILDING_UPDATED,
    clean=clean_values,
    deleted=RegistryEvent.BUILDING_DELETED,
)


def building_create(*, actor: Actor, **values: Any) -> Building:
    building: Building = record_create(BUILDINGS, actor=actor, values=values)
    return building


def building_update(*, actor: Actor, building: Building, **values: Any) -> Building:
    return record_update(BUILDINGS, actor=actor, obj=building, values=values)


def building_delete(*, actor: Actor, building: Building) -> None:
    record_delete(BUILDINGS, actor=actor, obj=building)
