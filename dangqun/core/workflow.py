"""The workflow spine: a declarative transition table and one door, shared by every stateful object.

A domain describes its workflow as a ``Workflow`` subclass holding a table of ``Transition`` rows
(keyed by action: several moves may share a pair of statuses, and a move is what a user chooses).
Each row says everything a reader needs: where the move may start, where it leads (a status, or a
named target rule when the outcome depends on the input), who may take it (relations of the actor
to the object), the precondition beyond the status (a named guard), the fields it stamps with the
time, its clock effect, the audit event it appends, the notification it sends and to whom, the
input it needs, and the background jobs it queues after commit. A handler exists only for what a
row cannot say, and the row names it.

``Workflow.apply`` is the one door through which a status changes. It locks the row and checks, in
this fixed order:

1. scope: the actor may not see the object → ``NotFoundError`` (404);
2. status: the move does not start from here → ``TransitionNotAllowedError`` (409, naming the moves
   the actor may make now);
3. role: the actor has no relation the row accepts → ``ForbiddenError`` (403);
4. guard and input: the row's guard fails (``GuardFailedError``, 422; ``GuardConflictError``, 409, for
   the guards a workflow lists in ``guard_conflicts``: state another person's move changed) or its
   body is missing (``ValidationError``, 422);

then runs the row (handler, clock, target rule, then the stamps, clock effect and notification of the
status it enters: ``stamps_on``, ``clock_on``, ``notify_on``), saves, appends the typed event and
queues the notification and the jobs on commit. ``available_moves`` is built from the same checks, so what a
page or the API offers is exactly what the door accepts.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from dangqun.core import clock
from dangqun.core.errors import ConflictError, ForbiddenError, NotFoundError
from dangqun.core.i18n import join_list

Actor = AbstractBaseUser | AnonymousUser | None
"""Who makes a move: a user, or ``None`` for the system (worker jobs, the scheduler)."""

SYSTEM = "system"
"""The relation the system (actor ``None``) holds to every object."""


class TransitionNotAllowedError(ConflictError):
    """A move the table does not allow from the current status (HTTP 409), naming the allowed moves."""

    def __init__(self, message: str, *, allowed: list[str]) -> None:
        super().__init__(message, code="transition_not_allowed")
        self.allowed = allowed


class GuardConflictError(ConflictError):
    """A guard the workflow lists in ``guard_conflicts`` does not hold (HTTP 409): the object's state,
    which another person's move may have changed, rules the move out now. Names the moves allowed."""

    def __init__(self, message: str, *, guard: str, allowed: list[str]) -> None:
        super().__init__(message, code=f"guard_{guard}")
        self.guard = guard
        self.allowed = allowed


class GuardFailedError(ValidationError):
    """The row's precondition beyond the status does not hold (HTTP 422), naming the moves allowed."""

    def __init__(self, message: str, *, guard: str, allowed: list[str]) -> None:
        super().__init__({"action": [message]}, code=f"guard_{guard}")
        self.guard = guard
        self.allowed = allowed


@dataclass(frozen=True)
class Transition:
    """One row of a workflow's table."""

    action: str
    label: str | Promise
    sources: frozenset[str]
    who: frozenset[str]
    event: str
    target: str | None = None  # the status it leads to; None: the status stays
    target_rule: str = ""  # a named rule (Workflow.target_rules) choosing the status from the input
    targets: frozenset[str] = frozenset()  # the statuses a target rule may choose (the table says them)
    guard: str = ""  # a named precondition beyond the status (Workflow.guards)
    stamps: tuple[str, ...] = ()  # fields set to the time of the move
    clock: str = ""  # a named clock effect (Workflow.clocks): what happens to the deadlines
    needs: tuple[str, ...] = ()  # input the move requires ("reason", "lead", …)
    handler: str = ""  # a named handler (Workflow.handlers) for what the row cannot say
    notify: str = ""  # the notification kind sent after commit
    recipients: tuple[str, ...] = ()  # who it goes to (named recipient rules of the domain)
    jobs: tuple[str, ...] = ()  # background jobs queued after commit (Workflow.jobs)
    # What happens only when the move enters a given status (a target rule's choices differ):
    # (status, field) stamps, (status, clock) effects and (status, kind) notifications.
    stamps_on: tuple[tuple[str, str], ...] = ()
    clock_on: tuple[tuple[str, str], ...] = ()
    notify_on: tuple[tuple[str, str], ...] = ()

    @property
    def needs_reason(self) -> bool:
        return "reason" in self.needs

    def leads_to(self) -> frozenset[str]:
        """Every status this move can end in (for documentation and the table's self-checks)."""
        if self.target_rule:
            return self.targets
        return frozenset({self.target}) if self.target is not None else frozenset()


