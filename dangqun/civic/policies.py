"""A policy's life on the workflow spine: 草稿 → 已发布 (the push to the residents and enterprise
contacts it fits is queued after commit) → 已撤回. ``PolicyWorkflow.apply`` is the only door."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangqun.accounts.scope import get_scope
from dangqun.civic.access import POLICY_STAFF_ROLES, policies_visible_q
from dangqun.civic.events import CivicEvent
from dangqun.civic.jobs import push_policy
from dangqun.civic.models import Policy, PolicyStatus, PushStatus
from dangqun.civic.rules import matching
from dangqun.core.workflow import SYSTEM, Actor, Ctx, Outcome, Workflow, row

STAFF = "staff"  # holds a staff role over the policy's region


def _publishable(ctx: Ctx[Policy]) -> bool:
    """Not past its end date. (The rules were checked when written; the handler checks them again.)"""
    valid_until = ctx.obj.valid_until
    return valid_until is None or valid_until >= timezone.localdate(ctx.at)


def _publish(ctx: Ctx[Policy]) -> Outcome:
    policy = ctx.obj
    policy.matched_count = matching(
        policy.audience, policy.rules, policy.region, today=timezone.localdate(ctx.at)
    ).count()
    policy.push_status = PushStatus.QUEUED
    return Outcome(
        payload={"matched": policy.matched_count, "audience": policy.audience},
        changed={"matched_count", "push_status"},
    )


def _withdraw(ctx: Ctx[Policy]) -> Outcome:
    return Outcome(payload={"reached": ctx.obj.reached_count})


def _push(policy_id: int) -> None:
    push_policy.enqueue(policy_id)


class PolicyWorkflow(Workflow[Policy]):
    model = Policy
    noun = _("惠民政策")
    statuses = dict(PolicyStatus.choices)
    table = {
        t.action: t
        for t in (
            row("publish", _("发布并推送"), [PolicyStatus.DRAFT], PolicyStatus.PUBLISHED, [STAFF],
                CivicEvent.POLICY_PUBLISHED, guard="publishable", handler="publish", stamps=["published_at"],
                jobs=["push"]),
            row("withdraw", _("撤回"), [PolicyStatus.PUBLISHED], PolicyStatus.WITHDRAWN, [STAFF],
                CivicEvent.POLICY_WITHDRAWN, needs=["reason"], handler="withdraw", stamps=["withdrawn_at"]),
        )
    }  # fmt: skip
    guards = {"publishable": _publishable}
    guard_messages = {"publishable": _("政策已过截止日期或适用条件无效,请先修改")}
    handlers = {"publish": _publish, "withdraw": _withdraw}
    jobs = {"push": _push}

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return policies_visible_q(actor)

    @classmethod
    def relations(cls, actor: Actor, obj: Policy, state: dict[str, Any]) -> frozenset[str]:
        if actor is None:
            return frozenset({SYSTEM})
        if get_scope(actor).covers_path(obj.region.path, roles=POLICY_STAFF_ROLES):
            return frozenset({STAFF})
        return frozenset()

    @classmethod
    def lock(cls, pk: int, body: dict[str, Any]) -> Policy:
        return Policy.objects.select_for_update(of=("self",)).select_related("region").get(pk=pk)
