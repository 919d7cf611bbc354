"""社区服务清单 requests: a resident requests a service item of a community; the request is due
``time_limit_days`` working days later (the Chinese working calendar, ``core.workcal``) and moves
through ``ServiceRequestWorkflow``'s door: 受理 (accept), 办结 (complete, with the result) or
不予受理 (reject, with the reason).

Why the spine and not the case (诉求) workflow: a service request is an errand a community's own desk
runs to a fixed time limit per item — no dispatch to departments, no co-handling, escalation or
review — and counting it as a case would distort the case KPIs (satisfaction, on-time rates by unit).
The spine gives it the same guarantees (one door, locks, typed events, ``available_moves``) with a
table of three moves, and its deadline policy is simply the item's working days."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangqun.accounts.models import Role
from dangqun.accounts.scope import get_scope
from dangqun.community.access import MANAGER_ROLES, service_requests_visible_q
from dangqun.community.events import CommunityEvent
from dangqun.community.inputs import text
from dangqun.community.models import ServiceItem, ServiceRequest, ServiceRequestStatus
from dangqun.core import clock, workcal
from dangqun.core.audit import record_event
from dangqun.core.errors import ForbiddenError
from dangqun.core.workflow import SYSTEM, Actor, Ctx, Outcome, Workflow, row

MANAGER = "manager"
SUBMITTED, ACCEPTED = ServiceRequestStatus.SUBMITTED, ServiceRequestStatus.ACCEPTED


def _complete(ctx: Ctx[ServiceRequest]) -> Outcome:
    ctx.obj.result = str(ctx.body["result"])[:300]
    on_time = ctx.at <= ctx.obj.due_at
    return Outcome(payload={"on_time": on_time}, changed={"result"})


class ServiceRequestWorkflow(Workflow[ServiceRequest]):
    model = ServiceRequest
    noun = gettext_lazy("服务申请")
    statuses = dict(ServiceRequestStatus.choices)
    table = {
        t.action: t
        for t in (
            row("accept", gettext_lazy("受理"), [SUBMITTED], ACCEPTED, [MANAGER],
                CommunityEvent.SERVICE_ACCEPTED, stamps=["accepted_at"]),
            row("complete", gettext_lazy("办结"), [ACCEPTED], ServiceRequestStatus.DONE, [MANAGER],
                CommunityEvent.SERVICE_DONE, needs=["result"], handler="complete", stamps=["done_at"]),
            row("reject", gettext_lazy("不予受理"), [SUBMITTED], ServiceRequestStatus.REJECTED, [MANAGER],
                CommunityEvent.SERVICE_REJECTED, needs=["reason"]),
        )
    }  # fmt: skip
    handlers = {"complete": _complete}

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return service_requests_visible_q(actor)

    @classmethod
    def lock(cls, pk: int, body: dict[str, Any]) -> ServiceRequest:
        return ServiceRequest.objects.select_for_update(of=("self",)).select_related("region").get(pk=pk)

    @classmethod
    def relations(cls, actor: Actor, obj: ServiceRequest, state: dict[str, Any]) -> frozenset[str]:
        if actor is None:
            return frozenset({SYSTEM})
        if get_scope(actor).covers_path(obj.region.path, MANAGER_ROLES):
            return frozenset({MANAGER})
        return frozenset()


def service_request_create(*, actor: Any, body: dict[str, Any]) -> ServiceRequest:
    """A resident requests an active service item of any community; due after its working days."""
    if not get_scope(actor).has_role(Role.CITIZEN):
        raise ForbiddenError(_("只有居民可以申请社区服务"))
    try:
        pk = int(body.get("item_id") or 0)
    except (TypeError, ValueError):
        pk = 0
    item = ServiceItem.objects.filter(pk=pk, is_active=True).select_related("region").first()
    if item is None:
        raise ValidationError({"item_id": _("服务事项不存在")})
    note = text(body, "note", 300, required=False)
    now = clock.now()
    with transaction.atomic():
        request = ServiceRequest.objects.create(
            code="tmp-" + uuid.uuid4().hex[:12],  # replaced by the numbered code below
            item=item,
            region=item.region,
            requester=actor,
            requester_name=getattr(actor, "display_name", "") or "",
            note=note,
            due_at=workcal.add_working_days(now, int(item.time_limit_days)),
        )
        request.code = f"FW{request.pk:07d}"
        request.save(update_fields=["code"])
        record_event(
            actor=actor,
            event_type=CommunityEvent.SERVICE_REQUESTED,
            target=request,
            data={"item": item.pk, "region": item.region.code},
        )
    return request


def service_request_move(
    *, actor: Any, request: ServiceRequest, action: str, body: dict[str, Any]
) -> ServiceRequest:
    result = text(body, "result", 300, required=False)
    return ServiceRequestWorkflow.apply(
        obj=request, action=action, actor=actor, reason=str(body.get("reason") or "")[:300], result=result
    )
