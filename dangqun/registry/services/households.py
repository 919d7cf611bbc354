"""Writes to households (住户): the admin, the spreadsheet import and the API call these."""

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
from dangqun.registry.models import Household
from dangqun.registry.services.checks import clean_values

HOUSEHOLD_FIELDS = editable_fields(Household)
HOUSEHOLDS = RecordKind(
    model=Household,
    fields=HOUSEHOLD_FIELDS,
    created=RegistryEvent.HOUSEHOLD_CREATED,
    updated=RegistryEvent.HOUSEHOLD_UPDATED,
    clean=clean_values,
    deleted=RegistryEvent.HOUSEHOLD_DELETED,
)


def household_create(*, actor: Actor, **values: Any) -> Household:
    """A new household; a missing ``grid`` is its building's."""
    if values.get("grid") is None and values.get("building") is not None:
        values["grid"] = values["building"].grid
    household: Household = record_create(HOUSEHOLDS, actor=actor, values=values)
    return household


def household_update(*, actor: Actor, household: Household, **values: Any) -> Household:
    return record_update(HOUSEHOLDS, actor=actor, obj=household, values=values)


def household_delete(*, actor: Actor, household: Household) -> None:
    record_delete(HOUSEHOLDS, actor=actor, obj=household)
