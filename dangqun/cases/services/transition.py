"""``case_transition``: the one door through which a case's status (and its tasks and clocks) change.

It locks the case row, rejects a move the table does not allow (409, naming the allowed moves), checks
the actor's relation to the case (404 when the case is not theirs to see, 403 when they see it but may
not make this move), applies the move, appends one ``CaseEvent`` (two for a merge: one on each case)
and queues notifications after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

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
from dangqun.cases.errors import ForbiddenError, TransitionNotAllowedError
from dangqun.cases.models import Case, CaseConfig, CaseEvent, CaseTask
from dangqun.cases.notifications import queue_notifications
from dangqun.cases.permissions import relations, task_is_mine, visible_cases_q
from dangqun.cases.services.timeline import actor_label, actor_unit
from dangqun.cases.workflow import Action, Relation, Transition, available, transition_for
from dangqun.core import clock
from dangqun.core.errors import ConflictError, NotFoundError
from dangqun.core.i18n import join_list
from dangqun.orgs.models import Department
from dangqun.regions.models import Region, RegionLevel


@dataclass(frozen=True)
class Unit:
    """A unit a task goes to: a department, or a region (a street or community that handles it)."""

    department: Department | None = None
    region: Region | None = None

    def __post_init__(self) -> None:
        if (self.department is None) == (self.region is None):
            raise ValidationError(_("办理单位须为一个部门或一个属地区域"))

    @property
    def key(self) -> tuple[str, int]:
        return ("d", self.department.pk) if self.department else ("r", self.region.pk)  # type: ignore[union-attr]

    @property
    def name(self) -> str:
        return (self.department or self.region).name  # type: ignore[union-attr]


@dataclass
class Move:
    """What a handler decided: the status to go to and the event's details."""

    target: CaseStatus | None
    task: CaseTask | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    changed: set[str] = field(default_factory=set)
    notify: str = ""  # a notification kind for cases.notifications
    extra_events: list[tuple[Case, CaseEventType, dict[str, Any]]] = field(default_factory=list)


@dataclass
class Ctx:
    case: Case
    tasks: list[CaseTask]
    actor: Any
    rels: frozenset[Relation]
    reason: str
    params: dict[str, Any]
    at: dt.datetime


# --- helpers ---------------------------------------------------------------------------------------


def _config() -> CaseConfig:
    return CaseConfig.objects.order_by("id").first() or CaseConfig()


def _active(tasks: list[CaseTask], role: str | None = None) -> list[CaseTask]:
    return [t for t in tasks if t.status in ACTIVE_TASK_STATUSES and (role is None or t.role == role)]


def _lead(tasks: list[CaseTask]) -> CaseTask | None:
    leads = [t for t in tasks if t.role == TaskRole.LEAD]
    return leads[-1] if leads else None


def _pick_task(ctx: Ctx, candidates: list[CaseTask], *, what: str) -> CaseTask:
    """The task the actor acts on: the one named by ``task_id``, else their only candidate."""
    scope = get_scope(ctx.actor) if ctx.actor is not None else None
    mine = [t for t in candidates if scope is None or task_is_mine(scope, t)]
    task_id = ctx.params.get("task_id")
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


def _parent_handling_region(region: Region) -> Region | None:
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


def _clear_clocks(case: Case) -> set[str]:
    case.sign_due_at = None
    case.resolve_due_at = None
    case.lead_department = None
    return {"sign_due_at", "resolve_due_at", "lead_department"}


# --- handlers: one per action ------------------------------------------------------------------------


def _accept(ctx: Ctx) -> Move:
    return Move(CaseStatus.ACCEPTED)


def _reject(ctx: Ctx) -> Move:
    return Move(CaseStatus.REJECTED, notify="case.rejected")


