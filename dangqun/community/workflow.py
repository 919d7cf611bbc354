"""The needs (需求) and projects (项目) of the four lists on the workflow spine.

A need is published (待认领); community staff record that a co-building unit claims it (认领: a need
claimed once, claiming it again is 409); it becomes a project with resources, an owner and a due
date (立项: a resource exhausted or expired is 409); the project is completed with a result, which
resolves the need (已解决) and closes the owner's responsibility; the resident who raised it (or the
staff for them) rates it once (一反馈). Every status changes here, through ``apply``.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangqun.accounts.scope import get_scope
from dangqun.community.access import MANAGER_ROLES, needs_visible_q, region_q
from dangqun.community.events import CommunityEvent
from dangqun.community.models import (
    Need,
    NeedStatus,
    Project,
    ProjectStatus,
    Resource,
    Responsibility,
    ResponsibilityStatus,
)
from dangqun.core.workflow import SYSTEM, Actor, Ctx, Outcome, Workflow, row

MANAGER = "manager"  # community staff and above over the need's region
RAISER = "raiser"  # the resident who raised the need

PUBLISHED, CLAIMED, IN_PROGRESS = NeedStatus.PUBLISHED, NeedStatus.CLAIMED, NeedStatus.IN_PROGRESS


def resource_usable(resource: Resource, day: Any) -> bool:
    """Whether a resource can still go into a project: some left and not expired."""
    return resource.remaining > 0 and (resource.available_until is None or resource.available_until >= day)


def _claim(ctx: Ctx[Need]) -> Outcome:
    ctx.obj.claimed_by = ctx.body["unit"]
    return Outcome(payload={"unit": ctx.obj.claimed_by_id}, changed={"claimed_by"})


def _resources_usable(ctx: Ctx[Need]) -> bool:
    day = timezone.localdate(ctx.at)
    return all(resource_usable(r, day) for r in ctx.body.get("resources", []))


def _start(ctx: Ctx[Need]) -> Outcome:
    """The need becomes a project: the resources are taken (one of each), the owner's responsibility
    for the year opens with the project's due date."""
    body, need = ctx.body, ctx.obj
    project = Project.objects.create(
        code=body["code"],
        need=need,
        title=body["title"],
        owner_unit=body["unit"],
        owner_name=body["owner_name"],
        plan=body.get("plan", ""),
        milestone=body.get("milestone", ""),
        due_on=body["due_on"],
    )
    resources: list[Resource] = body.get("resources", [])
    for resource in resources:
        resource.remaining -= 1
        resource.save(update_fields=["remaining", "updated_at"])
    project.resources.set(resources)
    Responsibility.objects.create(
        unit=body["unit"],
        region=need.region,
        project=project,
        year=body["due_on"].year,
        title=project.title,
        owner_name=project.owner_name,
        due_on=project.due_on,
    )
    return Outcome(payload={"project": project.pk, "resources": [r.pk for r in resources]}, related=project)


def _resolve(ctx: Ctx[Need]) -> Outcome:
    ctx.obj.result = str(ctx.body["result"])
    return Outcome(changed={"result"})


def _not_rated(ctx: Ctx[Need]) -> bool:
    return ctx.obj.rating is None


def _rate(ctx: Ctx[Need]) -> Outcome:
    ctx.obj.rating = int(ctx.body["rating"])
    ctx.obj.feedback = str(ctx.body.get("feedback") or "")[:200]
    return Outcome(payload={"rating": ctx.obj.rating}, changed={"rating", "feedback"})


def _unclaim(ctx: Ctx[Need]) -> Outcome:
    ctx.obj.claimed_by = None
    ctx.obj.claimed_at = None
    return Outcome(changed={"claimed_by", "claimed_at"})


class NeedWorkflow(Workflow[Need]):
    model = Need
    noun = _("需求")
    statuses = dict(NeedStatus.choices)
    table = {
        t.action: t
        for t in (
            row("claim", _("认领"), [PUBLISHED], CLAIMED, [MANAGER], CommunityEvent.NEED_CLAIMED,
                needs=["unit"], handler="claim", stamps=["claimed_at"]),
            row("start", _("立项"), [CLAIMED], IN_PROGRESS, [MANAGER], CommunityEvent.NEED_STARTED,
                guard="resources_usable", handler="start"),
            row("resolve", _("办结"), [IN_PROGRESS], NeedStatus.RESOLVED, [SYSTEM],
                CommunityEvent.NEED_RESOLVED, needs=["result"], handler="resolve", stamps=["resolved_at"]),
            row("reopen", _("重新认领"), [IN_PROGRESS], PUBLISHED, [SYSTEM], CommunityEvent.NEED_CANCELLED,
                handler="unclaim"),
            row("cancel", _("撤销"), [PUBLISHED, CLAIMED], NeedStatus.CANCELLED, [MANAGER],
                CommunityEvent.NEED_CANCELLED, needs=["reason"]),
            row("rate", _("评价"), [NeedStatus.RESOLVED], None, [RAISER, MANAGER], CommunityEvent.NEED_RATED,
                guard="not_rated", needs=["rating"], handler="rate", stamps=["rated_at"]),
        )
    }  # fmt: skip
    guards = {"resources_usable": _resources_usable, "not_rated": _not_rated}
    guard_conflicts = frozenset({"resources_usable", "not_rated"})
    guard_messages = {
        "resources_usable": _("所选资源已用完或已过期"),
        "not_rated": _("该需求已评价"),
    }
    handlers = {
        "claim": _claim,
        "start": _start,
        "resolve": _resolve,
        "rate": _rate,
        "unclaim": _unclaim,
    }

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return needs_visible_q(actor)

    @classmethod
    def lock(cls, pk: int, body: dict[str, Any]) -> Need:
        return Need.objects.select_for_update(of=("self",)).select_related("region").get(pk=pk)

    @classmethod
    def relations(cls, actor: Actor, obj: Need, state: dict[str, Any]) -> frozenset[str]:
        if actor is None:
            return frozenset({SYSTEM})
        rels = set()
        if get_scope(actor).covers_path(obj.region.path, MANAGER_ROLES):
            rels.add(MANAGER)
        if obj.raised_by_id is not None and obj.raised_by_id == actor.pk:
            rels.add(RAISER)
        return frozenset(rels)


