"""Our case statuses in GeoReport terms.

GeoReport v2 knows two statuses, ``open`` and ``closed``; FixMyStreet's ``servicerequestupdates``
carries an extended, upper-case status. A case is ``closed`` once its handling is finished
(办结 and after), refused (不予受理) or merged (并单); a review failure (审核不通过) or a reopening
(重办) opens it again, which the updates feed reports as ``OPEN``.
"""

from __future__ import annotations

from dangqun.cases.enums import CaseStatus

S = CaseStatus

# our status → (GeoReport status, extended status)
STATUS_MAP: dict[str, tuple[str, str]] = {
    S.SUBMITTED: ("open", "OPEN"),
    S.ACCEPTED: ("open", "INVESTIGATING"),
    S.DISPATCHED: ("open", "ACTION_SCHEDULED"),
    S.IN_PROGRESS: ("open", "IN_PROGRESS"),
    S.RESOLVED: ("closed", "FIXED"),
    S.REVIEWED: ("closed", "FIXED"),
    S.CLOSED: ("closed", "CLOSED"),
    S.REJECTED: ("closed", "NO_FURTHER_ACTION"),
    S.MERGED: ("closed", "DUPLICATE"),
}

OPEN_CASE_STATUSES = tuple(s for s, (g, _) in STATUS_MAP.items() if g == "open")
CLOSED_CASE_STATUSES = tuple(s for s, (g, _) in STATUS_MAP.items() if g == "closed")
# What a client may send back in a servicerequestupdates POST.
CLIENT_UPDATE_STATUSES = frozenset(
    {"OPEN", "CLOSED", "FIXED", "IN_PROGRESS", "ACTION_SCHEDULED", "INVESTIGATING", "DUPLICATE"}
    | {"NOT_COUNCILS_RESPONSIBILITY", "NO_FURTHER_ACTION", "INTERNAL_REFERRAL"}
)


def georeport_status(status: str) -> str:
    return STATUS_MAP.get(status, ("open", "OPEN"))[0]


def extended_status(status: str) -> str:
    return STATUS_MAP.get(status, ("open", "OPEN"))[1]
