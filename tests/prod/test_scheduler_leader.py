"""One scheduler leads (``dangqun.core.leader``): the lease in the database, and two real scheduler
processes of which the survivor takes over when the leader is killed."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dangqun.core import leader
from tests.faults.harness import ROOT, copy_of_test_database

T0 = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def test_one_holder_at_a_time_and_a_dead_holder_is_replaced_after_its_ttl(db):
    assert leader.acquire("scheduler", "a", 30, now=at(0))
    assert not leader.acquire("scheduler", "b", 30, now=at(1))
    assert leader.acquire("scheduler", "a", 30, now=at(10))  # renewed: now until 40
    assert not leader.acquire("scheduler", "b", 30, now=at(39))
    assert leader.acquire("scheduler", "b", 30, now=at(40))  # a stopped renewing
    assert not leader.acquire("scheduler", "a", 30, now=at(41))
    assert leader.holder_of("scheduler", now=at(41)) == "b"


def test_a_released_lease_is_taken_at_once(db):
    assert leader.acquire("scheduler", "a", 30)
    leader.release("scheduler", "b")  # not its lease: nothing happens
    assert not leader.acquire("scheduler", "b", 30)
    leader.release("scheduler", "a")
    assert leader.acquire("scheduler", "b", 30)


def test_a_scheduler_that_does_not_lead_enqueues_nothing(demo, settings):
    settings.DANGQUN = {**settings.DANGQUN, "PERIODIC_JOBS": [("dangqun.cases.jobs.sweep_cases", 60)]}
    DBTaskResult.objects.filter(task_path="dangqun.cases.jobs.sweep_cases", status="READY").delete()
    assert leader.acquire("scheduler", "another-node:1:x", 30)
    call_command("run_scheduler", "--once")
    assert not DBTaskResult.objects.filter(
        task_path="dangqun.cases.jobs.sweep_cases", status="READY"
    ).exists()
    leader.release("scheduler", "another-node:1:x")
    call_command("run_scheduler", "--once")
    assert (
        DBTaskResult.objects.filter(task_path="dangqun.cases.jobs.sweep_cases", status="READY").count() == 1
    )
    assert leader.holder_of("scheduler") == ""  # --once released it on leaving


def test_metrics_show_the_scheduler_heartbeat(client, db):
    leader.acquire("scheduler", "node-a:1:x", 30, now=timezone.now() - dt.timedelta(seconds=5))
    text = client.get("/metrics").content.decode()
    assert 'dangqun_lease_held{lease="scheduler"} 1.0' in text
    age = next(
        line
        for line in text.splitlines()
        if line.startswith('dangqun_lease_heartbeat_age_seconds{lease="scheduler"}')
    )
    assert float(age.rsplit(" ", 1)[1]) >= 5


@pytest.mark.faults
def test_when_the_leading_scheduler_is_killed_the_other_takes_over(demo_db, django_db_blocker, tmp_path):
    ttl = 3
    with django_db_blocker.unblock(), copy_of_test_database(tmp_path) as target:
        env = {
            **target.env,
            "DANGQUN_SCHEDULER_LEASE_SECONDS": str(ttl),
            "DANGQUN_DEMO_TICK": "0",
        }
        procs: dict[int, subprocess.Popen[bytes]] = {}
        for name in ("one", "two"):
            with (tmp_path / f"scheduler-{name}.log").open("ab") as log:
                proc = subprocess.Popen(
                    [sys.executable, "manage.py", "run_scheduler"],
                    cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True,
                )  # fmt: skip
            procs[proc.pid] = proc

        def holder_pid() -> int | None:
            rows = target.query(
                "SELECT holder FROM core_lease WHERE name = %s AND holder <> '' AND expires_at > %s",
                (
                    "scheduler",
                    timezone.now().replace(tzinfo=None).isoformat(sep=" ")
                    if target.vendor == "sqlite"
                    else timezone.now(),
                ),
            )
            return int(rows[0][0].split(":")[1]) if rows else None

        def wait_for(condition: Callable[[], object], seconds: float) -> float:
            started = time.monotonic()
            while time.monotonic() - started < seconds:
                found = condition()
                if found:
                    return time.monotonic() - started
                for proc in procs.values():
                    if proc.poll() is not None and proc.returncode != -signal.SIGKILL:
                        raise RuntimeError(f"a scheduler exited: {proc.returncode}")
                with contextlib.suppress(subprocess.TimeoutExpired):
                    next(iter(procs.values())).wait(timeout=0.25)  # the pause between looks
            raise AssertionError(f"not within {seconds} s")

        try:
            wait_for(lambda: holder_pid() in procs, 180)
            first = holder_pid()
            assert first is not None
            os.kill(first, signal.SIGKILL)
            procs[first].wait(timeout=30)
            took = wait_for(lambda: holder_pid() not in (None, first), 120)
            second = holder_pid()
        finally:
            for proc in procs.values():
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=30)
        assert second in procs
        assert second != first
        # The survivor had to wait out the dead leader's lease, no longer than a lease and a try.
        assert took < 120
        waiting = target.query(
            f"SELECT COUNT(*) FROM {DBTaskResult._meta.db_table} WHERE task_path = %s AND status = 'READY'",  # noqa: S608
            ("dangqun.cases.jobs.sweep_cases",),
        )
        assert waiting[0][0] <= 1  # two schedulers never queued the sweep twice