def row(  # noqa: PLR0917 - the table reads best as positional rows
    action: str,
    label: str | Promise,
    sources: Iterable[str],
    target: str | None,
    who: Iterable[str],
    event: str,
    **kw: Any,
) -> Transition:
    """A table row, read positionally: action, label, from, to, who, event, then the rest by name."""
    for name in ("targets", "stamps", "needs", "recipients", "jobs"):
        if name in kw:
            kw[name] = frozenset(str(v) for v in kw[name]) if name == "targets" else tuple(kw[name])
    for name in ("stamps_on", "clock_on", "notify_on"):  # given as {status: field/clock/kind}
        if name in kw:
            kw[name] = tuple(sorted((str(k), str(v)) for k, v in dict(kw[name]).items()))
    return Transition(
        action=str(action),
        label=label,
        sources=frozenset(str(s) for s in sources),
        target=None if target is None else str(target),
        who=frozenset(str(w) for w in who),
        event=str(event),
        **kw,
    )


@dataclass
class Outcome:
    """What a handler decided beyond the row: the event's details, fields it changed, a target."""

    payload: dict[str, Any] = field(default_factory=dict)
    changed: set[str] = field(default_factory=set)
    target: str | None = None  # for a row with a target rule: set by the rule, not the handler
    related: Any = None  # a related row the event points at (a case's task)
    extra: list[Any] = field(default_factory=list)  # domain-specific extras (e.g. events on other rows)
    notify: str | None = None  # overrides the row's notification kind ("" sends none)


M = TypeVar("M", bound=models.Model)


@dataclass
class Ctx(Generic[M]):
    """Everything a guard, rule, clock or handler may read: the locked object and the related rows
    its workflow loaded (``state``), the actor and its relations, the input and the time."""

    obj: M
    state: dict[str, Any]
    actor: Actor
    rels: frozenset[str]
    reason: str
    body: dict[str, Any]
    at: dt.datetime
    transition: Transition | None = None
    outcome: Outcome | None = None  # the handler's outcome, for the clock effects that run after it


Guard = Callable[[Ctx[Any]], bool]
Handler = Callable[[Ctx[Any]], Outcome]
TargetRule = Callable[[Ctx[Any], Outcome], str]
Clock = Callable[[Ctx[Any]], set[str]]


