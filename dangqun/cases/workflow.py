"""The case workflow: one table, one door.

Each action names the statuses it may start from, the status it leads to (``None``: the status does
not change, e.g. a co-unit signing its task), who may take it (a *relation* of the actor to the case,
worked out in ``cases.permissions``), the timestamp it stamps and what it does to the clocks.
``cases.services.transition.case_transition`` is the only code that applies it; the API's endpoints,
the web buttons, imports and jobs are all drawn from this table.

The table is keyed by action rather than by (from, to) because several moves share a pair
(退单 and 上报 both lead back to 待派单), and a move is what a user chooses.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from dangqun.cases.enums import CaseEventType, CaseStatus

S = CaseStatus


class Action(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    DISPATCH = "dispatch"
    SIGN = "sign"
    NOTE = "note"
    RETURN = "return"
    RESOLVE = "resolve"
    RESOLVE_ON_SPOT = "resolve_on_spot"
    REVIEW = "review"
    REVIEW_FAIL = "review_fail"
    RATE = "rate"
    CLOSE_UNRATED = "close_unrated"
    ESCALATE = "escalate"
    MERGE = "merge"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    REFUSE_EXTENSION = "refuse_extension"
    SUPERVISE = "supervise"
    LIFT_SUPERVISION = "lift_supervision"
    FOLLOW_UP = "follow_up"
    BREACH = "breach"


class Relation(StrEnum):
    """How an actor stands to a case. ``cases.permissions.relations`` computes the set."""

    DISPATCHER = "dispatcher"  # dispatches at the case's current handling level (指挥中心/街道/社区)
    LEAD_UNIT = "lead_unit"  # staff of the unit that holds the active lead task
    CO_UNIT = "co_unit"  # staff of a unit holding an active co-task
    GRID = "grid"  # grid worker/leader of the case's grid
    ESCALATOR = (
        "escalator"  # may pass the case one level up (grid/community/street staff at the handling level)
    )
    REPORTER = "reporter"  # the citizen who reported it
    SUPERVISOR = "supervisor"  # leader or dispatcher whose scope covers the case
    SYSTEM = "system"  # the background worker (actor None)


@dataclass(frozen=True)
class Transition:
    action: Action
    label: str | Promise
    sources: frozenset[CaseStatus]
    target: CaseStatus | None
    relations: frozenset[Relation]
    event: CaseEventType
    stamp: str = ""  # Case field set to now
    needs_reason: bool = False
    clock: str = ""  # "start" | "stop_sign" | "stop" | "restart" | "extend" | "clear"
    guard: str = ""  # a precondition beyond the status, see GUARDS


def _t(  # noqa: PLR0917 - the table reads best as positional rows
    action: Action,
    label: str | Promise,
    sources: set[CaseStatus],
    target: CaseStatus | None,
    relations: set[Relation],
    event: CaseEventType,
    **kw: object,
) -> Transition:
    return Transition(action, label, frozenset(sources), target, frozenset(relations), event, **kw)  # type: ignore[arg-type]


R = Relation
E = CaseEventType
OPEN_HANDLING = {S.DISPATCHED, S.IN_PROGRESS}

TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in (
        # The system (actor None) accepts and dispatches only for triage's auto-dispatch.
        _t(
            Action.ACCEPT,
            pgettext_lazy("case action", "受理"),
            {S.SUBMITTED},
            S.ACCEPTED,
            {R.DISPATCHER, R.SYSTEM},
            E.ACCEPTED,
            stamp="accepted_at",
        ),
        _t(
            Action.REJECT,
            pgettext_lazy("case action", "不予受理"),
            {S.SUBMITTED, S.ACCEPTED},
            S.REJECTED,
            {R.DISPATCHER},
            E.REJECTED,
            stamp="closed_at",
            needs_reason=True,
        ),
        _t(
            Action.DISPATCH,
            pgettext_lazy("case action", "派单"),
            {S.ACCEPTED},
            S.DISPATCHED,
            {R.DISPATCHER, R.SYSTEM},
            E.DISPATCHED,
            stamp="dispatched_at",
            clock="start",
        ),
        _t(
            Action.SIGN,
            pgettext_lazy("case action", "签收"),
            {S.DISPATCHED, S.IN_PROGRESS},
            None,
            {R.LEAD_UNIT, R.CO_UNIT},
            E.SIGNED,
            clock="stop_sign",
        ),
        _t(
            Action.NOTE,
            pgettext_lazy("case action", "处置记录"),
            {S.DISPATCHED, S.IN_PROGRESS},
            None,
            {R.LEAD_UNIT, R.CO_UNIT},
            E.NOTE,
            needs_reason=True,
        ),
        _t(
            Action.RETURN,
            pgettext_lazy("case action", "退单"),
            OPEN_HANDLING,
            S.ACCEPTED,
            {R.LEAD_UNIT},
            E.RETURNED,
            needs_reason=True,
            clock="clear",
        ),
        _t(
            Action.RESOLVE,
            pgettext_lazy("case action", "办结"),
            {S.IN_PROGRESS},
            S.RESOLVED,
            {R.LEAD_UNIT},
            E.RESOLVED,
            stamp="resolved_at",
            needs_reason=True,
            clock="stop",
        ),
        _t(
            Action.RESOLVE_ON_SPOT,
            pgettext_lazy("case action", "现场办结"),
            {S.SUBMITTED, S.ACCEPTED},
            S.RESOLVED,
            {R.GRID},
            E.RESOLVED_ON_SPOT,
            stamp="resolved_at",
            needs_reason=True,
        ),
        _t(
            Action.REVIEW,
            pgettext_lazy("case action", "审核通过"),
            {S.RESOLVED},
            S.REVIEWED,
            {R.DISPATCHER},
            E.REVIEWED,
            stamp="reviewed_at",
        ),
        _t(
            Action.REVIEW_FAIL,
            pgettext_lazy("case action", "审核不通过(重办)"),
            {S.RESOLVED},
            S.IN_PROGRESS,
            {R.DISPATCHER},
            E.REVIEW_FAILED,
            needs_reason=True,
            clock="restart",
        ),
        # Rating: satisfied/basically closes; unsatisfied reopens while reopens remain, else closes.
        _t(
            Action.RATE,
            pgettext_lazy("case action", "评价"),
            {S.REVIEWED},
            S.CLOSED,
            {R.REPORTER, R.DISPATCHER},
            E.RATED,
            stamp="closed_at",
        ),
        _t(
            Action.CLOSE_UNRATED,
            pgettext_lazy("case action", "超时未评价归档"),
            {S.REVIEWED},
            S.CLOSED,
            {R.SYSTEM, R.DISPATCHER},
            E.CLOSED,
            stamp="closed_at",
        ),
        _t(
            Action.ESCALATE,
            pgettext_lazy("case action", "上报"),
            {S.SUBMITTED, S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS},
            S.ACCEPTED,
            {R.ESCALATOR, R.SYSTEM},
            E.ESCALATED,
            needs_reason=True,
            clock="clear",
        ),
        _t(
            Action.MERGE,
            pgettext_lazy("case action", "并单"),
            {S.SUBMITTED, S.ACCEPTED},
            S.MERGED,
            {R.DISPATCHER, R.SYSTEM},  # the system: triage's auto-merge (off unless configured)
            E.MERGED,
            stamp="closed_at",
        ),
        _t(
            Action.REQUEST_EXTENSION,
            pgettext_lazy("case action", "申请延期"),
            OPEN_HANDLING,
            None,
            {R.LEAD_UNIT, R.CO_UNIT},
            E.EXTENSION_REQUESTED,
            needs_reason=True,
        ),
        _t(
            Action.APPROVE_EXTENSION,
            pgettext_lazy("case action", "批准延期"),
            OPEN_HANDLING,
            None,
            {R.DISPATCHER},
            E.EXTENSION_APPROVED,
            clock="extend",
        ),
        _t(
            Action.REFUSE_EXTENSION,
            pgettext_lazy("case action", "驳回延期"),
            OPEN_HANDLING,
            None,
            {R.DISPATCHER},
            E.EXTENSION_REFUSED,
            needs_reason=True,
            guard="extension_requested",
        ),
        _t(
            Action.SUPERVISE,
            pgettext_lazy("case action", "督办"),
            {S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.RESOLVED},
            None,
            {R.SUPERVISOR},
            E.SUPERVISED,
            needs_reason=True,
            guard="not_supervised",
        ),
        _t(
            Action.LIFT_SUPERVISION,
            pgettext_lazy("case action", "解除督办"),
            set(CaseStatus),
            None,
            {R.SUPERVISOR},
            E.SUPERVISION_LIFTED,
            guard="supervised",
        ),
        _t(
            Action.FOLLOW_UP,
            pgettext_lazy("case action", "回访"),
            {S.RESOLVED, S.REVIEWED, S.CLOSED},
            None,
            {R.DISPATCHER},
            E.FOLLOWED_UP,
            needs_reason=True,
        ),
        # The overdue sweep: marks breached tasks and passes the case one level up (the tasks go on).
        _t(
            Action.BREACH,
            pgettext_lazy("case action", "超时上报"),
            OPEN_HANDLING,
            None,
            {R.SYSTEM},
            E.BREACHED,
        ),
    )
}


def transition_for(action: Action | str) -> Transition:
    return TRANSITIONS[Action(action)]


def actions_from(status: CaseStatus | str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources]


# Preconditions beyond the status: (is_supervised, has a pending extension request) -> allowed.
GUARDS = {
    "": lambda supervised, extension: True,
    "supervised": lambda supervised, extension: supervised,
    "not_supervised": lambda supervised, extension: not supervised,
    "extension_requested": lambda supervised, extension: extension,
}


def available(
    status: CaseStatus | str,
    relations: set[Relation] | frozenset[Relation],
    *,
    supervised: bool | None = None,
    extension_requested: bool | None = None,
) -> list[Transition]:
    """The moves an actor with ``relations`` may make from ``status`` (UI buttons, 409 messages).

    With ``supervised`` and ``extension_requested`` given, moves whose guard fails are left out too.
    """
    moves = [t for t in actions_from(status) if t.relations & relations]
    if supervised is None or extension_requested is None:
        return moves
    return [t for t in moves if GUARDS[t.guard](supervised, extension_requested)]
