"""Background jobs of triage, run by the worker (``manage.py db_worker``): retraining, hotspots."""

from __future__ import annotations

import logging
from typing import Any

from django.utils.translation import gettext as _
from django_tasks import task

from dangqun.triage import hotspots_services
from dangqun.triage.services import train_model

logger = logging.getLogger(__name__)


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
