"""Background jobs moved to files named ``jobs.py`` (``cases.tasks`` → ``cases.jobs``, and the KPI
rollup to ``analytics.jobs``). django-tasks stores a job's module path with it: jobs queued before
the upgrade name the old modules, which no longer exist. Rename them, both ways."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat, Substr

RENAMED = {
    "dangqun.cases.tasks.rollup_kpis": "dangqun.analytics.jobs.rollup_kpis",
    "dangqun.cases.tasks.": "dangqun.cases.jobs.",
    "dangqun.triage.tasks.": "dangqun.triage.jobs.",
    "dangqun.notify.tasks.": "dangqun.notify.jobs.",
    "dangqun.exchange.tasks.": "dangqun.exchange.jobs.",
}


def _rename(apps, mapping):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    for old, new in mapping.items():
        if old.endswith("."):  # a module: every job of it, the rest of the path kept
            DBTaskResult.objects.filter(task_path__startswith=old).update(
                task_path=Concat(Value(new), Substr("task_path", len(old) + 1))
            )
        else:
            DBTaskResult.objects.filter(task_path=old).update(task_path=new)


def forwards(apps, schema_editor):
    _rename(apps, RENAMED)


def backwards(apps, schema_editor):
    _rename(apps, {new: old for old, new in reversed(list(RENAMED.items()))})


class Migration(migrations.Migration):

    dependencies = [
        ("analytics", "0001_kpi_event_mark"),
        ("django_tasks_database", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
