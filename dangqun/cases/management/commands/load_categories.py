"""``python manage.py load_categories [--file PATH | --builtin]``: load the three-level category tree.

Without an option the contest taxonomy is used when this machine has it (``$DANGQUN_TAXONOMY_CSV`` or
``../shared/data/taidi2020/taxonomy_3level.csv``), else our built-in default tree. Running it again
creates nothing new."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangqun.cases import taxonomy
from dangqun.core.errors import DomainError

_LEVELS = {1: "一级", 2: "二级", 3: "三级"}


class Command(BaseCommand):
    help = "导入诉求分类(一级分类,二级分类,三级分类);重复执行不会重复创建。"

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--file", metavar="PATH", help="CSV 文件(UTF-8,列:一级分类,二级分类,三级分类)")
        source.add_argument("--builtin", action="store_true", help="使用内置的默认分类体系")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["file"]:
                result = taxonomy.taxonomy_load_csv(actor=None, path=options["file"])
            elif options["builtin"]:
                result = taxonomy.taxonomy_load_builtin(actor=None)
            else:
                path = taxonomy.default_taxonomy_csv()
                result = (
                    taxonomy.taxonomy_load_csv(actor=None, path=path)
                    if path is not None
                    else taxonomy.taxonomy_load_builtin(actor=None)
                )
        except DomainError as error:
            raise CommandError(error.message) from error
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        if int(options["verbosity"]) == 0:
            return
        source = "内置分类" if result.source == taxonomy.BUILTIN_SOURCE else result.source
        levels = "、".join(f"{_LEVELS[level]}{count}个" for level, count in result.by_level.items())
        self.stdout.write(f"来源:{source}({levels})")
        message = f"新建 {result.created} 个分类,已存在 {result.existing} 个"
        if result.updated:
            message += f",补充关键词 {result.updated} 个"
        self.stdout.write(self.style.SUCCESS(message))