def _dispatch(ctx: Ctx) -> Move:
    lead: Unit | None = ctx.params.get("lead")
    co_units: list[Unit] = list(ctx.params.get("co_units") or [])
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
    case = ctx.case
    if ctx.params.get("priority"):
        case.priority = ctx.params["priority"]
    deadlines = sla.deadlines(
        start=ctx.at,
        category=case.category,
        priority=case.priority,
        sign_hours=ctx.params.get("sign_hours"),
        resolve_days=ctx.params.get("resolve_days"),
    )
    created = []
    for role, unit in [(TaskRole.LEAD, lead), *((TaskRole.CO, u) for u in co_units)]:
        task = CaseTask(
            case=case,
            role=role,
            department=unit.department,
            region=unit.region,
            status=TaskStatus.PENDING,
            sign_due_at=deadlines.sign_due_at,
            resolve_due_at=deadlines.resolve_due_at,
            allowed_seconds=deadlines.allowed_seconds,
            assigned_at=ctx.at,
        )
        task.full_clean(exclude=["case"])
        task.save()
        created.append(task)
    ctx.tasks.extend(created)
    case.sign_due_at = deadlines.sign_due_at
    case.resolve_due_at = deadlines.resolve_due_at
    case.lead_department = lead.department
    return Move(
        CaseStatus.DISPATCHED,
        task=created[0],
        payload={
            "lead": lead.name,
            "co_units": [u.name for u in co_units],
            "sign_due_at": deadlines.sign_due_at.isoformat(),
            "resolve_due_at": deadlines.resolve_due_at.isoformat(),
            "tasks": [t.pk for t in created],
        },
        changed={"sign_due_at", "resolve_due_at", "lead_department", "priority"},
        notify="case.dispatched",
    )


def _sign(ctx: Ctx) -> Move:
    pending = [t for t in ctx.tasks if t.status == TaskStatus.PENDING]
    task = _pick_task(ctx, pending, what=_("签收"))
    task.status = TaskStatus.SIGNED
    task.signed_at = ctx.at
    task.signed_by = ctx.actor
    task.sign_breached = task.sign_breached or ctx.at > task.sign_due_at
    task.save(update_fields=["status", "signed_at", "signed_by", "sign_breached"])
    move = Move(None, task=task, payload={"role": task.role, "unit": task.unit_name})
    if task.role == TaskRole.LEAD and ctx.case.status == CaseStatus.DISPATCHED:
        move.target = CaseStatus.IN_PROGRESS
        ctx.case.signed_at = ctx.at
        move.changed.add("signed_at")
    return move


def _note(ctx: Ctx) -> Move:
    task = _pick_task(ctx, _active(ctx.tasks), what=_("记录"))
    return Move(None, task=task, payload={"unit": task.unit_name})


def _return(ctx: Ctx) -> Move:
    lead = _pick_task(ctx, _active(ctx.tasks, TaskRole.LEAD), what=_("退单"))
    lead.status = TaskStatus.RETURNED
    lead.done_at = ctx.at
    lead.result = ctx.reason
    lead.save(update_fields=["status", "done_at", "result"])
    cancelled = _cancel_active(ctx.tasks, ctx.at)
    return Move(
        CaseStatus.ACCEPTED,
        task=lead,
        payload={"unit": lead.unit_name, "cancelled_tasks": cancelled},
        changed=_clear_clocks(ctx.case),
        notify="case.returned",
    )


def _resolve(ctx: Ctx) -> Move:
    signed = [t for t in _active(ctx.tasks, TaskRole.LEAD) if t.status == TaskStatus.SIGNED]
    lead = _pick_task(ctx, signed, what=_("办结"))
    lead.status = TaskStatus.DONE
    lead.done_at = ctx.at
    lead.result = ctx.reason
    lead.resolve_breached = lead.resolve_breached or ctx.at > lead.resolve_due_at
    lead.save(update_fields=["status", "done_at", "result", "resolve_breached"])
    finished_co = _cancel_active(ctx.tasks, ctx.at, status=TaskStatus.DONE)
    case = ctx.case
    case.result = ctx.reason
    case.resolved_on_time = case.resolve_due_at is None or ctx.at <= case.resolve_due_at
    return Move(
        CaseStatus.RESOLVED,
        task=lead,
        payload={"unit": lead.unit_name, "on_time": case.resolved_on_time, "co_tasks_closed": finished_co},
        changed={"result", "resolved_on_time"},
        notify="case.resolved",
    )


