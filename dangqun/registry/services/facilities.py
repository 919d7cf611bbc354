"""Writes to municipal facilities (市政设施): the admin, the spreadsheet import and the API call these."""

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
from dangqun.registry.models import Facility
from dangqun.registry.services.checks import clean_values

FACILITY_FIELDS = editable_fields(Facility)
FACILITIES = RecordKind(
    model=Facility,
    fields=FACILITY_FIELDS,
    created=RegistryEvent.FACILITY_CREATED,
    updated=RegistryEvent.FACILITY_UPDATED,
    clean=clean_values,
    deleted=RegistryEvent.FACILITY_DELETED,
)


def facility_create(*, actor: Actor, **values: Any) -> Facility:
    facility: Facility = record_create(FACILITIES, actor=actor, values=values)
    return facility


def facility_update(*, actor: Actor, facility: Facility, **values: Any) -> Facility:
    return record_update(FACILITIES, actor=actor, obj=facility, values=values)


def facility_delete(*, actor: Actor, facility: Facility) -> None:
    record_delete(FACILITIES, actor=actor, obj=facility)
