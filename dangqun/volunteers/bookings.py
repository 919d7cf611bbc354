"""A shared-space booking on the workflow spine.

``services.booking_create`` makes it: 待审批 when the space's owner approves its bookings, else 已确认
at once; either way it already holds its room-hours (``BookingSlot``). Then, through the door
(``BookingWorkflow.apply``): the owner confirms or rejects a pending booking; the booker or the owner
cancels one that has not started. Rejecting and cancelling free the hours.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangqun.core.workflow import SYSTEM, Actor, Ctx, Outcome, Workflow, row
from dangqun.volunteers.access import bookings_visible_q, owns_space
from dangqun.volunteers.events import VolunteersEvent
from dangqun.volunteers.models import Booking, BookingSlot, BookingStatus

BOOKER = "booker"  # made the booking
OWNER = "owner"  # manages the space

PENDING, APPROVED = BookingStatus.PENDING, BookingStatus.APPROVED


def _not_started(ctx: Ctx[Booking]) -> bool:
    return ctx.at < ctx.obj.starts_at


def _release(ctx: Ctx[Booking]) -> Outcome:
    """The booking gives its room-hours back."""
    freed, _by_model = BookingSlot.objects.filter(booking=ctx.obj).delete()
    changed = set()
    if ctx.reason:
        ctx.obj.note = ctx.reason[:200]
        changed.add("note")
    return Outcome(payload={"hours_freed": freed}, changed=changed)


class BookingWorkflow(Workflow[Booking]):
    model = Booking
    noun = _("空间预约")
    statuses = dict(BookingStatus.choices)
    table = {
        t.action: t
        for t in (
            row("approve", _("确认"), [PENDING], APPROVED, [OWNER],
                VolunteersEvent.BOOKING_APPROVED, stamps=["decided_at"]),
            row("reject", _("驳回"), [PENDING], BookingStatus.REJECTED, [OWNER],
                VolunteersEvent.BOOKING_REJECTED, needs=["reason"], handler="release", stamps=["decided_at"]),
            row("cancel", _("取消预约"), [PENDING, APPROVED], BookingStatus.CANCELLED,
                [BOOKER, OWNER, SYSTEM],
                VolunteersEvent.BOOKING_CANCELLED, guard="not_started", handler="release",
                stamps=["cancelled_at"]),
        )
    }  # fmt: skip
    guards = {"not_started": _not_started}
    guard_messages = {"not_started": _("活动已开始,不能取消")}
    guard_conflicts = frozenset({"not_started"})
    handlers = {"release": _release}

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return bookings_visible_q(actor)

    @classmethod
    def lock(cls, pk: int, body: dict[str, Any]) -> Booking:
        return Booking.objects.select_for_update(of=("self",)).select_related("space__region").get(pk=pk)

    @classmethod
    def relations(cls, actor: Actor, obj: Booking, state: dict[str, Any]) -> frozenset[str]:
        if actor is None:
            return frozenset({SYSTEM})
        rels = set()
        if obj.booker_id == actor.pk:
            rels.add(BOOKER)
        if owns_space(actor, obj.space):
            rels.add(OWNER)
        return frozenset(rels)
