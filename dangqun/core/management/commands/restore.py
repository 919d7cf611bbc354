"""``manage.py restore PATH [--yes]``: check a backup archive, then put it back.

Nothing changes unless the whole archive checks out; overwriting existing data needs ``--yes``.
Stop the app servers and the worker first; run ``manage.py migrate`` afterwards if the code is newer
than the backup.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangqun.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "从 backup 生成的 .tar.gz 恢复数据库与附件(先整体校验,确认覆盖需 --yes)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="备份文件(.tar.gz)")
        parser.add_argument("--yes", action="store_true", help="确认覆盖现有数据库与附件")
        parser.add_argument("--database", default="default", help="数据库别名(默认 default)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = restore(Path(options["path"]), overwrite=options["yes"], alias=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest.counts.values())
        self.stdout.write(
            f"已恢复 {manifest.created_at} 的备份: {len(manifest.counts)} 张表 {rows} 行, "
            f"{len(manifest.media)} 个媒体文件"
        )
