"""Writes to businesses (商铺/企业) and institutions (机关事业单位): the admin, the spreadsheet import
and the API call these."""

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
from dangqun.registry.models import Business, Institution
from dangqun.registry.services.checks import clean_values

BUSINESS_FIELDS = editable_fields(Business)
BUSINESSES = RecordKind(
    model=Business,
    fields=BUSINESS_FIELDS,
    created=RegistryEvent.BUSINESS_CREATED,
    updated=RegistryEvent.BUSINESS_UPDATED,
    clean=clean_values,
    deleted=RegistryEvent.BUSINESS_DELETED,
)
INSTITUTION_FIELDS = editable_fields(Institution)
INSTITUTIONS = RecordKind(
    model=Institution,
    fields=INSTITUTION_FIELDS,
    created=RegistryEvent.INSTITUTION_CREATED,
    updated=RegistryEvent.INSTITUTION_UPDATED,
    clean=clean_values,
    deleted=RegistryEvent.INSTITUTION_DELETED,
)


def business_create(*, actor: Actor, **values: Any) -> Business:
    business: Business = record_create(BUSINESSES, actor=actor, values=values)
    return business


def business_update(*, actor: Actor, business: Business, **values: Any) -> Business:
    return record_update(BUSINESSES, actor=actor, obj=business, values=values)


def business_delete(*, actor: Actor, business: Business) -> None:
    record_delete(BUSINESSES, actor=actor, obj=business)


def institution_create(*, actor: Actor, **values: Any) -> Institution:
    institution: Institution = record_create(INSTITUTIONS, actor=actor, values=values)
    return institution


def institution_update(*, actor: Actor, institution: Institution, **values: Any) -> Institution:
    return record_update(INSTITUTIONS, actor=actor, obj=institution, values=values)


def institution_delete(*, actor: Actor, institution: Institution) -> None:
    record_delete(INSTITUTIONS, actor=actor, obj=institution)
