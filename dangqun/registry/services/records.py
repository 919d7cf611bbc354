"""The one write path of the records that hold personal data: create, update and delete one row
with its actor and a typed audit event.

Each noun's module (``residents``, ``households``, ``buildings``, ``units``, ``facilities``, and
``party.services.members``) describes its records with a ``RecordKind`` (the model, the fields a
caller may write, the many-to-many fields, the three events) and calls these. The admin, the
spreadsheet import and the API all reach a record through those modules, so every write is checked
the same way (``clean_values``, then ``full_clean``), writes only what changed
(``save(update_fields=...)``, which keeps the keyed hashes of encrypted fields in step) and leaves
an audit row. The audit data names the fields written, never their values: the values are personal
data, and the audit trail has readers the registry does not.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from dangqun.core.audit import record_event
from dangqun.core.workflow import Actor
from dangqun.regions.models import Region, RegionLevel
from dangqun.registry.validators import (
    normalize_id_number,
    normalize_phone,
    validate_id_number,
    validate_phone,
)

M = TypeVar("M", bound=models.Model)

PHONE_FIELDS = frozenset({"phone", "manager_phone"})


def editable_fields(model: type[models.Model], *, m2m: Iterable[str] = ()) -> tuple[str, ...]:
    """The fields of ``model`` a caller may write: its concrete editable fields (not the id, the
    timestamps or the keyed hashes, which are computed) and the named many-to-many fields."""
    names = [f.name for f in model._meta.concrete_fields if f.editable and not f.primary_key]
    return (*names, *m2m)


@dataclass(frozen=True)
class RecordKind:
    """How one model's records are written: the fields a caller may give and the events."""

    model: type[models.Model]
    fields: tuple[str, ...]
    created: enum.Enum
    updated: enum.Enum
    deleted: enum.Enum
    m2m: tuple[str, ...] = ()

    def check_names(self, values: Mapping[str, Any]) -> None:
        unknown = sorted(set(values) - set(self.fields))
        if unknown:
            # A programming error (a caller passing a field that is not writable), not bad input.
            raise TypeError(f"{self.model.__name__}: fields not writable here: {unknown}")


def _grid_error(grid: Region) -> ValidationError:
    return ValidationError(
        {
            "grid": _("“%(grid)s”是%(get_level_display)s,请选择网格(第5级)")
            % {"grid": grid, "get_level_display": grid.get_level_display()}
        }
    )


def clean_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """The checks every write path shares: a grid is a grid (level 5); an ID number and phone
    numbers are valid, and stored normalised (no blanks, an upper-case ``X``, no ``+86``).
    Raises ``ValidationError`` naming the field; otherwise returns the values to write."""
    out = dict(values)
    errors: dict[str, list[ValidationError]] = {}
    grid = out.get("grid")
    if isinstance(grid, Region) and grid.level != RegionLevel.GRID:
        errors.setdefault("grid", []).extend(_grid_error(grid).error_dict["grid"])
    if "id_number" in out:
        number = str(out["id_number"] or "").strip()
        if number:
            try:
                validate_id_number(number)
            except ValidationError as exc:
                errors.setdefault("id_number", []).append(exc)
            number = normalize_id_number(number)
        out["id_number"] = number
    for name in PHONE_FIELDS & set(out):
        phone = str(out[name] or "").strip()
        if phone:
            try:
                validate_phone(phone)
            except ValidationError as exc:
                errors.setdefault(name, []).append(exc)
            phone = normalize_phone(phone)
        out[name] = phone
    if errors:
        raise ValidationError(errors)
    return out


def _stored(obj: models.Model, name: str) -> Any:
    field = obj._meta.get_field(name)
    return getattr(obj, field.attname)  # type: ignore[union-attr]


def _given(obj: models.Model, name: str, value: Any) -> Any:
    field = obj._meta.get_field(name)
    if field.is_relation and isinstance(value, models.Model):
        return value.pk
    return value


def _pks(items: Iterable[Any]) -> set[Any]:
    return {item.pk if isinstance(item, models.Model) else item for item in items}


def _filled(value: Any) -> bool:
    return value not in (None, "", [], ()) and value is not False


@transaction.atomic
def record_create(kind: RecordKind, *, actor: Actor, values: Mapping[str, Any]) -> Any:
    """A new record from ``values`` (field → value; relations as objects), checked, saved, with its
    many-to-many fields, and a ``created`` event naming the fields given a value."""
    kind.check_names(values)
    plain = {k: v for k, v in values.items() if k not in kind.m2m}
    related = {k: list(v or ()) for k, v in values.items() if k in kind.m2m}
    obj = kind.model(**clean_values(plain))
    obj.full_clean()
    obj.save()
    for name, items in related.items():
        getattr(obj, name).set(items)
    written = [k for k, v in plain.items() if _filled(v)] + [k for k, v in related.items() if v]
    record_event(actor=actor, event_type=kind.created, target=obj, data={"fields": sorted(written)})
    return obj


@transaction.atomic
def record_update(kind: RecordKind, *, actor: Actor, obj: M, values: Mapping[str, Any]) -> M:
    """Change the fields of ``values`` that differ from the stored row (locked first). Nothing
    changed: nothing written, no event. Otherwise ``full_clean``, ``save(update_fields=...)`` and an
    ``updated`` event naming the changed fields."""
    kind.check_names(values)
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    plain = clean_values({k: v for k, v in values.items() if k not in kind.m2m})
    related = {k: list(v or ()) for k, v in values.items() if k in kind.m2m}
    changed = [k for k, v in plain.items() if _stored(locked, k) != _given(locked, k, v)]
    for name in changed:
        setattr(locked, name, plain[name])
    changed_m2m = [
        name
        for name, items in related.items()
        if set(getattr(locked, name).values_list("pk", flat=True)) != _pks(items)
    ]
    if not changed and not changed_m2m:
        return locked
    if changed:
        locked.full_clean()
        update_fields = [*changed, "updated_at"] if hasattr(locked, "updated_at") else changed
        locked.save(update_fields=update_fields)
    for name in changed_m2m:
        getattr(locked, name).set(related[name])
    record_event(
        actor=actor, event_type=kind.updated, target=locked, data={"changed": sorted(changed + changed_m2m)}
    )
    return locked


@transaction.atomic
def record_delete(kind: RecordKind, *, actor: Actor, obj: models.Model) -> None:
    """Delete the record (a protected relation refuses, and nothing is written) with a ``deleted``
    event that keeps its id."""
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    record_event(actor=actor, event_type=kind.deleted, target=locked, data={})
    locked.delete()
