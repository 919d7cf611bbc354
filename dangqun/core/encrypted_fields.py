"""Model fields for personal data at rest (see ``core.pii`` for the keys and the hashes).

``EncryptedCharField`` holds plain text in Python and a Fernet token in the database: every write
path (``save``, ``bulk_create``, ``bulk_update``, ``update``) encrypts through ``get_prep_value``,
every read decrypts in ``from_db_value``. ``max_length`` is the length of the plain text (forms and
validation use it); the column is ``varchar(255)``, room for the token of 20 four-byte characters.

``BlindIndexField(source=..., kind=...)`` is the indexed keyed hash of another field of the same
model, computed in ``pre_save`` (so ``save`` and ``bulk_create`` fill it). A partial write keeps it in
step too: a model with hashes is a ``BlindIndexedModel`` with a ``BlindIndexedQuerySet`` manager
(the ``blind_index_models`` system check refuses one that is not), so ``save(update_fields=[...])``
and ``bulk_update(objs, [...])`` naming an encrypted field also write its hashes, and
``update(phone="...")`` also sets them (an expression, which cannot be hashed in Python, is refused).
``rotate_field_keys`` repairs any hash written past the ORM.

An encrypted column answers no lookup but ``isnull`` and ``= ""``: a comparison with a token
written under a random IV could never match, so anything else raises ``FieldError`` at once
instead of returning nothing. Equality goes through the hash: ``Resident.objects.filter(
matching(Resident, "phone", "138 1234 5678"))``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core import checks
from django.core.exceptions import FieldError
from django.db import models
from django.db.models import Q
from django.db.models.lookups import Exact, IsNull

from dangqun.core import pii

TOKEN_COLUMN_LENGTH = 255


class _EmptyOnlyExact(Exact):
    def get_prep_lookup(self) -> Any:
        if self.rhs != "":
            field = getattr(self.lhs, "target", None) or self.lhs.output_field
            raise FieldError(
                f"{field.model.__name__}.{field.name} is encrypted: look it up through its hash "
                "(dangqun.core.encrypted_fields.matching), not by value"
            )
        return super().get_prep_lookup()


class EncryptedCharField(models.CharField):
    description = "Text encrypted at rest (Fernet)"

    def db_type(self, connection: Any) -> str:
        data = {**self.db_type_parameters(connection), "max_length": TOKEN_COLUMN_LENGTH}
        column_type = connection.data_types["CharField"]
        return str(column_type(data) if callable(column_type) else column_type % data)

    def cast_db_type(self, connection: Any) -> str:
        return self.db_type(connection)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if not value:
            return value
        return pii.decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return value
        return pii.encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return _EmptyOnlyExact
        if lookup_name == "isnull":
            return IsNull
        return None

    def get_transform(self, lookup_name: str) -> Any:
        return None


class BlindIndexField(models.CharField):
    """The keyed hash (hex HMAC-SHA256) of the model's field ``source``, normalised as ``kind``."""

    description = "Keyed hash of another field, for equality lookups"

    def __init__(self, *args: Any, source: str = "", kind: str = pii.PHONE, **kwargs: Any) -> None:
        if kind not in pii.KINDS:
            raise ValueError(f"unknown kind of personal data: {kind!r}")
        self.source = source
        self.kind = kind
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = pii.blind_index(self.kind, getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["kind"] = self.kind
        for key, default in (("max_length", 64), ("db_index", True), ("blank", True), ("default", "")):
            if kwargs.get(key) == default:
                del kwargs[key]
        kwargs.pop("editable", None)
        return name, path, args, kwargs


def hash_fields(model: type[models.Model]) -> list[BlindIndexField]:
    return [f for f in model._meta.get_fields() if isinstance(f, BlindIndexField)]


def encrypted_fields(model: type[models.Model]) -> list[EncryptedCharField]:
    return [f for f in model._meta.get_fields() if isinstance(f, EncryptedCharField)]


def hash_field_for(model: type[models.Model], source: str) -> BlindIndexField:
    """The hash of the whole value of ``source`` (not a partial one such as the last four digits)."""
    for field in hash_fields(model):
        if field.source == source and field.kind != pii.PHONE_LAST4:
            return field
    raise FieldError(f"{model.__name__}.{source} has no keyed hash to look it up by")


def matching(model: type[models.Model], source: str, value: str, *, prefix: str = "") -> Q:
    """``Q`` for the rows whose ``source`` equals ``value`` after normalisation, through the index
    of its hash (under every configured hash key). An empty value matches nothing. ``prefix`` is a
    relation path (``"resident__"``) when filtering another model."""
    field = hash_field_for(model, source)
    candidates = pii.blind_index_candidates(field.kind, value)
    if not candidates:
        return Q(pk__in=[])
    return Q(**{f"{prefix}{field.name}__in": candidates})


# --- keeping the hashes in step with partial writes -----------------------------------------------


def with_hash_fields(model: type[models.Model], names: Iterable[str]) -> list[str]:
    """``names`` plus the hash fields of every encrypted field among them (each name once)."""
    out = list(dict.fromkeys(names))
    named = set(out)
    for field in hash_fields(model):
        if field.source in named and field.name not in named and field.attname not in named:
            out.append(field.name)
            named.add(field.name)
    return out


def with_hash_values(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of ``update()`` plus the hashes of the plain values of encrypted fields
    among them. A hash given explicitly is kept (``rotate_field_keys``-style writers know better)."""
    out = dict(values)
    for field in hash_fields(model):
        if field.source not in values or field.name in values or field.attname in values:
            continue
        value = values[field.source]
        if value is not None and not isinstance(value, str):
            raise FieldError(
                f"{model.__name__}.{field.source} is encrypted: update() needs a plain value to hash, "
                f"not {type(value).__name__}; save the rows instead"
            )
        out[field.name] = pii.blind_index(field.kind, value or "")
    return out


class BlindIndexedQuerySet(models.QuerySet):
    """``update()`` and ``bulk_update()`` that write the hashes of the encrypted fields they set."""

    def update(self, **kwargs: Any) -> int:
        return super().update(**with_hash_values(self.model, kwargs))

    def bulk_update(self, objs: Iterable[Any], fields: Iterable[str], batch_size: int | None = None) -> int:
        objs = tuple(objs)
        fields = tuple(fields)
        named = set(fields)
        # bulk_update reads attributes, not pre_save: hash every named encrypted value here.
        recomputed = [f for f in hash_fields(self.model) if f.source in named]
        for obj in objs:
            for field in recomputed:
                field.pre_save(obj, add=False)
        return super().bulk_update(objs, with_hash_fields(self.model, fields), batch_size=batch_size)


class BlindIndexedModel(models.Model):
    """Base of a model with ``BlindIndexField``s: ``save(update_fields=...)`` naming an encrypted
    field writes its hashes too (the hash field's ``pre_save`` runs only for the fields named)."""

    objects = BlindIndexedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = with_hash_fields(type(self), update_fields)
        super().save(*args, **kwargs)


@checks.register(checks.Tags.models)
def blind_index_models(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Every concrete model with a hash field saves through ``BlindIndexedModel`` and updates through
    a ``BlindIndexedQuerySet``, so no partial write can leave a hash stale."""
    from django.apps import apps

    return check_blind_indexed(apps.get_models())


def check_blind_indexed(models_to_check: Iterable[type[models.Model]]) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for model in models_to_check:
        if model._meta.abstract or not hash_fields(model):
            continue
        if not issubclass(model, BlindIndexedModel):
            errors.append(
                checks.Error(
                    f"{model._meta.label} has keyed-hash fields but is no BlindIndexedModel",
                    hint="Inherit dangqun.core.encrypted_fields.BlindIndexedModel first.",
                    obj=model,
                    id="dangqun.E101",
                )
            )
        if not issubclass(model._default_manager._queryset_class, BlindIndexedQuerySet):  # type: ignore[attr-defined]
            errors.append(
                checks.Error(
                    f"{model._meta.label}'s default manager does not use BlindIndexedQuerySet",
                    hint="Build the manager with BlindIndexedQuerySet (as_manager / from_queryset).",
                    obj=model,
                    id="dangqun.E102",
                )
            )
    return errors