def _resolve_on_spot(ctx: Ctx) -> Move:
    case = ctx.case
    case.result = ctx.reason
    case.resolved_on_time = True
    changed = {"result", "resolved_on_time"}
    if case.accepted_at is None:
        case.accepted_at = ctx.at
        changed.add("accepted_at")
    return Move(CaseStatus.RESOLVED, payload={"on_spot": True}, changed=changed, notify="case.resolved")


def _reopen(ctx: Ctx, *, why: str) -> Move:
    """Back to the lead unit with a fresh resolve-by deadline; with no unit task, back to dispatch."""
    case = ctx.case
    case.reopen_count += 1
    case.resolved_at = None
    case.resolved_on_time = None
    changed = {"reopen_count", "resolved_at", "resolved_on_time"}
    lead = _lead(ctx.tasks)
    if lead is None or lead.status != TaskStatus.DONE:
        changed |= _clear_clocks(case)
        return Move(CaseStatus.ACCEPTED, payload={"reopened": why}, changed=changed, notify="case.reopened")
    deadlines = sla.deadlines(start=ctx.at, category=case.category, priority=case.priority)
    lead.status = TaskStatus.SIGNED
    lead.done_at = None
    lead.resolve_due_at = deadlines.resolve_due_at
    lead.allowed_seconds = deadlines.allowed_seconds
    lead.resolve_breached = False
    lead.save(update_fields=["status", "done_at", "resolve_due_at", "allowed_seconds", "resolve_breached"])
    case.resolve_due_at = deadlines.resolve_due_at
    changed.add("resolve_due_at")
    return Move(
        CaseStatus.IN_PROGRESS,
        task=lead,
        payload={"reopened": why, "resolve_due_at": deadlines.resolve_due_at.isoformat()},
        changed=changed,
        notify="case.reopened",
    )


def _review(ctx: Ctx) -> Move:
    return Move(CaseStatus.REVIEWED, notify="case.reviewed")


def _review_fail(ctx: Ctx) -> Move:
    return _reopen(ctx, why="review")


def _rate(ctx: Ctx) -> Move:
    value = ctx.params.get("satisfaction")
    rated = {Satisfaction.SATISFIED, Satisfaction.BASICALLY, Satisfaction.UNSATISFIED}
    if value not in rated:
        raise ValidationError({"satisfaction": _("评价须为 满意/基本满意/不满意 之一")})
    comment = str(ctx.params.get("comment") or "")[:500]
    case = ctx.case
    case.satisfaction = value
    case.rating_comment = comment
    case.rated_at = ctx.at
    changed = {"satisfaction", "rating_comment", "rated_at"}
    payload = {"satisfaction": value, "by": "reporter" if Relation.REPORTER in ctx.rels else "follow_up"}
    if value == Satisfaction.UNSATISFIED and case.reopen_count < _config().max_reopen:
        move = _reopen(ctx, why="unsatisfied")
        move.payload.update(payload)
        move.changed |= changed
        return move
    return Move(CaseStatus.CLOSED, payload=payload, changed=changed)


def _close_unrated(ctx: Ctx) -> Move:
    timeout = dt.timedelta(days=_config().rating_timeout_days)
    reviewed = ctx.case.reviewed_at
    if reviewed is None or ctx.at < reviewed + timeout:
        raise ConflictError(_("评价期限未满,不能按未评价归档"), code="rating_window_open")
    ctx.case.satisfaction = Satisfaction.UNRATED
    return Move(CaseStatus.CLOSED, payload={"satisfaction": Satisfaction.UNRATED}, changed={"satisfaction"})


def _escalate(ctx: Ctx) -> Move:
    case = ctx.case
    parent = _parent_handling_region(case.handling_region)
    if parent is None:
        raise ConflictError(_("已是最高层级,不能再上报"), code="top_level")
    previous = case.handling_region
    case.handling_region = parent
    case.escalation_count += 1
    cancelled = _cancel_active(ctx.tasks, ctx.at)
    changed = {"handling_region", "escalation_count"} | _clear_clocks(case)
    if case.accepted_at is None:
        # A grid worker's own report passed up (首问负责): taken on now, so counted as 受理.
        case.accepted_at = ctx.at
        changed.add("accepted_at")
    return Move(
        CaseStatus.ACCEPTED,
        payload={"from": previous.name, "to": parent.name, "cancelled_tasks": cancelled},
        changed=changed,
        notify="case.escalated",
    )


