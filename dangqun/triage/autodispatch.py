"""Auto-dispatch: a case the classifier is sure about, whose routing rules name a lead unit, is accepted
and dispatched by the system (actor ``None``) through ``case_transition`` after intake commits (the
``triage.jobs.auto_dispatch`` intake job).

Off unless ``DANGQUN["TRIAGE_AUTO_DISPATCH_CONFIDENCE"]`` is set (for example 0.9). Anything that goes
wrong leaves the case with the dispatcher, as if the threshold were not met.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from dangqun.cases.backends import Suggestion
from dangqun.cases.models import Case
from dangqun.cases.services.transition import Unit, case_transition
from dangqun.cases.workflow import Action
from dangqun.core.audit import record_event
from dangqun.core.errors import DomainError
from dangqun.orgs.models import Department
from dangqun.regions.models import Region
from dangqun.triage.events import TriageEvent
from dangqun.triage.runtime import auto_dispatch_threshold

logger = logging.getLogger(__name__)


def _units(route: dict[str, Any]) -> tuple[Unit | None, list[Unit]]:
    lead: Unit | None = None
    if route.get("lead_department"):
        department = Department.objects.filter(code=route["lead_department"], is_active=True).first()
        lead = Unit(department=department) if department else None
    elif route.get("lead_region"):
        region = Region.objects.filter(code=route["lead_region"], is_active=True).first()
        lead = Unit(region=region) if region else None
    co = [
        Unit(department=d)
        for d in Department.objects.filter(code__in=route.get("co_departments") or [], is_active=True)
    ]
    return lead, co


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
    if case is None:
        return False
    route = case.suggested_route or {}
    lead, co = _units(route)
    if lead is None:
        return False
    triage = route.get("triage", {})
    try:
        with transaction.atomic():
            case_transition(case=case_id, action=Action.ACCEPT, actor=None)
            case_transition(
                case=case_id,
                action=Action.DISPATCH,
                actor=None,
                reason=f"智能分拨自动派单(置信度 {triage.get('confidence')})",  # i18n: data (stored)
                lead=lead,
                co_units=co,
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
