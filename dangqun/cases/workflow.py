"""The case workflow: one table, one door (``CaseWorkflow``, on the spine in ``core.workflow``).

Each row of ``TABLE`` is the whole truth about one move: the statuses it starts from, where it leads (a
status, or a named target rule choosing among the statuses the row lists), who may take it (a
*relation* of the actor to the case, worked out in ``cases.permissions``), the guard beyond the status,
the fields it stamps, its clock effect (the named functions below are the only code that moves a
deadline), the event it appends, the notification it sends, the input it needs and, only where a row
cannot say it, the handler it names. ``CaseWorkflow.apply`` (called by
``cases.services.transition.case_transition``) is the only code that changes a case's status;
``cases.selectors.available_moves`` runs the same checks to draw the buttons of the API and the pages.

The table is keyed by action rather than by (from, to) because several moves share a pair
(退单 and 上报 both lead back to 待派单), and a move is what a user chooses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from dangqun.accounts.scope import get_scope
from dangqun.cases import sla
from dangqun.cases.enums import (
    ACTIVE_TASK_STATUSES,
    CaseEventType,
    CaseStatus,
    ExtensionStatus,
    Satisfaction,
    TaskRole,
    TaskStatus,
)
from dangqun.cases.models import Case, CaseConfig, CaseEvent, CaseTask
from dangqun.cases.services.timeline import actor_label, actor_unit
from dangqun.core.errors import ConflictError
from dangqun.core.workflow import (
    Actor,
    Clock,
    Ctx,
    Guard,
    Handler,
    Outcome,
    TargetRule,
    Transition,
    Workflow,
    row,
)
from dangqun.regions.models import Region, RegionLevel

if TYPE_CHECKING:
    from dangqun.cases.services.transition import Unit

__all__ = ["TRANSITIONS", "Action", "CaseWorkflow", "Relation", "Transition", "transition_for"]

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


R = Relation
E = CaseEventType
OPEN_HANDLING = {S.DISPATCHED, S.IN_PROGRESS}
REOPEN = {S.IN_PROGRESS, S.ACCEPTED}  # back to the lead unit, or back to dispatch when it has no done task

# fmt: off
TABLE: tuple[Transition, ...] = (
    # The system (actor None) accepts and dispatches only for triage's auto-dispatch.
    row(Action.ACCEPT, pgettext_lazy("case action", "受理"), {S.SUBMITTED}, S.ACCEPTED,
        {R.DISPATCHER, R.SYSTEM}, E.ACCEPTED, stamps=["accepted_at"]),
    row(Action.REJECT, pgettext_lazy("case action", "不予受理"), {S.SUBMITTED, S.ACCEPTED}, S.REJECTED,
        {R.DISPATCHER}, E.REJECTED, stamps=["closed_at"], needs=["reason"], notify="case.rejected"),
    row(Action.DISPATCH, pgettext_lazy("case action", "派单"), {S.ACCEPTED}, S.DISPATCHED,
        {R.DISPATCHER, R.SYSTEM}, E.DISPATCHED, stamps=["dispatched_at"], clock="start",
        handler="dispatch", notify="case.dispatched"),
    # A unit signs its task; the lead's signature puts the case in progress (and stamps signed_at).
    row(Action.SIGN, pgettext_lazy("case action", "签收"), OPEN_HANDLING, None,
        {R.LEAD_UNIT, R.CO_UNIT}, E.SIGNED, target_rule="sign", targets=OPEN_HANDLING,
        guard="task_to_sign", clock="stop_sign", stamps_on={S.IN_PROGRESS: "signed_at"}, handler="sign"),
    row(Action.NOTE, pgettext_lazy("case action", "处置记录"), OPEN_HANDLING, None,
        {R.LEAD_UNIT, R.CO_UNIT}, E.NOTE, needs=["reason"], handler="note"),
    row(Action.RETURN, pgettext_lazy("case action", "退单"), OPEN_HANDLING, S.ACCEPTED,
        {R.LEAD_UNIT}, E.RETURNED, needs=["reason"], clock="clear", handler="return",
        notify="case.returned"),
    row(Action.RESOLVE, pgettext_lazy("case action", "办结"), {S.IN_PROGRESS}, S.RESOLVED,
        {R.LEAD_UNIT}, E.RESOLVED, stamps=["resolved_at"], needs=["reason"], clock="stop",
        handler="resolve", notify="case.resolved"),
    row(Action.RESOLVE_ON_SPOT, pgettext_lazy("case action", "现场办结"),
        {S.SUBMITTED, S.ACCEPTED}, S.RESOLVED,
        {R.GRID}, E.RESOLVED_ON_SPOT, stamps=["resolved_at"], needs=["reason"],
        handler="resolve_on_spot", notify="case.resolved"),
    row(Action.REVIEW, pgettext_lazy("case action", "审核通过"), {S.RESOLVED}, S.REVIEWED,
        {R.DISPATCHER}, E.REVIEWED, stamps=["reviewed_at"], notify="case.reviewed"),
    row(Action.REVIEW_FAIL, pgettext_lazy("case action", "审核不通过(重办)"), {S.RESOLVED}, None,
        {R.DISPATCHER}, E.REVIEW_FAILED, target_rule="reopen", targets=REOPEN, needs=["reason"],
        clock_on={S.IN_PROGRESS: "restart", S.ACCEPTED: "clear"}, handler="reopen",
        notify="case.reopened"),
    # Rating: satisfied/basically closes; unsatisfied reopens while reopens remain, else closes.
    row(Action.RATE, pgettext_lazy("case action", "评价"), {S.REVIEWED}, None,
        {R.REPORTER, R.DISPATCHER}, E.RATED, target_rule="rating", targets={S.CLOSED, *REOPEN},
        needs=["satisfaction"], stamps_on={S.CLOSED: "closed_at"},
        clock_on={S.IN_PROGRESS: "restart", S.ACCEPTED: "clear"},
        notify_on={S.IN_PROGRESS: "case.reopened", S.ACCEPTED: "case.reopened"}, handler="rate"),
    row(Action.CLOSE_UNRATED, pgettext_lazy("case action", "超时未评价归档"), {S.REVIEWED}, S.CLOSED,
        {R.SYSTEM, R.DISPATCHER}, E.CLOSED, guard="rating_window_passed", stamps=["closed_at"],
        handler="close_unrated"),
    row(Action.ESCALATE, pgettext_lazy("case action", "上报"),
        {S.SUBMITTED, S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS}, S.ACCEPTED,
        {R.ESCALATOR, R.SYSTEM}, E.ESCALATED, guard="level_above", needs=["reason"], clock="clear",
        handler="escalate", notify="case.escalated"),
    # The system: triage's auto-merge (off unless configured).
    row(Action.MERGE, pgettext_lazy("case action", "并单"), {S.SUBMITTED, S.ACCEPTED}, S.MERGED,
        {R.DISPATCHER, R.SYSTEM}, E.MERGED, stamps=["closed_at"], needs=["main_case"],
        handler="merge", notify="case.merged"),
    row(Action.REQUEST_EXTENSION, pgettext_lazy("case action", "申请延期"), OPEN_HANDLING, None,
        {R.LEAD_UNIT, R.CO_UNIT}, E.EXTENSION_REQUESTED, guard="task_to_extend",
        needs=["reason", "days"], handler="request_extension", notify="case.extension_requested"),
    row(Action.APPROVE_EXTENSION, pgettext_lazy("case action", "批准延期"), OPEN_HANDLING, None,
        {R.DISPATCHER}, E.EXTENSION_APPROVED, guard="extension_requested", clock="extend",
        handler="approve_extension", notify="case.extension_decided"),
    row(Action.REFUSE_EXTENSION, pgettext_lazy("case action", "驳回延期"), OPEN_HANDLING, None,
        {R.DISPATCHER}, E.EXTENSION_REFUSED, guard="extension_requested", needs=["reason"],
        handler="refuse_extension", notify="case.extension_decided"),
    row(Action.SUPERVISE, pgettext_lazy("case action", "督办"),
        {S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.RESOLVED}, None,
        {R.SUPERVISOR}, E.SUPERVISED, guard="not_supervised", needs=["reason"], handler="supervise",
        notify="case.supervised"),
    row(Action.LIFT_SUPERVISION, pgettext_lazy("case action", "解除督办"), set(CaseStatus), None,
        {R.SUPERVISOR}, E.SUPERVISION_LIFTED, guard="supervised", handler="lift_supervision"),
    row(Action.FOLLOW_UP, pgettext_lazy("case action", "回访"), {S.RESOLVED, S.REVIEWED, S.CLOSED}, None,
        {R.DISPATCHER}, E.FOLLOWED_UP, needs=["reason"], handler="follow_up"),
    # The overdue sweep: marks breached tasks and passes the case one level up (the tasks go on).
    row(Action.BREACH, pgettext_lazy("case action", "超时上报"), OPEN_HANDLING, None,
        {R.SYSTEM}, E.BREACHED, guard="overdue", handler="breach", notify="case.breached"),
)
# fmt: on

TRANSITIONS: dict[str, Transition] = {Action(t.action): t for t in TABLE}


def transition_for(action: Action | str) -> Transition:
    return TRANSITIONS[Action(action)]


def actions_from(status: CaseStatus | str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources]


# --- what guards, rules, clocks and handlers read ----------------------------------------------------


def _config() -> CaseConfig:
    return CaseConfig.objects.order_by("id").first() or CaseConfig()


def _tasks(ctx: Ctx[Case]) -> list[CaseTask]:
    tasks: list[CaseTask] = ctx.state["tasks"]
    return tasks


def _active(tasks: list[CaseTask], role: str | None = None) -> list[CaseTask]:
    return [t for t in tasks if t.status in ACTIVE_TASK_STATUSES and (role is None or t.role == role)]


def _lead(tasks: list[CaseTask]) -> CaseTask | None:
    leads = [t for t in tasks if t.role == TaskRole.LEAD]
    return leads[-1] if leads else None


def _mine(ctx: Ctx[Case], candidates: list[CaseTask]) -> list[CaseTask]:
    """The candidates the actor acts for (every one for the system)."""
    from dangqun.cases.permissions import task_is_mine  # permissions imports this module

    if ctx.actor is None:
        return candidates
    scope = get_scope(ctx.actor)
    return [t for t in candidates if task_is_mine(scope, t)]


def _pick_task(ctx: Ctx[Case], candidates: list[CaseTask], *, what: str) -> CaseTask:
    """The task the actor acts on: the one named by ``task_id``, else their only candidate."""
    mine = _mine(ctx, candidates)
    task_id = ctx.body.get("task_id")
    if task_id is not None:
        chosen = next((t for t in mine if t.pk == int(task_id)), None)
        if chosen is None:
            raise ConflictError(
                _("没有可%(what)s的任务#%(task_id)s") % {"what": what, "task_id": task_id},
                code="task_not_available",
            )
        return chosen
    if not mine:
        raise ConflictError(_("没有可%(what)s的任务") % {"what": what}, code="task_not_available")
    if len(mine) > 1:
        raise ValidationError({"task_id": _("有多个任务可%(what)s,请指定任务") % {"what": what}})
    return mine[0]


def _cancel_active(tasks: list[CaseTask], at: dt.datetime, status: str = TaskStatus.CANCELLED) -> list[int]:
    ids = []
    for task in _active(tasks):
        task.status = status
        task.done_at = at
        task.save(update_fields=["status", "done_at"])
        ids.append(task.pk)
    return ids


def parent_handling_region(region: Region) -> Region | None:
    """One level up the grid chain: grid → community (skipping the compound) → street → district."""
    paths = region.ancestor_paths()
    if len(paths) < 2:
        return None
    candidates = {r.level: r for r in Region.objects.filter(path__in=paths[:-1])}
    for level in (RegionLevel.COMMUNITY, RegionLevel.STREET, RegionLevel.DISTRICT):
        if (
            level < region.level
            and level in candidates
            and not (region.level == RegionLevel.GRID and level > RegionLevel.COMMUNITY)
        ):
            return candidates[level]
    return candidates.get(RegionLevel.DISTRICT)


def _decimal(value: Any, name: str, *, low: Decimal, high: Decimal) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({name: _("须为数字")}) from None
    if not (low <= number <= high):
        raise ValidationError({name: _("须在%(low)s到%(high)s之间") % {"low": low, "high": high}})
    return number


def _newly_breached(task: CaseTask, at: dt.datetime) -> list[str]:
    kinds = []
    if task.status == TaskStatus.PENDING and not task.sign_breached and at > task.sign_due_at:
        kinds.append("sign")
    if not task.resolve_breached and at > task.resolve_due_at:
        kinds.append("resolve")
    return kinds


def _reopens(ctx: Ctx[Case]) -> bool:
    """An unsatisfied rating reopens the case while reopens remain (decided once, before the handler
    counts the reopen, and kept for the target rule)."""
    if "reopens" not in ctx.state:
        ctx.state["reopens"] = (
            ctx.body.get("satisfaction") == Satisfaction.UNSATISFIED
            and ctx.obj.reopen_count < _config().max_reopen
        )
    return bool(ctx.state["reopens"])


# --- guards: preconditions beyond the status (the door checks them, and available_moves) --------------


def _task_to_sign(ctx: Ctx[Case]) -> bool:
    return bool(_mine(ctx, [t for t in _tasks(ctx) if t.status == TaskStatus.PENDING]))


def _task_to_extend(ctx: Ctx[Case]) -> bool:
    return bool(
        _mine(ctx, [t for t in _active(_tasks(ctx)) if t.extension_status != ExtensionStatus.REQUESTED])
    )


def _extension_requested(ctx: Ctx[Case]) -> bool:
    return any(t.extension_status == ExtensionStatus.REQUESTED for t in _active(_tasks(ctx)))


def _rating_window_passed(ctx: Ctx[Case]) -> bool:
    reviewed = ctx.obj.reviewed_at
    return reviewed is not None and ctx.at >= reviewed + dt.timedelta(days=_config().rating_timeout_days)


def _level_above(ctx: Ctx[Case]) -> bool:
    return parent_handling_region(ctx.obj.handling_region) is not None


def _overdue(ctx: Ctx[Case]) -> bool:
    return any(_newly_breached(t, ctx.at) for t in _active(_tasks(ctx)))


# --- target rules: where a move leads when that depends on the case or the input ----------------------


def _sign_target(ctx: Ctx[Case], outcome: Outcome) -> str:
    task: CaseTask = outcome.related
    if task.role == TaskRole.LEAD and ctx.obj.status == CaseStatus.DISPATCHED:
        return CaseStatus.IN_PROGRESS
    return ctx.obj.status


def _reopen_target(ctx: Ctx[Case], outcome: Outcome) -> str:
    lead = _lead(_tasks(ctx))
    return (
        CaseStatus.IN_PROGRESS if lead is not None and lead.status == TaskStatus.DONE else CaseStatus.ACCEPTED
    )


def _rating_target(ctx: Ctx[Case], outcome: Outcome) -> str:
    return _reopen_target(ctx, outcome) if _reopens(ctx) else CaseStatus.CLOSED


# --- clocks: what a move does to the deadlines ---------------------------------------------------------


def _clock_start(ctx: Ctx[Case]) -> set[str]:
    """派单: the sign-by and resolve-by deadlines of the new tasks (SLA policy or the dispatcher's)."""
    case, outcome = ctx.obj, ctx.outcome
    assert outcome is not None  # noqa: S101 - the door sets it before the clock
    deadlines = sla.deadlines(
        start=ctx.at,
        category=case.category,
        priority=case.priority,
        sign_hours=ctx.body.get("sign_hours"),
        resolve_days=ctx.body.get("resolve_days"),
    )
    created: list[CaseTask] = ctx.state["new_tasks"]
    for task in created:
        task.sign_due_at = deadlines.sign_due_at
        task.resolve_due_at = deadlines.resolve_due_at
        task.allowed_seconds = deadlines.allowed_seconds
        task.full_clean(exclude=["case"])
        task.save()
    _tasks(ctx).extend(created)
    case.sign_due_at = deadlines.sign_due_at
    case.resolve_due_at = deadlines.resolve_due_at
    outcome.related = created[0]
    outcome.payload.update(
        {
            "sign_due_at": deadlines.sign_due_at.isoformat(),
            "resolve_due_at": deadlines.resolve_due_at.isoformat(),
            "tasks": [t.pk for t in created],
        }
    )
    return {"sign_due_at", "resolve_due_at"}


def _clock_stop_sign(ctx: Ctx[Case]) -> set[str]:
    """签收: the task's sign clock stops; signed late is a sign breach."""
    assert ctx.outcome is not None  # noqa: S101
    task: CaseTask = ctx.outcome.related
    task.sign_breached = task.sign_breached or ctx.at > task.sign_due_at
    task.save(update_fields=["sign_breached"])
    return set()


def _clock_stop(ctx: Ctx[Case]) -> set[str]:
    """办结: the lead's resolve clock stops; the case is resolved on time or not."""
    assert ctx.outcome is not None  # noqa: S101
    lead: CaseTask = ctx.outcome.related
    lead.resolve_breached = lead.resolve_breached or ctx.at > lead.resolve_due_at
    lead.save(update_fields=["resolve_breached"])
    case = ctx.obj
    case.resolved_on_time = case.resolve_due_at is None or ctx.at <= case.resolve_due_at
    ctx.outcome.payload["on_time"] = case.resolved_on_time
    return {"resolved_on_time"}


def _clock_restart(ctx: Ctx[Case]) -> set[str]:
    """重办 to the lead unit: its task runs again with a fresh resolve-by deadline."""
    assert ctx.outcome is not None  # noqa: S101
    case = ctx.obj
    lead = _lead(_tasks(ctx))
    assert lead is not None  # noqa: S101 - the reopen rule leads here only with a done lead task
    deadlines = sla.deadlines(start=ctx.at, category=case.category, priority=case.priority)
    lead.status = TaskStatus.SIGNED
    lead.done_at = None
    lead.resolve_due_at = deadlines.resolve_due_at
    lead.allowed_seconds = deadlines.allowed_seconds
    lead.resolve_breached = False
    lead.save(update_fields=["status", "done_at", "resolve_due_at", "allowed_seconds", "resolve_breached"])
    case.resolve_due_at = deadlines.resolve_due_at
    ctx.outcome.related = lead
    ctx.outcome.payload["resolve_due_at"] = deadlines.resolve_due_at.isoformat()
    return {"resolve_due_at"}


def _clock_extend(ctx: Ctx[Case]) -> set[str]:
    """批准延期: the task's resolve-by moves by the approved days (the case's too, for the lead)."""
    assert ctx.outcome is not None  # noqa: S101
    task: CaseTask = ctx.outcome.related
    days: Decimal = ctx.state["extension_days"]
    old_due = task.resolve_due_at
    task.resolve_due_at = sla.extend(old_due, days)
    task.resolve_breached = task.resolve_breached and task.resolve_due_at <= ctx.at
    task.save(update_fields=["resolve_due_at", "resolve_breached"])
    ctx.outcome.payload.update({"from": old_due.isoformat(), "to": task.resolve_due_at.isoformat()})
    if task.role != TaskRole.LEAD:
        return set()
    ctx.obj.resolve_due_at = task.resolve_due_at
    return {"resolve_due_at"}


def _clock_clear(ctx: Ctx[Case]) -> set[str]:
    """Back to dispatch (退单, 上报, 重办 without a unit): no deadlines, no lead unit until 派单."""
    case = ctx.obj
    case.sign_due_at = None
    case.resolve_due_at = None
    case.lead_department = None
    return {"sign_due_at", "resolve_due_at", "lead_department"}


# --- handlers: only what a row cannot say ---------------------------------------------------------------


def _dispatch(ctx: Ctx[Case]) -> Outcome:
    """The lead and co-units' tasks (their deadlines are the ``start`` clock's)."""
    lead: Unit | None = ctx.body.get("lead")
    co_units: list[Unit] = list(ctx.body.get("co_units") or [])
    if lead is None:
        raise ValidationError({"lead": _("派单须指定主办单位")})
    seen = {lead.key}
    for unit in co_units:
        if unit.key in seen:
            raise ValidationError({"co_units": _("“%(name)s”重复或与主办单位相同") % {"name": unit.name}})
        seen.add(unit.key)
    for unit in (lead, *co_units):
        if unit.department is not None and not unit.department.is_active:
            raise ValidationError({"lead": _("部门“%(name)s”已停用") % {"name": unit.department.name}})
    case = ctx.obj
    if ctx.body.get("priority"):
        case.priority = ctx.body["priority"]
    ctx.state["new_tasks"] = [
        CaseTask(
            case=case,
            role=role,
            department=unit.department,
            region=unit.region,
            status=TaskStatus.PENDING,
            assigned_at=ctx.at,
        )
        for role, unit in [(TaskRole.LEAD, lead), *((TaskRole.CO, u) for u in co_units)]
    ]
    case.lead_department = lead.department
    return Outcome(
        payload={"lead": lead.name, "co_units": [u.name for u in co_units]},
        changed={"lead_department", "priority"},
    )


def _sign(ctx: Ctx[Case]) -> Outcome:
    task = _pick_task(ctx, [t for t in _tasks(ctx) if t.status == TaskStatus.PENDING], what=_("签收"))
    task.status = TaskStatus.SIGNED
    task.signed_at = ctx.at
    task.signed_by = ctx.actor  # type: ignore[assignment]
    task.save(update_fields=["status", "signed_at", "signed_by"])
    return Outcome(related=task, payload={"role": task.role, "unit": task.unit_name})


def _note(ctx: Ctx[Case]) -> Outcome:
    task = _pick_task(ctx, _active(_tasks(ctx)), what=_("记录"))
    return Outcome(related=task, payload={"unit": task.unit_name})


def _return(ctx: Ctx[Case]) -> Outcome:
    tasks = _tasks(ctx)
    lead = _pick_task(ctx, _active(tasks, TaskRole.LEAD), what=_("退单"))
    lead.status = TaskStatus.RETURNED
    lead.done_at = ctx.at
    lead.result = ctx.reason
    lead.save(update_fields=["status", "done_at", "result"])
    cancelled = _cancel_active(tasks, ctx.at)
    return Outcome(related=lead, payload={"unit": lead.unit_name, "cancelled_tasks": cancelled})


def _resolve(ctx: Ctx[Case]) -> Outcome:
    tasks = _tasks(ctx)
    signed = [t for t in _active(tasks, TaskRole.LEAD) if t.status == TaskStatus.SIGNED]
    lead = _pick_task(ctx, signed, what=_("办结"))
    lead.status = TaskStatus.DONE
    lead.done_at = ctx.at
    lead.result = ctx.reason
    lead.save(update_fields=["status", "done_at", "result"])
    finished_co = _cancel_active(tasks, ctx.at, status=TaskStatus.DONE)
    ctx.obj.result = ctx.reason
    return Outcome(
        related=lead,
        payload={"unit": lead.unit_name, "co_tasks_closed": finished_co},
        changed={"result"},
    )


def _resolve_on_spot(ctx: Ctx[Case]) -> Outcome:
    case = ctx.obj
    case.result = ctx.reason
    case.resolved_on_time = True
    changed = {"result", "resolved_on_time"}
    if case.accepted_at is None:
        case.accepted_at = ctx.at
        changed.add("accepted_at")
    return Outcome(payload={"on_spot": True}, changed=changed)


def _reopen_fields(ctx: Ctx[Case], why: str) -> Outcome:
    case = ctx.obj
    case.reopen_count += 1
    case.resolved_at = None
    case.resolved_on_time = None
    return Outcome(payload={"reopened": why}, changed={"reopen_count", "resolved_at", "resolved_on_time"})


def _reopen(ctx: Ctx[Case]) -> Outcome:
    """审核不通过: the case counts a reopen and is no longer resolved (the target rule and the clock
    say where it goes and with which deadline)."""
    return _reopen_fields(ctx, "review")


def _rate(ctx: Ctx[Case]) -> Outcome:
    value = ctx.body.get("satisfaction")
    rated = {Satisfaction.SATISFIED, Satisfaction.BASICALLY, Satisfaction.UNSATISFIED}
    if value not in rated:
        raise ValidationError({"satisfaction": _("评价须为 满意/基本满意/不满意 之一")})
    case = ctx.obj
    outcome = _reopen_fields(ctx, "unsatisfied") if _reopens(ctx) else Outcome()
    case.satisfaction = value
    case.rating_comment = str(ctx.body.get("comment") or "")[:500]
    case.rated_at = ctx.at
    outcome.changed |= {"satisfaction", "rating_comment", "rated_at"}
    outcome.payload.update(
        {"satisfaction": value, "by": "reporter" if Relation.REPORTER in ctx.rels else "follow_up"}
    )
    return outcome


def _close_unrated(ctx: Ctx[Case]) -> Outcome:
    ctx.obj.satisfaction = Satisfaction.UNRATED
    return Outcome(payload={"satisfaction": Satisfaction.UNRATED}, changed={"satisfaction"})


def _escalate(ctx: Ctx[Case]) -> Outcome:
    case = ctx.obj
    parent = parent_handling_region(case.handling_region)
    assert parent is not None  # noqa: S101 - the level_above guard
    previous = case.handling_region
    case.handling_region = parent
    case.escalation_count += 1
    cancelled = _cancel_active(_tasks(ctx), ctx.at)
    changed = {"handling_region", "escalation_count"}
    if case.accepted_at is None:
        # A grid worker's own report passed up (首问负责): taken on now, so counted as 受理.
        case.accepted_at = ctx.at
        changed.add("accepted_at")
    return Outcome(
        payload={"from": previous.name, "to": parent.name, "cancelled_tasks": cancelled}, changed=changed
    )


def _merge(ctx: Ctx[Case]) -> Outcome:
    main: Case = ctx.body["main_case"]
    case = ctx.obj
    if main.pk == case.pk:
        raise ValidationError({"main_case": _("不能并入自身")})
    if main.status in (CaseStatus.CLOSED, CaseStatus.REJECTED, CaseStatus.MERGED):
        raise ConflictError(_("主诉求%(code)s已结束,不能并入") % {"code": main.code}, code="main_case_closed")
    case.merged_into = main
    return Outcome(
        payload={"main_case": main.code},
        changed={"merged_into"},
        extra=[(main, CaseEventType.MERGED_INTO, {"duplicate": case.code})],
    )


def _request_extension(ctx: Ctx[Case]) -> Outcome:
    candidates = [t for t in _active(_tasks(ctx)) if t.extension_status != ExtensionStatus.REQUESTED]
    task = _pick_task(ctx, candidates, what=_("申请延期"))
    days = _decimal(ctx.body.get("days"), "days", low=Decimal("0.5"), high=Decimal(30))
    task.extension_status = ExtensionStatus.REQUESTED
    task.extension_days = days
    task.extension_reason = ctx.reason[:300]
    task.save(update_fields=["extension_status", "extension_days", "extension_reason"])
    return Outcome(related=task, payload={"days": str(days)})


def _requested_extension(ctx: Ctx[Case]) -> CaseTask:
    requested = [t for t in _active(_tasks(ctx)) if t.extension_status == ExtensionStatus.REQUESTED]
    task_id = ctx.body.get("task_id")
    if task_id is not None:
        requested = [t for t in requested if t.pk == int(task_id)]
        if not requested:
            raise ConflictError(_("没有待审批的延期申请"), code="no_extension_request")
    if len(requested) > 1:
        raise ValidationError({"task_id": _("有多个延期申请,请指定任务")})
    return requested[0]


def _approve_extension(ctx: Ctx[Case]) -> Outcome:
    """Decides which request and how many days (the ``extend`` clock moves the deadline)."""
    task = _requested_extension(ctx)
    days = task.extension_days or Decimal(0)
    if ctx.body.get("days") is not None:
        days = _decimal(ctx.body["days"], "days", low=Decimal("0.5"), high=Decimal(30))
    task.extension_status = ExtensionStatus.APPROVED
    task.save(update_fields=["extension_status"])
    ctx.state["extension_days"] = days
    return Outcome(related=task, payload={"days": str(days)})


def _refuse_extension(ctx: Ctx[Case]) -> Outcome:
    task = _requested_extension(ctx)
    task.extension_status = ExtensionStatus.REFUSED
    task.save(update_fields=["extension_status"])
    return Outcome(related=task)


def _supervise(ctx: Ctx[Case]) -> Outcome:
    ctx.obj.is_supervised = True
    return Outcome(changed={"is_supervised"})


def _lift_supervision(ctx: Ctx[Case]) -> Outcome:
    ctx.obj.is_supervised = False
    return Outcome(changed={"is_supervised"})


def _follow_up(ctx: Ctx[Case]) -> Outcome:
    method = ctx.body.get("method") or "phone"
    if method not in ("phone", "sms", "visit", "online"):
        raise ValidationError({"method": _("回访方式须为 phone/sms/visit/online 之一")})
    return Outcome(payload={"method": method, "satisfaction": ctx.body.get("satisfaction") or ""})


def _breach(ctx: Ctx[Case]) -> Outcome:
    """Mark every active task whose sign-by or resolve-by passed; escalate the case one level once."""
    newly: list[dict[str, Any]] = []
    for task in _active(_tasks(ctx)):
        kinds = _newly_breached(task, ctx.at)
        if kinds:
            task.sign_breached = task.sign_breached or "sign" in kinds
            task.resolve_breached = task.resolve_breached or "resolve" in kinds
            task.save(update_fields=["sign_breached", "resolve_breached"])
            newly.append({"task": task.pk, "unit": task.unit_name, "kinds": kinds})
    case = ctx.obj
    changed: set[str] = set()
    payload: dict[str, Any] = {"tasks": newly}
    if case.breached_at is None:
        case.breached_at = ctx.at
        changed.add("breached_at")
    _sign_hours, _days, escalate = sla.policy_for(case.category, case.priority)
    parent = parent_handling_region(case.handling_region) if escalate else None
    if parent is not None:
        payload["escalated"] = {"from": case.handling_region.name, "to": parent.name}
        case.handling_region = parent
        case.escalation_count += 1
        changed |= {"handling_region", "escalation_count"}
    return Outcome(payload=payload, changed=changed)


def _lock_case(pk: int) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("handling_region", "grid", "category", "region")
        .get(pk=pk)
    )


