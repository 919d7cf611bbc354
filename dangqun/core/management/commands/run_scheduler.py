"""Enqueue the periodic jobs on their schedule; the worker (``db_worker``) runs them.

The jobs and their intervals are ``settings.DANGQUN["PERIODIC_JOBS"]``: dotted paths of django-tasks
tasks, so that each app schedules its own jobs without this command importing the app (core is the
lowest layer).

Run one on each of two or more nodes: exactly one of them, the holder of the ``scheduler`` lease
(``dangqun.core.leader``), enqueues; the others wait and try for the lease every ``ttl / 3`` seconds.
A leader renews it as often; when it dies its lease runs out after ``DANGQUN["SCHEDULER_LEASE_SECONDS"]``
and another scheduler takes over (at most ``ttl × 4/3`` after the death); a leader that stops cleanly
(SIGTERM, Ctrl-C, ``--once``) releases it at once. It enqueues
a job only when the previous run of the same job is no longer waiting, so a slow worker never piles
them up. Once a minute it also puts back the jobs whose worker died (``dangqun.core.jobs``).

    python manage.py run_scheduler [--once] [--job dangqun.cases.jobs.sweep_cases]
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from typing import Any, cast

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from dangqun.core import leader
from dangqun.core.jobs import requeue_orphaned_jobs, worker_id_for_this_process

logger = logging.getLogger("dangqun.scheduler")
LEASE = "scheduler"

RECOVER_EVERY = 60.0


def periodic_jobs() -> list[tuple[Any, float]]:
    """(task, every seconds) for each configured job; a bad entry stops the scheduler at once."""
    jobs = []
    configured = cast(list[tuple[str, float]], settings.DANGQUN["PERIODIC_JOBS"])
    for path, every in configured:
        try:
            job = import_string(path)
        except ImportError as exc:
            raise CommandError(f"周期任务 {path} 无法导入: {exc}") from exc
        if not hasattr(job, "enqueue") or float(every) <= 0:
            raise CommandError(f"周期任务 {path} 不是后台任务,或间隔 {every} 不是正数")
        jobs.append((job, float(every)))
    return jobs


class Command(BaseCommand):
    help = "周期性任务调度:按时把超时巡检、指标汇总等任务放入后台队列"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="enqueue every job once and exit")
        parser.add_argument(
            "--job", action="append", default=[], help="only this job (dotted path; repeatable)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = periodic_jobs()
        if options["job"]:
            unknown = set(options["job"]) - {job.module_path for job, _ in jobs}
            if unknown:
                raise CommandError(f"未配置的周期任务: {', '.join(sorted(unknown))}")
            jobs = [(job, every) for job, every in jobs if job.module_path in options["job"]]
        me = worker_id_for_this_process()
        ttl = float(cast(float, settings.DANGQUN.get("SCHEDULER_LEASE_SECONDS", 30)))
        in_main = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, _exit_cleanly) if in_main else None
        try:
            self._loop(jobs, me, ttl, once=options["once"])
        finally:
            leader.release(LEASE, me)
            if in_main:
                signal.signal(signal.SIGTERM, previous)

    def _loop(self, jobs: list[tuple[Any, float]], me: str, ttl: float, *, once: bool) -> None:
        next_run = {job.module_path: 0.0 for job, _ in jobs}
        next_recovery = 0.0
        leading = False
        next_lease = 0.0
        while True:
            current = time.monotonic()
            if current >= next_lease:
                was_leading, leading = leading, leader.acquire(LEASE, me, ttl)
                next_lease = current + ttl / 3
                if leading != was_leading:
                    logger.warning("scheduler %s %s", me, "leads" if leading else "no longer leads")
                    next_run = dict.fromkeys(next_run, 0.0)
            if not leading:
                if once:
                    self.stderr.write("another scheduler leads: nothing enqueued")
                    return
                time.sleep(1.0)
                continue
            if current >= next_recovery:
                recovered = requeue_orphaned_jobs()
                if any(recovered.values()):
                    self.stderr.write(f"jobs of dead workers: {recovered}")
                next_recovery = current + RECOVER_EVERY
            for job, every in jobs:
                if current < next_run[job.module_path]:
                    continue
                waiting = DBTaskResult.objects.filter(task_path=job.module_path, status="READY").exists()
                if not waiting:
                    job.enqueue()
                next_run[job.module_path] = current + every
            if once:
                return
            time.sleep(1.0)


def _exit_cleanly(signum: int, frame: Any) -> None:
    raise SystemExit(0)  # runs the ``finally`` that releases the lease
