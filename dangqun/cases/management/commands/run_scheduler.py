"""Enqueue the periodic jobs on their schedule; the worker (``db_worker``) runs them.

Run one scheduler per deployment (``make run`` starts it beside the worker). It enqueues a job only
when the previous run of the same job is no longer waiting, so a slow worker never piles them up.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django_tasks_db.models import DBTaskResult

from dangqun.cases.tasks import sweep_cases

JOBS = [(sweep_cases, 60.0)]


class Command(BaseCommand):
    help = "周期性任务调度:按时把超时巡检等任务放入后台队列"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="enqueue every job once and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        next_run = {job.name: 0.0 for job, _ in JOBS}
        while True:
            current = time.monotonic()
            for job, every in JOBS:
                if current < next_run[job.name]:
                    continue
                waiting = DBTaskResult.objects.filter(task_path=job.module_path, status="READY").exists()
                if not waiting:
                    job.enqueue()
                next_run[job.name] = current + every
            if options["once"]:
                return
            time.sleep(1.0)
