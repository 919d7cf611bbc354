"""``python manage.py hotspots --input FILE.csv --top 5 --json [--xlsx OUT.xlsx]``

Clusters the messages of FILE (columns ``id,user,title,text,time[,likes,dislikes]`` or the contest's
Chinese headers) with ``triage.hotspots`` — the code the periodic job runs on our own cases — and prints
the ``--top`` hottest as a JSON list ``[{"rank", "heat", "ids", "place", "time_range", "summary"}]``.
``--xlsx`` also writes the contest's two tables (热点问题表, 热点问题留言明细表). A file it cannot use
stops with an error naming the file and the problem. Recency is measured from the newest message.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangqun.triage.csvio import CsvError
from dangqun.triage.hotspots import find_hotspots
from dangqun.triage.hotspots_io import read_hotspot_csv, write_xlsx


class Command(BaseCommand):
    help = "热点问题挖掘:按问题、地点与时间聚类留言,按热度指数排名,输出 JSON(可导出 Excel)。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--input", required=True, metavar="FILE.csv", help="列 id,user,title,text,time[,likes,dislikes]"
        )
        parser.add_argument("--top", type=int, default=5, help="输出前 N 个热点(默认 5)")
        parser.add_argument("--json", action="store_true", help="输出 JSON 列表(默认即为 JSON)")
        parser.add_argument("--xlsx", metavar="OUT.xlsx", help="另存热点问题表与热点问题留言明细表")

    def handle(self, *args: Any, **options: Any) -> None:
        top = options["top"]
        if top < 1:
            raise CommandError("--top 须为正整数")
        xlsx = options.get("xlsx")
        if xlsx and not Path(xlsx).resolve().parent.is_dir():
            raise CommandError(f"{xlsx}: 目录不存在")
        try:
            messages = read_hotspot_csv(options["input"])
        except CsvError as exc:
            raise CommandError(str(exc)) from None
        hotspots = find_hotspots(messages, top=top)
        if xlsx:
            try:
                write_xlsx(xlsx, hotspots)
            except OSError as exc:
                raise CommandError(f"{xlsx}: 无法写入({exc.strerror})") from None
        self.stdout.write(json.dumps([h.as_json() for h in hotspots], ensure_ascii=False))
