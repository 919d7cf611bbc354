"""kill -9 of the background worker in the middle of the overdue sweep.

django-tasks-db leaves the job RUNNING for ever; ``run_worker`` (``dangqun.core.jobs``) sees at start
that the worker named in the job is gone and queues the job again. The second run does only what the
first did not: one breach event per overdue case, one inbox row per case and recipient, one delivery
per row and channel, each sent once.
"""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult

from dangqun.cases.models import Case, CaseEvent, CaseTask
from dangqun.notify.models import Delivery, Notification
from tests.faults.harness import ROOT, Target, copy_of_test_database, group_kill, report, scaled

pytestmark = pytest.mark.faults

SWEEP = "dangqun.cases.jobs.sweep_cases"
JOBS = DBTaskResult._meta.db_table


def _make_overdue(target: Target) -> list[int]:
    """Put closed cases back in handling with a task past its deadline: work for the sweep."""
    cases, tasks = Case._meta.db_table, CaseTask._meta.db_table
    ids = [
        row[0]
        for row in target.query(
            f"SELECT DISTINCT c.id FROM {cases} c JOIN {tasks} t ON t.case_id = c.id "  # noqa: S608
            "WHERE c.status = 'closed' AND t.status = 'done' ORDER BY c.id"
        )
    ][: scaled(60)]
    marks = ",".join(str(i) for i in ids)
    target.query(f"UPDATE {cases} SET status = 'in_progress' WHERE id IN ({marks})")  # noqa: S608
    target.query(
        f"UPDATE {tasks} SET status = 'signed', resolve_breached = %s, "  # noqa: S608
        f"resolve_due_at = %s WHERE case_id IN ({marks}) AND status = 'done'",
        (False, "2020-01-01 00:00:00+00:00"),
    )
    return ids


REDELIVER_NOW = (
    "from datetime import timedelta\n"
    "from django.utils import timezone\n"
    "from dangqun.notify.jobs import STUCK_AFTER, deliver_pending, stuck_delivery_ids\n"
    "ids = stuck_delivery_ids(timezone.now() + STUCK_AFTER + timedelta(seconds=1))\n"
    "if ids:\n"
    "    deliver_pending.enqueue(ids)\n"
    "print('redelivered', len(ids))\n"
)


def _manage(target: Target, log: Path, *args: str) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=target.env,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )


def _last_ids(target: Target) -> tuple[int, int]:
    """The highest event and notification ids before the sweep: what the sweep adds is above them."""
    event = target.query(f"SELECT coalesce(max(id), 0) FROM {CaseEvent._meta.db_table}")[0][0]  # noqa: S608
    notice = target.query(f"SELECT coalesce(max(id), 0) FROM {Notification._meta.db_table}")[0][0]  # noqa: S608
    return int(event), int(notice)


def _breaches(target: Target, ids: list[int], after: int) -> int:
    marks = ",".join(str(i) for i in ids)
    return target.query(
        f"SELECT count(*) FROM {CaseEvent._meta.db_table} WHERE event_type = 'breached' "  # noqa: S608
        f"AND case_id IN ({marks}) AND id > %s",
        (after,),
    )[0][0]


def _wait(condition, seconds: float, what: str, log: Path) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}: {log.read_text()[-3000:]}")


