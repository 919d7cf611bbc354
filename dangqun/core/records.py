"""The one write path of records that hold personal data: create, update and delete one row with
its actor and a typed audit event.

Each noun's service module (``registry.services.residents`` and its siblings,
``party.services.members``, ``accounts.services``) describes its records with a ``RecordKind`` (the
model, the fields a caller may write, the many-to-many fields, the three events, the app's checks)
and calls these. The admin, the spreadsheet import and the API all reach a record through those
modules, so every write is checked the same way (``kind.clean``, then ``full_clean``), writes only
what changed (``save(update_fields=...)``, which keeps the keyed hashes of encrypted fields in step)
and leaves an audit row. The audit data names the fields written, never their values: the values
are personal data, and the audit trail has readers the registries do not.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from dangqun.core.audit import record_event
from dangqun.core.workflow import Actor

M = TypeVar("M", bound=models.Model)


def editable_fields(model: type[models.Model], *, m2m: Iterable[str] = ()) -> tuple[str, ...]:
    """The fields of ``model`` a caller may write: its concrete editable fields (not the id, the
    timestamps or the keyed hashes, which are computed) and the named many-to-many fields."""
    names = [f.name for f in model._meta.concrete_fields if f.editable and not f.primary_key]
    return (*names, *m2m)


@dataclass(frozen=True)
class RecordKind:
    """How one model's records are written: the fields a caller may give, the events, and
    ``clean``: the app's checks of the given values (normalising them; a ``ValidationError``
    naming the field), run before ``full_clean``."""

    model: type[models.Model]
    fields: tuple[str, ...]
    created: enum.Enum
    updated: enum.Enum
    deleted: enum.Enum | None = None  # None: not deleted through these (deactivated instead)
    m2m: tuple[str, ...] = ()
    clean: Callable[[Mapping[str, Any]], dict[str, Any]] = dict

    def check_names(self, values: Mapping[str, Any]) -> None:
        unknown = sorted(set(values) - set(self.fields))
        if unknown:
            # A programming error (a caller passing a field that is not writable), not bad input.
            raise TypeError(f"{self.model.__name__}: fields not writable here: {unknown}")


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


def _refuse_nul(values: Mapping[str, Any]) -> None:
    """A NUL character in a text is refused on its field (PostgreSQL text cannot hold one)."""
    bad = [k for k, v in values.items() if isinstance(v, str) and "\x00" in v]
    if bad:
        raise ValidationError({name: _("不能含有空字符(NUL)") for name in bad})


def _loaded(values: Mapping[str, Any]) -> set[str]:
    """Relations given as saved objects: ``full_clean`` need not query that they exist (the
    database's foreign key still holds), which keeps a spreadsheet import to a few queries a row."""
    return {k for k, v in values.items() if isinstance(v, models.Model) and v.pk is not None}


def _filled(value: Any) -> bool:
    return value not in (None, "", [], ()) and value is not False


@transaction.atomic
def record_create(kind: RecordKind, *, actor: Actor, values: Mapping[str, Any]) -> Any:
    """A new record from ``values`` (field → value; relations as objects), checked, saved, with its
    many-to-many fields, and a ``created`` event naming the fields given a value."""
    kind.check_names(values)
    plain = {k: v for k, v in values.items() if k not in kind.m2m}
    related = {k: list(v or ()) for k, v in values.items() if k in kind.m2m}
    _refuse_nul(plain)
    cleaned = kind.clean(plain)
    obj = kind.model(**cleaned)
    obj.full_clean(exclude=_loaded(cleaned))
    obj.save()
    for name, items in related.items():
        if items:  # a new record has none yet
            getattr(obj, name).set(items)
    written = [k for k, v in plain.items() if _filled(v)] + [k for k, v in related.items() if v]
    record_event(actor=actor, event_type=kind.created, target=obj, data={"fields": sorted(written)})
    return obj


@transaction.atomic
def record_update(kind: RecordKind, *, actor: Actor, obj: M, values: Mapping[str, Any]) -> M:
    """Change the fields of ``values`` that differ from the stored row (locked first). Nothing
    changed: nothing written, no event. Otherwise ``full_clean`` of the changed fields (and the
    model's ``clean``), ``save(update_fields=...)`` and an ``updated`` event naming them."""
    kind.check_names(values)
    _refuse_nul(values)
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    plain = kind.clean({k: v for k, v in values.items() if k not in kind.m2m})
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
        # The fields not written are as stored; the relations given as objects exist.
        unchanged = {f.name for f in locked._meta.concrete_fields} - set(changed)
        locked.full_clean(exclude=unchanged | _loaded({k: plain[k] for k in changed}))
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
    if kind.deleted is None:
        raise TypeError(f"{kind.model.__name__} records are not deleted")
    locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    record_event(actor=actor, event_type=kind.deleted, target=locked, data={})
    locked.delete()
