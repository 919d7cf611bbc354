"""五访五问 visits on the workflow spine: a due visit is recorded (with the 五问 answers) by the
grid's workers, or cancelled with a reason by those who supervise the grid. ``VisitWorkflow.apply``
is the one door; ``services.visit_record`` checks the answers and the phone's idempotency key first."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangqun.accounts.scope import get_scope
from dangqun.core.workflow import SYSTEM, Actor, Ctx, Outcome, Workflow, row
from dangqun.gridwork.access import VISIT_RECORD_ROLES, VISIT_SUPERVISE_ROLES, visits_visible_q
from dangqun.gridwork.events import GridworkEvent
from dangqun.gridwork.models import Visit, VisitStatus

WORKER = "worker"  # a grid worker or grid leader of the visit's grid
SUPERVISOR = "supervisor"  # the grid leader, the community or the street above the grid

DUE = VisitStatus.DUE


def _record(ctx: Ctx[Visit]) -> Outcome:
    visit = ctx.obj
    visit.answers = dict(ctx.body["answers"])
    visit.notes = str(ctx.body.get("notes", ""))
    visit.follow_up = bool(ctx.body.get("follow_up", False))
    visit.record_key = ctx.body.get("record_key") or None
    visit.done_by = ctx.actor if getattr(ctx.actor, "pk", None) else None  # type: ignore[assignment]
    return Outcome(
        payload={"questions": sorted(visit.answers), "follow_up": visit.follow_up},
        changed={"answers", "notes", "follow_up", "record_key", "done_by"},
    )


def _cancel(ctx: Ctx[Visit]) -> Outcome:
    ctx.obj.cancel_reason = ctx.reason[:200]
    return Outcome(changed={"cancel_reason"})


class VisitWorkflow(Workflow[Visit]):
    model = Visit
    noun = _("走访")
    statuses = dict(VisitStatus.choices)
    table = {
        t.action: t
        for t in (
            row("record", _("记录走访"), [DUE], VisitStatus.DONE, [WORKER],
                GridworkEvent.VISIT_RECORDED, needs=["answers"], handler="record", stamps=["done_at"]),
            row("cancel", _("取消走访"), [DUE], VisitStatus.CANCELLED, [SUPERVISOR, SYSTEM],
                GridworkEvent.VISIT_CANCELLED, needs=["reason"], handler="cancel", stamps=["cancelled_at"]),
        )
    }  # fmt: skip
    handlers = {"record": _record, "cancel": _cancel}

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return visits_visible_q(actor)

    @classmethod
    def relations(cls, actor: Actor, obj: Visit, state: dict[str, Any]) -> frozenset[str]:
        if actor is None:
            return frozenset({SYSTEM})
        scope = get_scope(actor)
        rels = set()
        if scope.covers_path(obj.grid_path, roles=VISIT_RECORD_ROLES):
            rels.add(WORKER)
        if scope.covers_path(obj.grid_path, roles=VISIT_SUPERVISE_ROLES):
            rels.add(SUPERVISOR)
        return frozenset(rels)
