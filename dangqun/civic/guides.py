"""An online application's life (代办, 全程代理) on the workflow spine: 待受理 → 已受理 → 代办中 (each
hand-over recorded: from, to, when, note — staff carry the papers to the service hall) → 已办结, or
已退回 with a reason; the applicant may withdraw it before it is accepted. ``ApplicationWorkflow.apply``
is the only door."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dangqun.accounts.models import User
from dangqun.civic.access import applications_visible_q, handles_item
from dangqun.civic.events import CivicEvent
from dangqun.civic.models import (
    ApplicationHandover,
    ApplicationStatus,
    ServiceApplication,
    ServiceItem,
)
from dangqun.core.workflow import SYSTEM, Actor, Ctx, Outcome, Workflow, row
from dangqun.notify.services import notify_users

NOTIFICATION_KIND = "civic.application"

STAFF = "staff"  # works the item's applications: its region's staff, or its department's
APPLICANT = "applicant"  # the resident who applied

SUBMITTED, ACCEPTED, HANDED_OVER = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.HANDED_OVER,
)


def unit_of(item: ServiceItem) -> str:
    """Where an application starts: the item's window, its department, or its region."""
    if item.unit_name:
        return item.unit_name
    if item.department is not None:
        return item.department.name
    return item.region.name


def _hand_over(ctx: Ctx[ServiceApplication]) -> Outcome:
    application = ctx.obj
    last = ApplicationHandover.objects.filter(application=application).order_by("-at", "-id").first()
    from_place = last.to_place if last is not None else unit_of(application.item)
    to_place = str(ctx.body["to"]).strip()[:80]
    handover = ApplicationHandover.objects.create(
        application=application,
        from_place=from_place,
        to_place=to_place,
        at=ctx.at,
        note=(ctx.reason or str(ctx.body.get("note") or "")).strip()[:200],
        actor=ctx.actor if isinstance(ctx.actor, User) else None,
    )
    return Outcome(payload={"handover": handover.pk, "from": from_place, "to": to_place}, related=handover)


def _complete(ctx: Ctx[ServiceApplication]) -> Outcome:
    ctx.obj.result = str(ctx.body["result"]).strip()[:300]
    return Outcome(payload={"on_time": ctx.at <= ctx.obj.due_at}, changed={"result"})


def _return(ctx: Ctx[ServiceApplication]) -> Outcome:
    ctx.obj.return_reason = ctx.reason.strip()[:300]
    return Outcome(changed={"return_reason"})


class ApplicationWorkflow(Workflow[ServiceApplication]):
    model = ServiceApplication
    noun = _("代办申请")
    statuses = dict(ApplicationStatus.choices)
    table = {
        t.action: t
        for t in (
            row("accept", _("受理"), [SUBMITTED], ACCEPTED, [STAFF], CivicEvent.APPLICATION_ACCEPTED,
                stamps=["accepted_at"], notify="moved"),
            row("hand_over", _("交接"), [ACCEPTED, HANDED_OVER], HANDED_OVER, [STAFF],
                CivicEvent.APPLICATION_HANDED_OVER, needs=["to"], handler="hand_over", notify="moved"),
            row("complete", _("办结"), [ACCEPTED, HANDED_OVER], ApplicationStatus.DONE, [STAFF],
                CivicEvent.APPLICATION_DONE, needs=["result"], handler="complete", stamps=["done_at"],
                notify="moved"),
            row("return", _("退回"), [SUBMITTED, ACCEPTED, HANDED_OVER], ApplicationStatus.RETURNED, [STAFF],
                CivicEvent.APPLICATION_RETURNED, needs=["reason"], handler="return", stamps=["returned_at"],
                notify="moved"),
            row("withdraw", _("撤回申请"), [SUBMITTED], ApplicationStatus.WITHDRAWN, [APPLICANT],
                CivicEvent.APPLICATION_WITHDRAWN, stamps=["withdrawn_at"]),
        )
    }  # fmt: skip
    handlers = {"hand_over": _hand_over, "complete": _complete, "return": _return}

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return applications_visible_q(actor)

    @classmethod
    def relations(cls, actor: Actor, obj: ServiceApplication, state: dict[str, Any]) -> frozenset[str]:
        if actor is None:
            return frozenset({SYSTEM})
        rels = set()
        if actor.pk is not None and obj.applicant_id == actor.pk:
            rels.add(APPLICANT)
        if handles_item(actor, obj.item):
            rels.add(STAFF)
        return frozenset(rels)

    @classmethod
    def lock(cls, pk: int, body: dict[str, Any]) -> ServiceApplication:
        return (
            ServiceApplication.objects.select_for_update(of=("self",))
            .select_related("item", "item__region", "item__department")
            .get(pk=pk)
        )

    @classmethod
    def notify(cls, kind: str, ctx: Ctx[ServiceApplication], event: Any) -> None:
        """Tell the applicant where their application stands (the inbox row is written now, the
        external sends are queued after commit by ``notify_users``)."""
        application = ctx.obj
        notify_users(
            actor=ctx.actor if getattr(ctx.actor, "pk", None) else None,  # type: ignore[arg-type]
            recipients=[application.applicant],
            kind=NOTIFICATION_KIND,
            title=gettext("您的“%(item)s”申请:%(status)s")
            % {"item": application.item.name, "status": cls.status_label(application.status)},
            link=application_link(application.pk),
            subject_type="civic.application",
            subject_id=str(application.pk),
        )


def application_link(application_id: int) -> str:
    return f"/civic/applications/{application_id}/"