def _merge(ctx: Ctx) -> Move:
    main: Case | None = ctx.params.get("main_case")
    case = ctx.case
    if main is None:
        raise ValidationError({"main_case": _("并单须指定主诉求")})
    if main.pk == case.pk:
        raise ValidationError({"main_case": _("不能并入自身")})
    if main.status in (CaseStatus.CLOSED, CaseStatus.REJECTED, CaseStatus.MERGED):
        raise ConflictError(_("主诉求%(code)s已结束,不能并入") % {"code": main.code}, code="main_case_closed")
    case.merged_into = main
    return Move(
        CaseStatus.MERGED,
        payload={"main_case": main.code},
        changed={"merged_into"},
        extra_events=[(main, CaseEventType.MERGED_INTO, {"duplicate": case.code})],
        notify="case.merged",
    )


def _request_extension(ctx: Ctx) -> Move:
    task = _pick_task(ctx, _active(ctx.tasks), what=_("申请延期"))
    if task.extension_status == ExtensionStatus.REQUESTED:
        raise ConflictError(_("已有待审批的延期申请"), code="extension_pending")
    days = _decimal(ctx.params.get("days"), "days", low=Decimal("0.5"), high=Decimal(30))
    task.extension_status = ExtensionStatus.REQUESTED
    task.extension_days = days
    task.extension_reason = ctx.reason[:300]
    task.save(update_fields=["extension_status", "extension_days", "extension_reason"])
    return Move(None, task=task, payload={"days": str(days)}, notify="case.extension_requested")


def _requested_extension(ctx: Ctx) -> CaseTask:
    requested = [t for t in _active(ctx.tasks) if t.extension_status == ExtensionStatus.REQUESTED]
    task_id = ctx.params.get("task_id")
    if task_id is not None:
        requested = [t for t in requested if t.pk == int(task_id)]
    if not requested:
        raise ConflictError(_("没有待审批的延期申请"), code="no_extension_request")
    if len(requested) > 1:
        raise ValidationError({"task_id": _("有多个延期申请,请指定任务")})
    return requested[0]


def _approve_extension(ctx: Ctx) -> Move:
    task = _requested_extension(ctx)
    days = task.extension_days or Decimal(0)
    if ctx.params.get("days") is not None:
        days = _decimal(ctx.params["days"], "days", low=Decimal("0.5"), high=Decimal(30))
    old_due = task.resolve_due_at
    task.resolve_due_at = sla.extend(old_due, days)
    task.extension_status = ExtensionStatus.APPROVED
    task.resolve_breached = task.resolve_breached and task.resolve_due_at <= ctx.at
    task.save(update_fields=["resolve_due_at", "extension_status", "resolve_breached"])
    move = Move(
        None,
        task=task,
        payload={"days": str(days), "from": old_due.isoformat(), "to": task.resolve_due_at.isoformat()},
        notify="case.extension_decided",
    )
    if task.role == TaskRole.LEAD:
        ctx.case.resolve_due_at = task.resolve_due_at
        move.changed.add("resolve_due_at")
    return move


def _refuse_extension(ctx: Ctx) -> Move:
    task = _requested_extension(ctx)
    task.extension_status = ExtensionStatus.REFUSED
    task.save(update_fields=["extension_status"])
    return Move(None, task=task, notify="case.extension_decided")


def _supervise(ctx: Ctx) -> Move:
    if ctx.case.is_supervised:
        raise ConflictError(_("该诉求已在督办中"), code="already_supervised")
    ctx.case.is_supervised = True
    return Move(None, changed={"is_supervised"}, notify="case.supervised")


def _lift_supervision(ctx: Ctx) -> Move:
    if not ctx.case.is_supervised:
        raise ConflictError(_("该诉求未在督办中"), code="not_supervised")
    ctx.case.is_supervised = False
    return Move(None, changed={"is_supervised"})


