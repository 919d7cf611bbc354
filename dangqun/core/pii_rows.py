"""Bring every stored value of the encrypted columns in line with the current keys, in batches of
raw rows (no model instance is built, so it serves the data migrations, whose historical models
hold the same fields, and ``manage.py rotate_field_keys`` alike).

For each row and each encrypted column: plain text (a row from before encryption) is encrypted;
a token written under an older key is re-encrypted under the first key; each hash column is
recomputed under the first hash key and rewritten when it differs. A row already right is not
written, so a second run changes nothing and a stopped run resumes where it stopped (each batch
commits on its own outside a migration).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, migrations, models, transaction

from dangqun.core import pii
from dangqun.core.encrypted_fields import BlindIndexField, EncryptedCharField

DEFAULT_BATCH = 1000


@dataclass(frozen=True)
class ColumnSpec:
    column: str
    hashes: tuple[tuple[str, str], ...]  # (hash column, kind)


@dataclass(frozen=True)
class TableSpec:
    label: str
    table: str
    pk: str
    columns: tuple[ColumnSpec, ...]


@dataclass
class Counts:
    rows: int = 0  # rows read
    rows_written: int = 0
    encrypted: int = 0  # plain values encrypted
    reencrypted: int = 0  # tokens of an older key re-encrypted under the first
    decrypted: int = 0  # values turned back to plain text (migrating backwards)
    rehashed: int = 0  # hash values rewritten
    last_pk: object = None
    extra: dict[str, int] = field(default_factory=dict)

    def add(self, other: Counts) -> None:
        for name in ("rows", "rows_written", "encrypted", "reencrypted", "decrypted", "rehashed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def table_spec(model: type[models.Model]) -> TableSpec | None:
    """The encrypted columns of ``model`` and the hash columns computed from each (None: none)."""
    fields = [f for f in model._meta.local_fields if isinstance(f, EncryptedCharField)]
    if not fields:
        return None
    hashes = [f for f in model._meta.local_fields if isinstance(f, BlindIndexField)]
    columns = tuple(
        ColumnSpec(
            column=str(f.column),
            hashes=tuple((str(h.column), h.kind) for h in hashes if h.source == f.name),
        )
        for f in fields
    )
    pk = model._meta.pk
    assert pk is not None  # noqa: S101 - every concrete model has one
    return TableSpec(model._meta.label, model._meta.db_table, str(pk.column), columns)


def _row_update(spec: TableSpec, values: list[str], *, backwards: bool, counts: Counts) -> list[str] | None:
    """The new values of the row's encrypted and hash columns (in ``_columns`` order) or None."""
    new: list[str] = []
    changed = False
    i = 0
    for col in spec.columns:
        stored = values[i] or ""
        i += 1
        if backwards:
            plain = pii.decrypt(stored) if pii.is_token(stored) else stored
            token = plain
            if token != stored:
                counts.decrypted += 1
        else:
            plain, token = pii.reseal(stored)
            if token != stored:
                if pii.is_token(stored):
                    counts.reencrypted += 1
                else:
                    counts.encrypted += 1
        changed = changed or token != stored
        new.append(token)
        for _column, kind in col.hashes:
            old_hash = values[i] or ""
            i += 1
            want = "" if backwards else pii.blind_index(kind, plain)
            if want != old_hash:
                counts.rehashed += 1
                changed = True
            new.append(want)
    return new if changed else None


def _columns(spec: TableSpec) -> list[str]:
    out: list[str] = []
    for col in spec.columns:
        out.append(col.column)
        out.extend(h for h, _kind in col.hashes)
    return out


def reseal_table(
    spec: TableSpec,
    *,
    using: str = "default",
    batch_size: int = DEFAULT_BATCH,
    backwards: bool = False,
    dry_run: bool = False,
    after: Callable[[Counts], None] | None = None,
) -> Counts:
    """Walk the table in primary-key order, ``batch_size`` rows at a time, and write the rows whose
    encrypted or hash columns are not what the current keys make. ``backwards`` turns every value
    back into plain text and empties the hashes (the data migrations' reverse). ``after`` is called
    with the running counts after each batch."""
    connection = connections[using]
    qn = connection.ops.quote_name
    names = _columns(spec)
    select = (
        f"SELECT {qn(spec.pk)}, {', '.join(qn(n) for n in names)} FROM {qn(spec.table)} "  # noqa: S608
        f"WHERE {qn(spec.pk)} > %s ORDER BY {qn(spec.pk)} LIMIT %s"
    )
    update = (
        f"UPDATE {qn(spec.table)} SET {', '.join(f'{qn(n)} = %s' for n in names)} "  # noqa: S608
        f"WHERE {qn(spec.pk)} = %s"
    )
    counts = Counts()
    last: Any = -1
    while True:
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute(select, [last, batch_size])
            rows = cursor.fetchall()
            if not rows:
                break
            writes = []
            for row in rows:
                new = _row_update(spec, list(row[1:]), backwards=backwards, counts=counts)
                if new is not None:
                    writes.append([*new, row[0]])
            counts.rows += len(rows)
            counts.rows_written += len(writes)
            if writes and not dry_run:
                cursor.executemany(update, writes)
        last = counts.last_pk = rows[-1][0]
        if after is not None:
            after(counts)
    return counts


def reseal_models(
    models_: Iterable[type[models.Model]], *, using: str = "default", backwards: bool = False
) -> None:
    """For the data migrations: every encrypted column of these (historical) models."""
    for model in models_:
        spec = table_spec(model)
        if spec is not None:
            reseal_table(spec, using=using, backwards=backwards)


def encrypt_rows_operation(app_label: str, *model_names: str) -> migrations.RunPython:
    """The data migration step: encrypt (and hash) the existing rows of these models; backwards,
    turn them back into plain text."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        models_ = [apps.get_model(app_label, name) for name in model_names]
        reseal_models(models_, using=schema_editor.connection.alias)

    def backwards(apps: Any, schema_editor: Any) -> None:
        models_ = [apps.get_model(app_label, name) for name in model_names]
        reseal_models(models_, using=schema_editor.connection.alias, backwards=True)

    return migrations.RunPython(forwards, backwards, elidable=False)
