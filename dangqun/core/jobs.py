"""Jobs whose worker died: django-tasks-db (0.13) leaves a job ``RUNNING`` for ever when its worker
is killed (kill -9, OOM, a lost machine); nothing runs it again. ``requeue_orphaned_jobs`` puts such
a job back to ``READY`` so that a worker runs it again. Our jobs are written to be run twice (the
sweep works under row locks and flags, deliveries are claimed by a conditional update), so running
one again does its work once.

A job is orphaned when

- its worker id names a process of this machine that is gone: ``run_worker`` gives its worker the id
  ``<host>:<pid>:<random>``, so a restarted worker (or the scheduler) knows at once; or
- it has been running longer than ``DANGQUN["JOB_LEASE_SECONDS"]`` (workers elsewhere, or started
  without ``run_worker``): the lease must be longer than the longest job.

A job that lost its worker ``MAX_RUNS`` times is marked failed instead (a job that kills its worker
must not loop for ever).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from pathlib import Path
from typing import cast

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("dangqun.jobs")

MAX_RUNS = 3
_WORKER_COMMANDS = ("db_worker", "run_worker")


def worker_id_for_this_process() -> str:
    """``<host>:<pid>:<random>``: enough for ``requeue_orphaned_jobs`` to see whether it lives."""
    host = socket.gethostname()[:40]
    return f"{host}:{os.getpid()}:{get_random_string(8)}"


def _process_gone(worker_id: str) -> bool:
    """True only for a worker id of this machine whose process is no longer a worker."""
    parts = worker_id.split(":")
    if len(parts) != 3 or parts[0] != socket.gethostname()[:40] or not parts[1].isdigit():
        return False
    try:
        cmdline = Path(f"/proc/{parts[1]}/cmdline").read_bytes()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return not any(name.encode() in cmdline for name in _WORKER_COMMANDS)


def lease() -> dt.timedelta:
    seconds = cast(float, settings.DANGQUN.get("JOB_LEASE_SECONDS", 3600))
    return dt.timedelta(seconds=float(seconds))


def requeue_orphaned_jobs(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Put every orphaned ``RUNNING`` job back to ``READY`` (or ``FAILED`` after ``MAX_RUNS``)."""
    now = now or timezone.now()
    stale_before = now - lease()
    requeued = failed = 0
    for job in DBTaskResult.objects.filter(status="RUNNING").order_by("started_at"):
        worker = job.worker_ids[-1] if job.worker_ids else ""
        started = job.started_at
        if not (_process_gone(worker) or (started is not None and started < stale_before)):
            continue
        # Only the claim we looked at: a job that finished or was claimed again meanwhile stays.
        still = DBTaskResult.objects.filter(pk=job.pk, status="RUNNING", started_at=started)
        if len(job.worker_ids) >= MAX_RUNS:
            changed = still.update(
                status="FAILED",
                finished_at=now,
                exception_class_path="dangqun.core.jobs.WorkerLost",
                traceback=f"worker lost {len(job.worker_ids)} times: {', '.join(job.worker_ids)}",
            )
            failed += changed
            if changed:
                logger.error("job %s (%s) lost its worker %s times: failed", job.pk, job.task_path, MAX_RUNS)
            continue
        changed = still.update(status="READY", started_at=None)
        requeued += changed
        if changed:
            logger.warning("job %s (%s) lost its worker %s: queued again", job.pk, job.task_path, worker)
    return {"requeued": requeued, "failed": failed}