def _follow_up(ctx: Ctx) -> Move:
    method = ctx.params.get("method") or "phone"
    if method not in ("phone", "sms", "visit", "online"):
        raise ValidationError({"method": _("回访方式须为 phone/sms/visit/online 之一")})
    return Move(None, payload={"method": method, "satisfaction": ctx.params.get("satisfaction") or ""})


def _breach(ctx: Ctx) -> Move:
    """Mark every active task whose sign-by or resolve-by passed; escalate the case one level once."""
    newly: list[dict[str, Any]] = []
    for task in _active(ctx.tasks):
        kinds = []
        if task.status == TaskStatus.PENDING and not task.sign_breached and ctx.at > task.sign_due_at:
            task.sign_breached = True
            kinds.append("sign")
        if not task.resolve_breached and ctx.at > task.resolve_due_at:
            task.resolve_breached = True
            kinds.append("resolve")
        if kinds:
            task.save(update_fields=["sign_breached", "resolve_breached"])
            newly.append({"task": task.pk, "unit": task.unit_name, "kinds": kinds})
    if not newly:
        raise ConflictError(_("没有新的超时任务"), code="nothing_breached")
    case = ctx.case
    changed: set[str] = set()
    payload: dict[str, Any] = {"tasks": newly}
    if case.breached_at is None:
        case.breached_at = ctx.at
        changed.add("breached_at")
    _sign_hours, _days, escalate = sla.policy_for(case.category, case.priority)
    parent = _parent_handling_region(case.handling_region) if escalate else None
    if parent is not None and any("resolve" in n["kinds"] or "sign" in n["kinds"] for n in newly):
        payload["escalated"] = {"from": case.handling_region.name, "to": parent.name}
        case.handling_region = parent
        case.escalation_count += 1
        changed |= {"handling_region", "escalation_count"}
    return Move(None, payload=payload, changed=changed, notify="case.breached")


HANDLERS: dict[Action, Callable[[Ctx], Move]] = {
    Action.BREACH: _breach,
    Action.ACCEPT: _accept,
    Action.REJECT: _reject,
    Action.DISPATCH: _dispatch,
    Action.SIGN: _sign,
    Action.NOTE: _note,
    Action.RETURN: _return,
    Action.RESOLVE: _resolve,
    Action.RESOLVE_ON_SPOT: _resolve_on_spot,
    Action.REVIEW: _review,
    Action.REVIEW_FAIL: _review_fail,
    Action.RATE: _rate,
    Action.CLOSE_UNRATED: _close_unrated,
    Action.ESCALATE: _escalate,
    Action.MERGE: _merge,
    Action.REQUEST_EXTENSION: _request_extension,
    Action.APPROVE_EXTENSION: _approve_extension,
    Action.REFUSE_EXTENSION: _refuse_extension,
    Action.SUPERVISE: _supervise,
    Action.LIFT_SUPERVISION: _lift_supervision,
    Action.FOLLOW_UP: _follow_up,
}


# --- the door ------------------------------------------------------------------------------------------


def _refuse(
    case: Case, transition: Transition, rels: frozenset[Relation], tasks: list[CaseTask]
) -> TransitionNotAllowedError:
    requested = any(t.extension_status == ExtensionStatus.REQUESTED for t in _active(tasks))
    allowed = available(case.status, rels, supervised=case.is_supervised, extension_requested=requested)
    names = join_list(str(t.label) for t in allowed) or _("无")
    label = CaseStatus(case.status).label
    return TransitionNotAllowedError(
        _("诉求当前状态为“%(label)s”,不能执行“%(action)s”。可执行的操作:%(names)s")
        % {"label": label, "action": transition.label, "names": names},
        allowed=[t.action.value for t in allowed],
    )


def _lock(case_id: int) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("handling_region", "grid", "category", "region")
        .get(pk=case_id)
    )


