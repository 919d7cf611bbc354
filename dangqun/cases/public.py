"""What the public sees of a case: the citizen app, tracking by code (page and API) and Open311.

One list, so that a citizen reads the same progress wherever they look. Staff names are masked by
each reader; the reason is shown only where it is written for the reporter (why the case was turned
down, what was done).
"""

from __future__ import annotations

from dangqun.cases.enums import CaseEventType

E = CaseEventType

PUBLIC_EVENTS: frozenset[str] = frozenset(
    {
        E.CREATED,
        E.ACCEPTED,
        E.REJECTED,
        E.DISPATCHED,
        E.SIGNED,
        E.RESOLVED,
        E.RESOLVED_ON_SPOT,
        E.REVIEWED,
        E.REOPENED,
        E.REVIEW_FAILED,
        E.RATED,
        E.CLOSED,
        E.ESCALATED,
        E.MERGED,
        E.EXTENSION_APPROVED,  # the reporter learns that the answer will take longer
    }
)
PUBLIC_REASON_EVENTS: frozenset[str] = frozenset({E.REJECTED, E.RESOLVED, E.RESOLVED_ON_SPOT})