class Workflow(Generic[M]):
    """A domain's workflow: subclass it, fill the table and the named pieces, call ``apply``."""

    model: ClassVar[type[models.Model]]
    status_field: ClassVar[str] = "status"
    version_field: ClassVar[str] = ""  # an integer field bumped on every move (optimistic checks)
    noun: ClassVar[str | Promise] = ""  # what the object is called in messages (诉求, 转接 …)
    statuses: ClassVar[Mapping[str, str | Promise]] = {}  # status value → label
    table: ClassVar[Mapping[str, Transition]] = {}
    guards: ClassVar[Mapping[str, Guard]] = {}
    guard_messages: ClassVar[Mapping[str, str | Promise]] = {}
    # Guards whose failure is a conflict with the object's current state (409, ``GuardConflictError``)
    # rather than a 422; both name the moves allowed now.
    guard_conflicts: ClassVar[frozenset[str]] = frozenset()
    # A domain's own wording of the door's refusals ("status", "role", "stale"), in place of the
    # generic texts below; formatted with noun, label (of the status), action, names (allowed moves).
    refusal_messages: ClassVar[Mapping[str, str | Promise]] = {}
    handlers: ClassVar[Mapping[str, Handler]] = {}
    target_rules: ClassVar[Mapping[str, TargetRule]] = {}
    clocks: ClassVar[Mapping[str, Clock]] = {}
    jobs: ClassVar[Mapping[str, Callable[[Any], None]]] = {}

    # --- what a domain provides --------------------------------------------------------------------

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        """The objects the actor may see (scope). Default: everyone sees everything."""
        return models.Q()

    @classmethod
    def relations(cls, actor: Actor, obj: M, state: dict[str, Any]) -> frozenset[str]:
        raise NotImplementedError(f"{cls.__name__} must say how an actor stands to its objects")

    @classmethod
    def load_state(cls, obj: M, *, lock: bool) -> dict[str, Any]:
        """Related rows the guards, relations and handlers need (locked when ``lock``)."""
        return {}

    @classmethod
    def lock(cls, pk: int, body: dict[str, Any]) -> M:
        """Lock and return the object (raise ``model.DoesNotExist`` when there is none)."""
        return cls.model._default_manager.select_for_update().get(pk=pk)  # type: ignore[return-value]

    @classmethod
    def record(cls, ctx: Ctx[M], outcome: Outcome, from_status: str) -> Any:
        """Append the move's typed event. Default: a core ``AuditEvent`` on the object."""
        from dangqun.core.models import AuditEvent

        transition = ctx.transition
        assert transition is not None  # noqa: S101 - the door always sets it
        data = {"action": transition.action, "from": from_status, "to": cls.status_of(ctx.obj)}
        if ctx.reason:
            data["reason"] = ctx.reason
        data.update(outcome.payload)
        actor = ctx.actor
        return AuditEvent.objects.create(
            event_type=transition.event,
            actor=actor if actor is not None and actor.pk else None,  # type: ignore[misc]
            actor_label=actor_label(actor),
            target_type=ctx.obj._meta.label_lower,
            target_id=str(ctx.obj.pk),
            data=data,
        )

    @classmethod
    def after_save(cls, ctx: Ctx[M], outcome: Outcome, event: Any) -> None:
        """Work inside the transaction after the event (e.g. marking rollups dirty)."""

    @classmethod
    def notify(cls, kind: str, ctx: Ctx[M], event: Any) -> None:
        """Queue the row's notification (called inside the transaction; queue it on commit)."""

    # --- the table, read ---------------------------------------------------------------------------

    @classmethod
    def transition(cls, action: str) -> Transition:
        try:
            return cls.table[str(action)]
        except KeyError:
            raise ValidationError({"action": _("未知操作: %(action)s") % {"action": action}}) from None

    @classmethod
    def status_of(cls, obj: M) -> str:
        return str(getattr(obj, cls.status_field))

    @classmethod
    def status_label(cls, status: str) -> str:
        return str(cls.statuses.get(status, status))

    @classmethod
    def guard_holds(cls, transition: Transition, ctx: Ctx[M]) -> bool:
        return not transition.guard or cls.guards[transition.guard](ctx)

    @classmethod
    def moves(cls, ctx: Ctx[M]) -> list[Transition]:
        """The moves open to ``ctx.actor`` now: status, role and guard all pass (the door's checks)."""
        status = cls.status_of(ctx.obj)
        return [
            t
            for t in cls.table.values()
            if status in t.sources and t.who & ctx.rels and cls.guard_holds(t, ctx)
        ]

    @classmethod
    def context(cls, obj: M, actor: Actor, *, state: dict[str, Any] | None = None) -> Ctx[M]:
        """A read-only context for ``available_moves`` (nothing locked)."""
        if state is None:
            state = cls.load_state(obj, lock=False)
        rels = cls.relations(actor, obj, state)
        return Ctx(obj, state, actor, rels, "", {}, clock.now())

    @classmethod
    def available_moves(
        cls, obj: M, actor: Actor, *, state: dict[str, Any] | None = None
    ) -> list[Transition]:
        return cls.moves(cls.context(obj, actor, state=state))

    @classmethod
    def can(cls, obj: M, actor: Actor, action: str, *, state: dict[str, Any] | None = None) -> bool:
        """Whether ``action`` is among ``available_moves`` (checking that one row only)."""
        transition = cls.table.get(str(action))
        if transition is None:
            return False
        ctx = cls.context(obj, actor, state=state)
        return (
            cls.status_of(obj) in transition.sources
            and bool(transition.who & ctx.rels)
            and cls.guard_holds(transition, ctx)
        )

    # --- the door ----------------------------------------------------------------------------------

    @classmethod
    def apply(
        cls,
        *,
        obj: M | int,
        action: str,
        actor: Actor,
        reason: str = "",
        expected_version: int | None = None,
        **body: Any,
    ) -> M:
        """Make one move. ``actor=None`` is the system. The only code that changes a status."""
        transition = cls.transition(action)
        pk = obj if isinstance(obj, int) else obj.pk
        reason = (reason or "").strip()
        with transaction.atomic():
            try:
                locked = cls.lock(pk, body)
            except ObjectDoesNotExist:
                raise NotFoundError() from None
            if (
                actor is not None
                and not cls.model._default_manager.filter(cls.visible(actor), pk=pk).exists()
            ):
                raise NotFoundError()
            state = cls.load_state(locked, lock=True)
            ctx = Ctx(locked, state, actor, cls.relations(actor, locked, state), reason, body, clock.now())
            cls._check(ctx, transition, expected_version)
            ctx.transition = transition
            from_status = cls.status_of(locked)
            outcome = cls.handlers[transition.handler](ctx) if transition.handler else Outcome()
            ctx.outcome = outcome
            changed = set(outcome.changed)
            if transition.clock:
                changed |= cls.clocks[transition.clock](ctx)
            target = transition.target
            if transition.target_rule:
                target = cls.target_rules[transition.target_rule](ctx, outcome)
                if target not in transition.targets:  # the table names every target a rule may choose
                    raise RuntimeError(f"{cls.__name__}.{transition.action} chose {target}, not in its row")
            outcome.target = target
            entered = target if target is not None and target != from_status else None
            entered_clock = dict(transition.clock_on).get(entered or "")
            if entered_clock:
                changed |= cls.clocks[entered_clock](ctx)
            cls._save(ctx, transition, outcome, changed)
            event = cls.record(ctx, outcome, from_status)
            cls.after_save(ctx, outcome, event)
            kind = dict(transition.notify_on).get(entered or "") or transition.notify
            if outcome.notify is not None:
                kind = outcome.notify
            if kind:
                cls.notify(kind, ctx, event)
            for job in transition.jobs:
                run = cls.jobs[job]
                transaction.on_commit(lambda run=run, pk=pk: run(pk))  # type: ignore[misc]
        return locked

    @classmethod
    def _refusal(cls, ctx: Ctx[M], transition: Transition) -> TransitionNotAllowedError:
        allowed = cls.moves(ctx)
        names = join_list(str(t.label) for t in allowed) or _("无")
        template = cls.refusal_messages.get("status") or _(
            "%(noun)s当前状态为“%(label)s”,不能执行“%(action)s”。可执行的操作:%(names)s"
        )
        return TransitionNotAllowedError(
            str(template)
            % {
                "noun": cls.noun,
                "label": cls.status_label(cls.status_of(ctx.obj)),
                "action": transition.label,
                "names": names,
            },
            allowed=[t.action for t in allowed],
        )

    @classmethod
    def _check(cls, ctx: Ctx[M], transition: Transition, expected_version: int | None) -> None:
        if cls.status_of(ctx.obj) not in transition.sources:
            raise cls._refusal(ctx, transition)
        if not transition.who & ctx.rels:
            template = cls.refusal_messages.get("role") or _("您无权对该%(noun)s执行“%(label)s”")
            raise ForbiddenError(str(template) % {"noun": cls.noun, "label": transition.label})
        if not cls.guard_holds(transition, ctx):
            allowed = cls.moves(ctx)
            message = cls.guard_messages.get(transition.guard) or _("当前条件下不能执行“%(label)s”") % {
                "label": transition.label
            }
            text = f"{message}。{_('可执行的操作:')}{join_list(str(t.label) for t in allowed) or _('无')}"
            error = GuardConflictError if transition.guard in cls.guard_conflicts else GuardFailedError
            raise error(text, guard=transition.guard, allowed=[t.action for t in allowed])
        if (
            cls.version_field
            and expected_version is not None
            and expected_version != getattr(ctx.obj, cls.version_field)
        ):
            template = cls.refusal_messages.get("stale") or _("%(noun)s已被他人更新,请刷新后重试")
            raise ConflictError(str(template) % {"noun": cls.noun}, code="stale_version")
        if transition.needs_reason and not ctx.reason:
            raise ValidationError({"reason": _("“%(label)s”须填写说明") % {"label": transition.label}})
        missing = [n for n in transition.needs if n != "reason" and ctx.body.get(n) in (None, "", [])]
        if missing:
            raise ValidationError(
                {n: _("“%(label)s”须填写此项") % {"label": transition.label} for n in missing}
            )

    @classmethod
    def _save(cls, ctx: Ctx[M], transition: Transition, outcome: Outcome, changed: set[str]) -> None:
        obj = ctx.obj
        stamps = list(transition.stamps)
        if outcome.target is not None and outcome.target != cls.status_of(obj):
            stamps += [f for status, f in transition.stamps_on if status == outcome.target]
            setattr(obj, cls.status_field, outcome.target)
            changed.add(cls.status_field)
        for stamp in stamps:
            setattr(obj, stamp, ctx.at)
            changed.add(stamp)
        if cls.version_field:
            setattr(obj, cls.version_field, getattr(obj, cls.version_field) + 1)
            changed.add(cls.version_field)
        if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
            changed.add("updated_at")  # auto_now fields are saved only when named
        if changed:
            obj.save(update_fields=sorted(changed))


def actor_label(actor: Actor) -> str:
    if actor is None:
        return "system"
    full = getattr(actor, "display_name", "") or ""
    return f"{actor.get_username()} {full}".strip()


def describe(workflow: type[Workflow[Any]]) -> list[dict[str, Any]]:
    """The table as plain rows (the architecture doc and the API's workflow endpoint print it)."""
    out = []
    for t in workflow.table.values():
        item = dataclasses.asdict(t)
        item["label"] = str(t.label)
        item["sources"] = sorted(t.sources)
        item["who"] = sorted(t.who)
        item["targets"] = sorted(t.leads_to())
        out.append(item)
    return out
