"""``manage.py rotate_field_keys``: re-encrypt every ID number and phone under the first key of
``DANGQUN_FIELD_KEYS`` and rewrite every keyed hash under the first key of ``DANGQUN_HASH_KEYS``.

Rotation: put the new key first and keep the old one after it (both variables), restart the app,
run this command, then remove the old key. It walks each table in primary-key order in batches,
each batch its own transaction, and writes only the rows that are not yet right: stopped halfway,
it resumes where it stopped when run again; run twice, the second run writes nothing. Rows stored
in plain text (from before encryption) are encrypted too. ``--dry-run`` counts without writing.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangqun.core.pii import FieldKeyError
from dangqun.core.pii_rows import DEFAULT_BATCH, Counts, TableSpec, reseal_table, table_spec


def _specs(labels: list[str]) -> list[TableSpec]:
    specs = []
    for model in apps.get_models():
        spec = table_spec(model)
        if spec is not None and (not labels or spec.label.lower() in labels):
            specs.append(spec)
    return specs


class Command(BaseCommand):
    help = "以第一个密钥重新加密全部身份证号和电话,并以第一个检索密钥重算检索哈希(分批、可续、幂等)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH, help="每批行数(默认 1000)")
        parser.add_argument("--dry-run", action="store_true", help="只统计,不写入")
        parser.add_argument("--model", action="append", default=[], help="只处理该模型,如 registry.Resident")
        parser.add_argument("--database", default="default", help="数据库别名(默认 default)")

    def handle(self, *args: Any, **options: Any) -> None:
        batch = int(options["batch_size"])
        if batch < 1:
            raise CommandError("--batch-size 须为正整数")
        labels = [label.lower() for label in options["model"]]
        specs = _specs(labels)
        if labels and len(specs) != len(labels):
            known = ", ".join(sorted(s.label for s in _specs([])))
            raise CommandError(f"未知模型或该模型无加密字段:{', '.join(options['model'])}(可选:{known})")
        total = Counts()
        for spec in specs:
            try:
                counts = reseal_table(
                    spec, using=options["database"], batch_size=batch, dry_run=options["dry_run"]
                )
            except FieldKeyError as exc:
                raise CommandError(
                    f"{spec.label}: {exc.message} — 旧密钥须留在 DANGQUN_FIELD_KEYS 中直到轮换完成"
                ) from None
            total.add(counts)
            self.stdout.write(self._line(spec.label, counts))
        verb = "将写入" if options["dry_run"] else "已写入"
        self.stdout.write(
            f"合计 total: {total.rows} 行 rows, {verb} {total.rows_written} 行 written; "
            f"encrypted {total.encrypted}, re-encrypted {total.reencrypted}, re-hashed {total.rehashed}"
        )

    @staticmethod
    def _line(label: str, counts: Counts) -> str:
        return (
            f"{label}: rows {counts.rows}, written {counts.rows_written}, encrypted {counts.encrypted}, "
            f"re-encrypted {counts.reencrypted}, re-hashed {counts.rehashed}"
        )
