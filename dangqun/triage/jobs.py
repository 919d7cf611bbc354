"""Background jobs of triage.

Run by the worker (``manage.py db_worker``): retraining and hotspots (django-tasks tasks, scheduled by
``run_scheduler``). Queued on commit after a submission (``DANGQUN_INTAKE_JOBS``, read by
``cases.backends.queue_intake_jobs``): ``auto_merge`` folds a duplicate into the older open case,
``auto_dispatch`` accepts and dispatches a case the classifier is sure about. They run right after
intake's commit, as the system, in the process that committed (the answer to the submission shows
their outcome); a failure leaves the case with the dispatcher.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils.translation import gettext as _
from django_tasks import task

from dangqun.cases.backends import IntakeJob
from dangqun.triage import autodispatch, automerge, hotspots_services
from dangqun.triage.services import train_model

logger = logging.getLogger(__name__)

auto_merge = IntakeJob(name="auto_merge", wanted=automerge.wanted, run=automerge.auto_merge)
auto_dispatch = IntakeJob(name="auto_dispatch", wanted=autodispatch.wanted, run=autodispatch.auto_dispatch)


@task()
def retrain_triage(note: str = "") -> dict[str, Any]:
    """Train a new version from the confirmed cases and make it active (the system is the actor)."""
    model = train_model(actor=None, note=note or _("定时重新训练"))
    result = {"version": model.version, "n_labelled": model.n_labelled, "scores": model.scores}
    logger.info("retrain_triage: %s", result)
    return result


@task()
def refresh_hotspots(window_days: int = 90, top: int = 10) -> dict[str, Any]:
    """Recluster the recent cases into hotspots (the system is the actor); the lead schedules it."""
    rows = hotspots_services.refresh_hotspots(actor=None, window_days=window_days, top=top)
    result = {
        "hotspots": len(rows),
        "top": [{"rank": r.rank, "heat": r.heat, "title": r.title} for r in rows[:3]],
    }
    logger.info("refresh_hotspots: %s", result)
    return result
