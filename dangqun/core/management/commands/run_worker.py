"""The background worker: django-tasks-db's ``db_worker`` with a worker id that names this process,
after putting back the jobs that a dead worker left running (``dangqun.core.jobs``).

    python manage.py run_worker [db_worker options…]
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from dangqun.core.jobs import requeue_orphaned_jobs, worker_id_for_this_process


class Command(BaseCommand):
    help = "后台任务进程:先把已退出进程遗留的任务重新排队,再运行 db_worker"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--queue-name", default="default")
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument("--batch", action="store_true", help="run what is queued, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        recovered = requeue_orphaned_jobs()
        if any(recovered.values()):
            self.stderr.write(f"jobs of dead workers: {recovered}")
        call_command(
            "db_worker",
            queue_name=options["queue_name"],
            interval=options["interval"],
            batch=options["batch"],
            reload=False,
            startup_delay=False,
            worker_id=worker_id_for_this_process(),
            verbosity=options["verbosity"],
        )
