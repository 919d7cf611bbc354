"""Jobs queued before the move to ``jobs.py`` name modules that no longer exist: the migration
``analytics.0002_job_module_paths`` renames their stored paths (and back), so a worker runs them."""

from __future__ import annotations

import importlib

from django.apps import apps
from django_tasks_db.models import DBTaskResult

from dangqun.analytics.jobs import rollup_kpis
from dangqun.cases.jobs import sweep_cases
from dangqun.notify.jobs import redeliver_stuck
from dangqun.triage.jobs import refresh_hotspots

migration = importlib.import_module("dangqun.analytics.migrations.0002_job_module_paths")

OLD_TO_NEW = {
    "dangqun.cases.tasks.rollup_kpis": "dangqun.analytics.jobs.rollup_kpis",
    "dangqun.cases.tasks.sweep_cases": "dangqun.cases.jobs.sweep_cases",
    "dangqun.triage.tasks.refresh_hotspots": "dangqun.triage.jobs.refresh_hotspots",
    "dangqun.notify.tasks.redeliver_stuck": "dangqun.notify.jobs.redeliver_stuck",
}


def test_jobs_queued_under_the_old_module_paths_are_renamed_both_ways(demo):
    DBTaskResult.objects.all().delete()
    queued = [job.enqueue() for job in (rollup_kpis, sweep_cases, refresh_hotspots, redeliver_stuck)]
    new_to_old = {new: old for old, new in OLD_TO_NEW.items()}
    for result in queued:  # as the queue held them before the upgrade
        row = DBTaskResult.objects.get(pk=result.id)
        DBTaskResult.objects.filter(pk=row.pk).update(task_path=new_to_old[row.task_path])
    assert set(DBTaskResult.objects.values_list("task_path", flat=True)) == set(OLD_TO_NEW)

    migration.forwards(apps, None)

    assert set(DBTaskResult.objects.values_list("task_path", flat=True)) == set(OLD_TO_NEW.values())
    for row in DBTaskResult.objects.all():
        assert row.task.name in {"rollup_kpis", "sweep_cases", "refresh_hotspots", "redeliver_stuck"}

    migration.backwards(apps, None)

    assert set(DBTaskResult.objects.values_list("task_path", flat=True)) == set(OLD_TO_NEW)
