"""The recovery pieces the process-level fault tests rely on, in process (fast, both databases):
orphaned jobs queued again, deliveries whose job was lost queued again, and a case move's inbox rows
written in the move's own transaction."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dangqun.accounts.models import User
from dangqun.cases.jobs import sweep
from dangqun.cases.models import CaseTask
from dangqun.core.jobs import MAX_RUNS, requeue_orphaned_jobs, worker_id_for_this_process
from dangqun.notify.jobs import STUCK_AFTER, redeliver_stuck
from dangqun.notify.models import Delivery, DeliveryStatus, Notification
from dangqun.notify.services import notify_users

pytestmark = pytest.mark.faults

SWEEP = "dangqun.cases.jobs.sweep_cases"


def _dead_pid() -> int:
    pid = 4_000_000  # above the kernel's pid_max default: no such process
    assert not os.path.exists(f"/proc/{pid}")
    return pid


def _running(worker_ids: list[str], started: dt.datetime) -> DBTaskResult:
    from dangqun.cases.jobs import sweep_cases

    job = DBTaskResult.objects.get(id=sweep_cases.enqueue().id)
    DBTaskResult.objects.filter(pk=job.pk).update(status="RUNNING", worker_ids=worker_ids, started_at=started)
    return job


def test_a_job_whose_worker_died_on_this_machine_is_queued_again_at_once(demo):
    host = socket.gethostname()[:40]
    # A live process that looks like a worker (its command line names run_worker).
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "run_worker"])
    try:
        dead = _running([f"{host}:{_dead_pid()}:abcdefgh"], timezone.now())
        reused = _running([f"{host}:{os.getpid()}:abcdefgh"], timezone.now())  # a pid now not a worker
        alive = _running([f"{host}:{live.pid}:abcdefgh"], timezone.now())
        elsewhere = _running(["other-host:123:abcdefgh"], timezone.now())

        result = requeue_orphaned_jobs()
    finally:
        live.kill()
        live.wait()

    assert result == {"requeued": 2, "failed": 0}
    assert DBTaskResult.objects.get(pk=dead.pk).status == "READY"
    assert DBTaskResult.objects.get(pk=reused.pk).status == "READY"
    assert DBTaskResult.objects.get(pk=alive.pk).status == "RUNNING"
    # Another machine's worker cannot be looked at: its job waits for the lease.
    assert DBTaskResult.objects.get(pk=elsewhere.pk).status == "RUNNING"
    assert worker_id_for_this_process().startswith(f"{host}:{os.getpid()}:")


def test_a_job_running_past_the_lease_is_queued_again_and_one_that_kills_its_worker_fails(demo, settings):
    settings.DANGQUN = {**settings.DANGQUN, "JOB_LEASE_SECONDS": 60}
    old = timezone.now() - dt.timedelta(minutes=2)
    stale = _running(["other-host:1:a"], old)
    fresh = _running(["other-host:2:b"], timezone.now())
    deadly = _running([f"other-host:{i}:c" for i in range(MAX_RUNS)], old)

    assert requeue_orphaned_jobs() == {"requeued": 1, "failed": 1}
    assert DBTaskResult.objects.get(pk=stale.pk).status == "READY"
    assert DBTaskResult.objects.get(pk=fresh.pk).status == "RUNNING"
    failed = DBTaskResult.objects.get(pk=deadly.pk)
    assert failed.status == "FAILED"
    assert "worker lost" in failed.traceback


def test_the_scheduler_recovers_orphaned_jobs_and_enqueues_only_the_named_job(demo):
    job = _running([f"{socket.gethostname()[:40]}:{_dead_pid()}:abcdefgh"], timezone.now())
    before = DBTaskResult.objects.filter(status="READY").exclude(pk=job.pk).count()
    call_command("run_scheduler", "--once", "--job", SWEEP)
    assert DBTaskResult.objects.get(pk=job.pk).status == "READY"
    # The orphan is waiting again, so the scheduler adds no second sweep; and no other job.
    assert DBTaskResult.objects.filter(status="READY").exclude(pk=job.pk).count() == before


def test_deliveries_whose_job_was_lost_are_queued_again(demo):
    users = list(User.objects.filter(username__in=["citizen", "grid_worker"]))
    notify_users(actor=None, recipients=users, kind="case.breached", title="超时", channels=["sms"])
    rows = list(Delivery.objects.filter(notification__recipient__in=users).order_by("pk"))
    long_ago = timezone.now() - STUCK_AFTER - dt.timedelta(minutes=1)
    Delivery.objects.filter(pk=rows[0].pk).update(created_at=long_ago)  # its enqueue was lost
    Delivery.objects.filter(pk=rows[1].pk).update(
        status=DeliveryStatus.SENDING, claimed_at=long_ago, attempts=1
    )  # its worker died mid-send
    jobs_before = DBTaskResult.objects.filter(task_path="dangqun.notify.jobs.deliver_pending").count()

    assert redeliver_stuck.call() == {"requeued": 2}
    queued = DBTaskResult.objects.filter(task_path="dangqun.notify.jobs.deliver_pending").order_by(
        "-enqueued_at"
    )
    assert queued.count() == jobs_before + 1
    assert sorted(queued.first().args_kwargs["args"][0]) == sorted(r.pk for r in rows)


def test_a_breach_writes_its_inbox_rows_in_the_move_transaction(demo):
    """No on_commit callback runs in this test (its transaction is never committed), so the rows
    are there only if the move wrote them itself: a process killed right after the commit loses none."""
    task = CaseTask.objects.filter(status__in=["pending", "signed"]).select_related("case").first()
    assert task is not None
    CaseTask.objects.filter(pk=task.pk).update(
        resolve_due_at=timezone.now() - dt.timedelta(days=30), resolve_breached=False
    )
    before = Notification.objects.filter(kind="case.breached", subject_id=str(task.case_id)).count()

    sweep()

    assert Notification.objects.filter(kind="case.breached", subject_id=str(task.case_id)).count() > before
