"""Background jobs of the case workflow, run by the worker (``manage.py db_worker``).

``sweep_cases`` is idempotent: it marks breaches once (the flags on the tasks say what was already
seen) and closes unrated cases once (the status says it). Running it twice, or in two workers at once,
does the work once: each case is handled under its row lock by ``case_transition``.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db.models import Q
from django_tasks import task

from dangqun.cases.enums import ACTIVE_TASK_STATUSES, CaseStatus, TaskStatus
from dangqun.cases.models import Case, CaseConfig, CaseTask
from dangqun.cases.services.transition import case_transition
from dangqun.cases.workflow import Action
from dangqun.core import clock
from dangqun.core.errors import DomainError

logger = logging.getLogger(__name__)


def sweep(at: dt.datetime | None = None, limit: int = 5000) -> dict[str, int]:
    at = at or clock.now()
    overdue = (
        CaseTask.objects.filter(status__in=list(ACTIVE_TASK_STATUSES))
        .filter(
            Q(status=TaskStatus.PENDING, sign_breached=False, sign_due_at__lt=at)
            | Q(resolve_breached=False, resolve_due_at__lt=at)
        )
        .values_list("case_id", flat=True)
        .distinct()[:limit]
    )
    breached = 0
    for case_id in list(overdue):
        try:
            case_transition(case=case_id, action=Action.BREACH, actor=None)
            breached += 1
        except DomainError as exc:
            logger.info("sweep: case %s: %s", case_id, exc.message)
    config = CaseConfig.objects.order_by("id").first() or CaseConfig()
    cutoff = at - dt.timedelta(days=config.rating_timeout_days)
    unrated = Case.objects.filter(status=CaseStatus.REVIEWED, reviewed_at__lt=cutoff).values_list(
        "pk", flat=True
    )
    closed = 0
    for case_id in list(unrated[:limit]):
        try:
            case_transition(case=case_id, action=Action.CLOSE_UNRATED, actor=None)
            closed += 1
        except DomainError as exc:
            logger.info("sweep: case %s: %s", case_id, exc.message)
    return {"breached": breached, "closed_unrated": closed}


@task()
def sweep_cases() -> dict[str, int]:
    result = sweep()
    logger.info("sweep_cases: %s", result)
    return result