class CaseWorkflow(Workflow[Case]):
    """The case's table and the named pieces its rows use. ``case_transition`` calls ``apply``."""

    model = Case
    version_field = "version"
    noun = gettext_lazy("诉求")
    refusal_messages: ClassVar[Mapping[str, str | Promise]] = {
        "status": gettext_lazy("诉求当前状态为“%(label)s”,不能执行“%(action)s”。可执行的操作:%(names)s"),
        "role": gettext_lazy("您无权对该诉求执行“%(label)s”"),
        "stale": gettext_lazy("诉求已被他人更新,请刷新后重试"),
    }
    statuses: ClassVar[Mapping[str, str | Promise]] = dict(CaseStatus.choices)
    table: ClassVar[Mapping[str, Transition]] = TRANSITIONS
    guards: ClassVar[Mapping[str, Guard]] = {
        "task_to_sign": _task_to_sign,
        "task_to_extend": _task_to_extend,
        "extension_requested": _extension_requested,
        "not_supervised": lambda ctx: not ctx.obj.is_supervised,
        "supervised": lambda ctx: ctx.obj.is_supervised,
        "rating_window_passed": _rating_window_passed,
        "level_above": _level_above,
        "overdue": _overdue,
    }
    guard_messages: ClassVar[Mapping[str, str | Promise]] = {
        "task_to_sign": gettext_lazy("没有待您签收的任务"),
        "task_to_extend": gettext_lazy("已有待审批的延期申请"),
        "extension_requested": gettext_lazy("没有待审批的延期申请"),
        "not_supervised": gettext_lazy("该诉求已在督办中"),
        "supervised": gettext_lazy("该诉求未在督办中"),
        "rating_window_passed": gettext_lazy("评价期限未满,不能按未评价归档"),
        "level_above": gettext_lazy("已是最高层级,不能再上报"),
        "overdue": gettext_lazy("没有新的超时任务"),
    }
    # A case's guards read state another person's move changes (someone signed, supervised or decided
    # first): their failure is a 409, as a move from the wrong status is.
    guard_conflicts: ClassVar[frozenset[str]] = frozenset(guards)
    target_rules: ClassVar[Mapping[str, TargetRule]] = {
        "sign": _sign_target,
        "reopen": _reopen_target,
        "rating": _rating_target,
    }
    clocks: ClassVar[Mapping[str, Clock]] = {
        "start": _clock_start,
        "stop_sign": _clock_stop_sign,
        "stop": _clock_stop,
        "restart": _clock_restart,
        "extend": _clock_extend,
        "clear": _clock_clear,
    }
    handlers: ClassVar[Mapping[str, Handler]] = {
        "dispatch": _dispatch,
        "sign": _sign,
        "note": _note,
        "return": _return,
        "resolve": _resolve,
        "resolve_on_spot": _resolve_on_spot,
        "reopen": _reopen,
        "rate": _rate,
        "close_unrated": _close_unrated,
        "escalate": _escalate,
        "merge": _merge,
        "request_extension": _request_extension,
        "approve_extension": _approve_extension,
        "refuse_extension": _refuse_extension,
        "supervise": _supervise,
        "lift_supervision": _lift_supervision,
        "follow_up": _follow_up,
        "breach": _breach,
    }

    @classmethod
    def visible(cls, actor: Actor) -> Q:
        from dangqun.cases.permissions import visible_cases_q  # permissions imports this module

        return visible_cases_q(actor)

    @classmethod
    def relations(cls, actor: Actor, obj: Case, state: dict[str, Any]) -> frozenset[str]:
        from dangqun.cases.permissions import relations

        return frozenset(relations(actor, obj, state["tasks"]))

    @classmethod
    def load_state(cls, obj: Case, *, lock: bool) -> dict[str, Any]:
        """The case's tasks (locked with the case), with their regions for the scope checks."""
        query = CaseTask.objects.filter(case=obj).order_by("id")
        if lock:
            query = query.select_for_update()
        tasks = list(query)
        regions = Region.objects.in_bulk([t.region_id for t in tasks if t.region_id is not None])
        for task in tasks:  # without locking the region rows
            if task.region_id is not None:
                task.region = regions[task.region_id]
        return {"tasks": tasks}

    @classmethod
    def lock(cls, pk: int, body: dict[str, Any]) -> Case:
        """Lock the case, and a merge's main case in id order, so that two merges never deadlock."""
        main: Case | None = body.get("main_case")
        if main is not None and main.pk < pk:
            body["main_case"] = _lock_case(main.pk)
        case = _lock_case(pk)
        if main is not None and main.pk > pk:
            body["main_case"] = _lock_case(main.pk)
        return case

    @classmethod
    def record(cls, ctx: Ctx[Case], outcome: Outcome, from_status: str) -> CaseEvent:
        """The case's typed event (and one on each other case the move touched: a merge's main case)."""
        actor = ctx.actor
        common = {
            "actor": actor if getattr(actor, "pk", None) else None,
            "actor_label": actor_label(actor),
            "actor_unit": actor_unit(actor),
            "reason": ctx.reason,
            "created_at": ctx.at,
        }
        assert ctx.transition is not None  # noqa: S101
        event = CaseEvent.objects.create(
            case=ctx.obj,
            task=outcome.related,
            event_type=ctx.transition.event,
            from_status=from_status,
            to_status=ctx.obj.status,
            payload=outcome.payload,
            **common,
        )
        for other, event_type, payload in outcome.extra:
            CaseEvent.objects.create(
                case=other,
                event_type=event_type,
                from_status=other.status,
                to_status=other.status,
                payload=payload,
                **common,
            )
        return event

    @classmethod
    def notify(cls, kind: str, ctx: Ctx[Case], event: Any) -> None:
        from dangqun.cases.notifications import queue_notifications

        queue_notifications(kind=kind, case=ctx.obj, tasks=_tasks(ctx), event=event, actor=ctx.actor)
