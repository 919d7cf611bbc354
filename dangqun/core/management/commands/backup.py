"""``manage.py backup [--output PATH]``: the database and the media files in one ``.tar.gz``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangqun.core import clock
from dangqun.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库与附件(SQLite 在线备份 / PostgreSQL pg_dump)到一个 .tar.gz 文件"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="备份文件路径(默认 var/backups/dangqun-<时间>.tar.gz)")
        parser.add_argument("--database", default="default", help="数据库别名(默认 default)")

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(
            options["output"]
            or Path(settings.VAR_DIR) / "backups" / f"dangqun-{clock.now():%Y%m%d-%H%M%S}.tar.gz"
        )
        try:
            manifest = backup(output, alias=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest.counts.values())
        self.stdout.write(
            f"已备份到 {output}: {manifest.engine}, {len(manifest.counts)} 张表 {rows} 行, "
            f"{len(manifest.media)} 个媒体文件"
        )
