"""Auto-dispatch: a case the classifier is sure about, whose routing rules name a lead unit, is accepted
and dispatched by the system (actor ``None``) through ``case_accept_and_dispatch`` after intake commits (the
``triage.jobs.auto_dispatch`` intake job).

Off unless ``DANGQUN["TRIAGE_AUTO_DISPATCH_CONFIDENCE"]`` is set (for example 0.9). Anything that goes
wrong leaves the case with the dispatcher, as if the threshold were not met.
"""

from __future__ import annotations

import logging

from django.db import transaction

from dangqun.cases.backends import Suggestion
from dangqun.cases.enums import CaseStatus
from dangqun.cases.models import Case
from dangqun.cases.services.moves import case_accept_and_dispatch
from dangqun.cases.units import route_units
from dangqun.core.audit import record_event
from dangqun.core.errors import DomainError
from dangqun.triage.events import TriageEvent
from dangqun.triage.runtime import auto_dispatch_threshold

logger = logging.getLogger(__name__)


def should_auto_dispatch(case: Case, suggestion: Suggestion) -> bool:
    threshold = auto_dispatch_threshold()
    route = case.suggested_route or {}
    return (
        threshold is not None
        and suggestion.confidence >= threshold
        and bool(route.get("lead_department") or route.get("lead_region"))
    )


def wanted(case: Case, suggestion: Suggestion | None) -> bool:
    """The ``triage.jobs.auto_dispatch`` intake job wants a case the classifier suggested a category
    for, confidently enough, whose route names a lead unit."""
    return suggestion is not None and should_auto_dispatch(case, suggestion)


def auto_dispatch(case_id: int) -> bool:
    """Accept and dispatch ``case_id`` to the units of its suggested route, as the system."""
    case = Case.objects.filter(pk=case_id).first()
    if case is None or case.status != CaseStatus.SUBMITTED:
        return False  # gone, or a dispatcher has taken it on meanwhile
    route = case.suggested_route or {}
    lead, co = route_units(route)
    if lead is None:
        return False
    triage = route.get("triage", {})
    try:
        with transaction.atomic():
            case_accept_and_dispatch(
                case=case_id,
                actor=None,
                lead=lead,
                co_units=co,
                reason=f"智能分拨自动派单(置信度 {triage.get('confidence')})",  # i18n: data (stored)
                expected_version=case.version,
            )
            record_event(
                actor=None,
                event_type=TriageEvent.AUTO_DISPATCHED,
                target=case,
                data={"case": case.code, "lead": lead.name, "triage": triage},
            )
    except DomainError as exc:
        logger.info("triage auto-dispatch of case %s skipped: %s", case_id, exc.message)
        return False
    except Exception:
        logger.exception("triage auto-dispatch of case %s failed", case_id)
        return False
    return True