def test_a_worker_killed_mid_sweep_is_replaced_and_the_sweep_does_its_work_once(
    demo_db, django_db_blocker, tmp_path
):
    log = tmp_path / "worker.log"
    with django_db_blocker.unblock(), copy_of_test_database(tmp_path) as target:
        ids = _make_overdue(target)
        first_event, first_notice = _last_ids(target)
        assert len(ids) >= 10, "the demo data has too few closed cases to reopen"
        enqueue = _manage(target, log, "run_scheduler", "--once", "--job", SWEEP)
        assert enqueue.wait(timeout=120) == 0, log.read_text()
        worker = _manage(target, log, "run_worker", "--interval", "0.2")
        try:
            _wait(lambda: _breaches(target, ids, first_event) >= 2, 120, "the sweep to start", log)
            group_kill(worker, signal.SIGKILL)
            worker.wait(timeout=10)
        finally:
            with contextlib.suppress(ProcessLookupError):
                group_kill(worker, signal.SIGKILL)
        done_at_kill = _breaches(target, ids, first_event)
        job = target.query(f"SELECT status, worker_ids FROM {JOBS} WHERE task_path = %s", (SWEEP,))  # noqa: S608
        assert [row[0] for row in job] == ["RUNNING"], job
        assert done_at_kill < len(ids), "the sweep finished before the kill: make more work"

        def drained() -> bool:
            return (
                target.query(f"SELECT count(*) FROM {JOBS} WHERE status IN ('READY', 'RUNNING')")[0][0]  # noqa: S608
                == 0
            )

        again = _manage(target, log, "run_worker", "--interval", "0.2")
        try:
            _wait(drained, 180, "the queue to drain", log)
            # A kill between a move's commit and its after-commit enqueue leaves that move's outside
            # deliveries queued with no job; the scheduler's redeliver_stuck picks them up once they
            # are STUCK_AFTER old. Play that pass now, its clock moved past the cut-off.
            redeliver = _manage(target, log, "shell", "-c", REDELIVER_NOW)
            assert redeliver.wait(timeout=120) == 0, log.read_text()[-3000:]
            _wait(drained, 180, "the redelivered jobs to drain", log)
        finally:
            group_kill(again, signal.SIGTERM)
            again.wait(timeout=30)

        status, worker_ids = target.query(
            f"SELECT status, worker_ids FROM {JOBS} WHERE task_path = %s",  # noqa: S608
            (SWEEP,),
        )[0]
        marks = ",".join(str(i) for i in ids)
        events = target.query(
            f"SELECT case_id, count(*) FROM {CaseEvent._meta.db_table} "  # noqa: S608
            f"WHERE event_type = 'breached' AND case_id IN ({marks}) AND id > %s GROUP BY case_id",
            (first_event,),
        )
        inbox = target.query(
            f"SELECT subject_id, recipient_id, count(*) FROM {Notification._meta.db_table} "  # noqa: S608
            "WHERE kind = 'case.breached' AND id > %s GROUP BY subject_id, recipient_id",
            (first_notice,),
        )
        deliveries = target.query(
            f"SELECT d.status, d.attempts, count(*) FROM {Delivery._meta.db_table} d "  # noqa: S608
            f"JOIN {Notification._meta.db_table} n ON n.id = d.notification_id "
            "WHERE n.kind = 'case.breached' AND n.id > %s GROUP BY d.status, d.attempts",
            (first_notice,),
        )
        unbreached = target.query(
            f"SELECT count(*) FROM {CaseTask._meta.db_table} WHERE case_id IN ({marks}) "  # noqa: S608
            "AND status = 'signed' AND NOT resolve_breached"
        )[0][0]
    report(
        "worker_killed",
        {
            "db": target.vendor,
            "overdue_cases": len(ids),
            "breached_before_kill": done_at_kill,
            "job": status,
            "job_workers": worker_ids,
            "inbox_rows": sum(r[2] for r in inbox),
            "deliveries": deliveries,
        },
    )
    assert status == "SUCCESSFUL"
    assert len(worker_ids if isinstance(worker_ids, list) else json.loads(worker_ids)) == 2
    assert {case_id for case_id, _ in events} == set(ids)
    assert all(count == 1 for _, count in events), "a case breached twice"
    assert unbreached == 0
    assert inbox, "the breaches notified nobody"
    assert {str(i) for i in ids} <= {subject for subject, _, _ in inbox}
    assert all(count == 1 for _, _, count in inbox), "an inbox row was written twice"
    assert deliveries, "no external delivery was queued"
    assert all(status == "sent" and attempts == 1 for status, attempts, _ in deliveries), deliveries
