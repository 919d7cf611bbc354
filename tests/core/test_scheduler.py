"""The scheduler enqueues the configured periodic jobs, once while one is still waiting, and refuses a
bad configuration at start instead of failing later in the worker."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult


def _waiting(path: str) -> int:
    return DBTaskResult.objects.filter(task_path=path, status="READY").count()


def test_a_waiting_job_is_not_enqueued_twice(demo):
    before = _waiting("dangqun.cases.jobs.sweep_cases")
    call_command("run_scheduler", "--once")
    call_command("run_scheduler", "--once")
    assert _waiting("dangqun.cases.jobs.sweep_cases") == max(before, 1)


@pytest.mark.parametrize(
    ("jobs", "message"),
    [
        ([("dangqun.cases.jobs.no_such_job", 60)], "无法导入"),
        ([("dangqun.core.clock.now", 60)], "不是后台任务"),
        ([("dangqun.cases.jobs.sweep_cases", 0)], "不是正数"),
    ],
)
def test_a_bad_job_list_stops_the_scheduler_with_a_clear_error(demo, settings, jobs, message):
    settings.DANGQUN = {**settings.DANGQUN, "PERIODIC_JOBS": jobs}
    with pytest.raises(CommandError, match=message):
        call_command("run_scheduler", "--once")