def _load(case_id: int, actor: Any, params: dict[str, Any]) -> tuple[Case, list[CaseTask]]:
    """Lock the case (and a merge's main case, in id order so two merges never deadlock) and its tasks."""
    main_case: Case | None = params.get("main_case")
    if main_case is not None and main_case.pk < case_id:
        params["main_case"] = _lock(main_case.pk)
    try:
        locked = _lock(case_id)
    except Case.DoesNotExist:
        raise NotFoundError() from None
    if main_case is not None and main_case.pk > case_id:
        params["main_case"] = _lock(main_case.pk)
    if actor is not None and not Case.objects.filter(visible_cases_q(actor), pk=case_id).exists():
        raise NotFoundError()
    tasks = list(CaseTask.objects.select_for_update().filter(case=locked).order_by("id"))
    regions = Region.objects.in_bulk([t.region_id for t in tasks if t.region_id is not None])
    for task in tasks:  # regions for scope checks, without locking the region rows
        if task.region_id is not None:
            task.region = regions[task.region_id]
    return locked, tasks


def _check(
    *,
    case: Case,
    tasks: list[CaseTask],
    transition: Transition,
    rels: frozenset[Relation],
    reason: str,
    expected_version: int | None,
) -> None:
    if case.status not in transition.sources:
        raise _refuse(case, transition, rels, tasks)
    if not (transition.relations & rels):
        raise ForbiddenError(_("您无权对该诉求执行“%(label)s”") % {"label": transition.label})
    if expected_version is not None and expected_version != case.version:
        raise ConflictError(_("诉求已被他人更新,请刷新后重试"), code="stale_version")
    if transition.needs_reason and not reason:
        raise ValidationError({"reason": _("“%(label)s”须填写说明") % {"label": transition.label}})


def _save(case: Case, transition: Transition, move: Move, at: dt.datetime) -> None:
    changed = set(move.changed) | {"version", "updated_at"}
    if move.target is not None and move.target != case.status:
        case.status = move.target
        changed.add("status")
    if transition.stamp and (move.target is None or move.target == transition.target):
        setattr(case, transition.stamp, at)
        changed.add(transition.stamp)
    if move.target == CaseStatus.CLOSED and "closed_at" not in changed:
        case.closed_at = at
        changed.add("closed_at")
    case.version += 1
    case.save(update_fields=sorted(changed))


def _record(
    *,
    case: Case,
    transition: Transition,
    move: Move,
    actor: Any,
    reason: str,
    from_status: str,
    at: dt.datetime,
) -> CaseEvent:
    common = {
        "actor": actor if getattr(actor, "pk", None) else None,
        "actor_label": actor_label(actor),
        "actor_unit": actor_unit(actor),
        "reason": reason,
        "created_at": at,
    }
    event = CaseEvent.objects.create(
        case=case,
        task=move.task,
        event_type=transition.event,
        from_status=from_status,
        to_status=case.status,
        payload=move.payload,
        **common,
    )
    for other, event_type, payload in move.extra_events:
        CaseEvent.objects.create(
            case=other,
            event_type=event_type,
            from_status=other.status,
            to_status=other.status,
            payload=payload,
            **common,
        )
    return event


def case_transition(
    *,
    case: Case | int,
    action: Action | str,
    actor: Any,
    reason: str = "",
    expected_version: int | None = None,
    **params: Any,
) -> Case:
    """Apply one move of the workflow table to a case. ``actor=None`` is the system (worker jobs)."""
    try:
        transition = transition_for(action)
    except ValueError:
        raise ValidationError({"action": _("未知操作: %(action)s") % {"action": action}}) from None
    case_id = case if isinstance(case, int) else case.pk
    reason = (reason or "").strip()
    with transaction.atomic():
        locked, tasks = _load(case_id, actor, params)
        rels = relations(actor, locked, tasks)
        _check(
            case=locked,
            tasks=tasks,
            transition=transition,
            rels=rels,
            reason=reason,
            expected_version=expected_version,
        )
        at = clock.now()
        from_status = locked.status
        move = HANDLERS[transition.action](Ctx(locked, tasks, actor, rels, reason, params, at))
        _save(locked, transition, move, at)
        event = _record(
            case=locked,
            transition=transition,
            move=move,
            actor=actor,
            reason=reason,
            from_status=from_status,
            at=at,
        )
        if move.notify:
            queue_notifications(kind=move.notify, case=locked, tasks=tasks, event=event, actor=actor)
    return locked
