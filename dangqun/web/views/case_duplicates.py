"""Duplicate suggestions (并单建议) for the case page and the command centre's triage queue, computed
when the page is drawn (``triage.duplicates``) among the cases the viewer may read. Merging posts the
ordinary merge move (/cases/<code>/do/merge/ with ``main_case``), so the workflow table decides."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dangqun.cases.models import Case
from dangqun.cases.permissions import visible_cases_q
from dangqun.triage.duplicates import MERGEABLE, Duplicate, duplicates_for, duplicates_of


def case_duplicates(user: Any, case: Case, *, may_merge: bool) -> list[Duplicate]:
    """Suggestions for one case, only for a viewer who may merge it (one query)."""
    if not may_merge or case.status not in MERGEABLE:
        return []
    return duplicates_of(case, visible=visible_cases_q(user))


def queue_duplicates(user: Any, cases: Sequence[Case]) -> dict[str, list[Duplicate]]:
    """Suggestions for the queue's cases by case code (one query for the whole page)."""
    waiting = [c for c in cases if c.status in MERGEABLE]
    if not waiting:
        return {}
    found = duplicates_for(waiting, visible=visible_cases_q(user))
    return {c.code: found[c.pk] for c in waiting if found.get(c.pk)}
