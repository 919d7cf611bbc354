"""Auto-merge (并单) at intake: after the new case commits, the ``triage.jobs.auto_merge`` job merges
it into an older open case about the same problem when ``duplicates.auto_merge_target`` finds one (off unless
``DANGQUN["TRIAGE_AUTO_MERGE_SCORE"]`` is set). The merge goes through ``case_transition``'s merge
move, which informs the duplicate's reporter and makes them follow the main case (``cases.recipients``).
It runs for every intake path (citizen app and web, hotline, grid workers, departments, Open311, the
hotline import), whether or not the classifier saw the case, except proactive cases (below).
Anything that goes wrong leaves the case with the dispatcher, who still sees the suggestion.
"""

from __future__ import annotations

import logging

from django.db import transaction

from dangqun.cases.backends import Suggestion
from dangqun.cases.enums import CaseChannel
from dangqun.cases.models import Case
from dangqun.cases.services.transition import case_transition
from dangqun.cases.workflow import Action
from dangqun.core.audit import record_event
from dangqun.core.errors import DomainError
from dangqun.triage.duplicates import auto_merge_score, auto_merge_target
from dangqun.triage.events import TriageEvent

logger = logging.getLogger(__name__)

NEVER_AUTO_MERGED = frozenset({CaseChannel.PROACTIVE})


def wanted(case: Case, suggestion: Suggestion | None = None) -> bool:
    """The ``triage.jobs.auto_merge`` intake job wants every new case from every channel (a category
    given by the caller, by the classifier or by nobody) while auto-merge is on. Proactive cases are
    left alone: the command centre makes them *from* a hotspot's duplicates, and folding one back into
    a member would undo the officer's decision."""
    return auto_merge_score() is not None and case.channel not in NEVER_AUTO_MERGED


def auto_merge(case_id: int) -> bool:
    """Merge ``case_id`` into its duplicate as the system; ``False`` when there is none or it failed."""
    try:
        case = Case.objects.filter(pk=case_id).first()
        target = auto_merge_target(case) if case is not None else None
        if case is None or target is None:
            return False
        with transaction.atomic():
            case_transition(
                case=case_id,
                action=Action.MERGE,
                actor=None,
                reason=f"智能并单:与{target.case.code}相似度 {target.score:.2f}",  # i18n: data (stored)
                main_case=target.case,
            )
            record_event(
                actor=None,
                event_type=TriageEvent.AUTO_MERGED,
                target=case,
                data={"case": case.code, "main_case": target.case.code, **target.as_json()},
            )
    except DomainError as exc:
        logger.info("triage auto-merge of case %s skipped: %s", case_id, exc.message)
        return False
    except Exception:
        logger.exception("triage auto-merge of case %s failed", case_id)
        return False
    return True