def _close_responsibility(project: Project, at: Any) -> None:
    Responsibility.objects.filter(project=project).update(status=ResponsibilityStatus.DONE, done_at=at)


def _complete(ctx: Ctx[Project]) -> Outcome:
    project = ctx.obj
    project.result = str(ctx.body["result"])
    _close_responsibility(project, ctx.at)
    NeedWorkflow.apply(obj=project.need_id, action="resolve", actor=None, result=project.result)
    return Outcome(payload={"need": project.need_id}, changed={"result"})


def _cancel_project(ctx: Ctx[Project]) -> Outcome:
    project = ctx.obj
    for resource in project.resources.select_for_update():
        resource.remaining += 1
        resource.save(update_fields=["remaining", "updated_at"])
    Responsibility.objects.filter(project=project).delete()
    NeedWorkflow.apply(obj=project.need_id, action="reopen", actor=None)
    return Outcome(payload={"need": project.need_id})


class ProjectWorkflow(Workflow[Project]):
    model = Project
    noun = _("项目")
    statuses = dict(ProjectStatus.choices)
    table = {
        t.action: t
        for t in (
            row("complete", _("完成"), [ProjectStatus.IN_PROGRESS], ProjectStatus.DONE, [MANAGER],
                CommunityEvent.PROJECT_COMPLETED, needs=["result"], handler="complete",
                stamps=["completed_at"]),
            row("cancel", _("终止"), [ProjectStatus.IN_PROGRESS], ProjectStatus.CANCELLED, [MANAGER],
                CommunityEvent.PROJECT_CANCELLED, needs=["reason"], handler="cancel"),
        )
    }  # fmt: skip
    handlers = {"complete": _complete, "cancel": _cancel_project}

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return region_q(actor, "need__region__path")

    @classmethod
    def lock(cls, pk: int, body: dict[str, Any]) -> Project:
        return Project.objects.select_for_update(of=("self",)).select_related("need__region").get(pk=pk)

    @classmethod
    def relations(cls, actor: Actor, obj: Project, state: dict[str, Any]) -> frozenset[str]:
        if actor is None:
            return frozenset({SYSTEM})
        if get_scope(actor).covers_path(obj.need.region.path, MANAGER_ROLES):
            return frozenset({MANAGER})
        return frozenset()


def _not_project(ctx: Ctx[Responsibility]) -> bool:
    return ctx.obj.project_id is None


def _duty_done(ctx: Ctx[Responsibility]) -> Outcome:
    ctx.obj.done_note = str(ctx.body.get("note") or "")[:300]
    return Outcome(payload={"meeting": ctx.obj.meeting_id}, changed={"done_note"})


class ResponsibilityWorkflow(Workflow[Responsibility]):
    """A responsibility set by a joint meeting's decision is tracked to done here (落实); one that a
    project opened closes with its project (the guard: 409)."""

    model = Responsibility
    noun = _("责任")
    statuses = dict(ResponsibilityStatus.choices)
    table = {
        t.action: t
        for t in (
            row("complete", _("落实"), [ResponsibilityStatus.OPEN], ResponsibilityStatus.DONE, [MANAGER],
                CommunityEvent.RESPONSIBILITY_DONE, guard="not_project", handler="done", stamps=["done_at"]),
        )
    }  # fmt: skip
    guards = {"not_project": _not_project}
    guard_conflicts = frozenset({"not_project"})
    guard_messages = {"not_project": _("项目的责任随项目完成")}
    handlers = {"done": _duty_done}

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return region_q(actor)

    @classmethod
    def lock(cls, pk: int, body: dict[str, Any]) -> Responsibility:
        return Responsibility.objects.select_for_update(of=("self",)).select_related("region").get(pk=pk)

    @classmethod
    def relations(cls, actor: Actor, obj: Responsibility, state: dict[str, Any]) -> frozenset[str]:
        if actor is None:
            return frozenset({SYSTEM})
        if get_scope(actor).covers_path(obj.region.path, MANAGER_ROLES):
            return frozenset({MANAGER})
        return frozenset()
