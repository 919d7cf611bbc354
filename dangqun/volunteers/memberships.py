"""Joining and leaving a volunteer team, on the workflow spine.

``services.membership_request`` asks (待审批); then, through the door (``MembershipWorkflow.apply``):
the team's owners (the staff of its region) approve or reject; the volunteer withdraws a pending
request or leaves the team, or the owners remove a member.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangqun.core.workflow import SYSTEM, Actor, Workflow, row
from dangqun.volunteers.access import memberships_visible_q, owns_team
from dangqun.volunteers.events import VolunteersEvent
from dangqun.volunteers.models import MembershipStatus, TeamMembership

MEMBER = "member"  # the volunteer the membership is about
TEAM_OWNER = "team_owner"  # the staff of the team's region

PENDING, ACTIVE = MembershipStatus.PENDING, MembershipStatus.ACTIVE


class MembershipWorkflow(Workflow[TeamMembership]):
    model = TeamMembership
    noun = _("入队申请")
    statuses = dict(MembershipStatus.choices)
    table = {
        t.action: t
        for t in (
            row("approve", _("批准入队"), [PENDING], ACTIVE, [TEAM_OWNER],
                VolunteersEvent.MEMBERSHIP_APPROVED, stamps=["decided_at"]),
            row("reject", _("驳回"), [PENDING], MembershipStatus.REJECTED, [TEAM_OWNER],
                VolunteersEvent.MEMBERSHIP_REJECTED, needs=["reason"], stamps=["decided_at"]),
            row("leave", _("退出队伍"), [PENDING, ACTIVE], MembershipStatus.LEFT,
                [MEMBER, TEAM_OWNER, SYSTEM],
                VolunteersEvent.MEMBERSHIP_LEFT, stamps=["left_at"]),
        )
    }  # fmt: skip

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return memberships_visible_q(actor)

    @classmethod
    def lock(cls, pk: int, body: dict[str, Any]) -> TeamMembership:
        return (
            TeamMembership.objects.select_for_update(of=("self",))
            .select_related("team__region", "volunteer")
            .get(pk=pk)
        )

    @classmethod
    def relations(cls, actor: Actor, obj: TeamMembership, state: dict[str, Any]) -> frozenset[str]:
        if actor is None:
            return frozenset({SYSTEM})
        rels = set()
        if obj.volunteer.user_id is not None and obj.volunteer.user_id == actor.pk:
            rels.add(MEMBER)
        if owns_team(actor, obj.team):
            rels.add(TEAM_OWNER)
        return frozenset(rels)
