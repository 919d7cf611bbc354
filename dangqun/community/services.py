"""Writes of the four lists: needs and resources are registered here; every status change goes
through ``workflow.NeedWorkflow`` / ``workflow.ProjectWorkflow``. Bad input is a ``ValidationError``
naming the field (422) and changes nothing."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangqun.accounts.models import Role
from dangqun.accounts.scope import REGISTRY_READ_ROLES, get_scope
from dangqun.community.access import MANAGER_ROLES, resources_for
from dangqun.community.events import CommunityEvent
from dangqun.community.inputs import choice as _choice
from dangqun.community.inputs import region_in as _region
from dangqun.community.inputs import text as _text
from dangqun.community.inputs import unit_in as _unit
from dangqun.community.matching import keywords_of
from dangqun.community.models import Category, Need, NeedSource, Project, Resource, ResourceKind
from dangqun.community.workflow import NeedWorkflow, ProjectWorkflow
from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.errors import ForbiddenError


def _temp_code() -> str:
    return "tmp-" + uuid.uuid4().hex[:12]


def need_create(*, actor: Any, body: dict[str, Any]) -> Need:
    """Register a need: a resident for their own community (any community), staff in their regions."""
    scope = get_scope(actor)
    staff = scope.has_role(*REGISTRY_READ_ROLES)
    if not staff and not scope.has_role(Role.CITIZEN):
        raise ForbiddenError(_("您无权登记需求"))
    title = _text(body, "title", 100)
    description = _text(body, "description", 2000, required=False)
    category = _choice(body, "category", Category)
    region = _region(actor, body, REGISTRY_READ_ROLES if staff else None)
    place = _text(body, "place", 100, required=False)
    try:
        beneficiaries = int(body.get("beneficiaries") or 1)
    except (TypeError, ValueError):
        raise ValidationError({"beneficiaries": _("须为正整数")}) from None
    if not 1 <= beneficiaries <= 100000:
        raise ValidationError({"beneficiaries": _("须为正整数")})
    source = NeedSource.GRID if staff else NeedSource.RESIDENT
    with transaction.atomic():
        need = Need.objects.create(
            code=_temp_code(),
            title=title,
            description=description,
            category=category,
            region=region,
            place=place,
            beneficiaries=beneficiaries,
            source=source,
            raised_by=actor,
            raiser_name=getattr(actor, "display_name", "") or "",
        )
        need.code = f"XQ{need.pk:07d}"
        need.save(update_fields=["code"])
        record_event(
            actor=actor, event_type=CommunityEvent.NEED_CREATED, target=need, data={"region": region.code}
        )
    return need


def need_claim(*, actor: Any, need: Need, body: dict[str, Any]) -> Need:
    """A co-building unit claims a published need (认领), recorded by the community staff."""
    return NeedWorkflow.apply(obj=need, action="claim", actor=actor, unit=_unit(actor, body))


def need_move(*, actor: Any, need: Need, action: str, body: dict[str, Any]) -> Need:
    """The other moves a user makes on a need (cancel, rate)."""
    if action in {"claim", "start"}:
        raise ValidationError({"action": _("请使用专门的接口")})
    extra: dict[str, Any] = {}
    if action == "rate":
        try:
            rating = int(body.get("rating") or 0)
        except (TypeError, ValueError):
            rating = 0
        if not 1 <= rating <= 5:
            raise ValidationError({"rating": _("评价须为1至5星")})
        extra = {"rating": rating, "feedback": _text(body, "feedback", 200, required=False)}
    return NeedWorkflow.apply(
        obj=need, action=action, actor=actor, reason=str(body.get("reason") or ""), **extra
    )


def project_start(*, actor: Any, need: Need, body: dict[str, Any]) -> Project:
    """The claimed need becomes a project (立项) with resources, an owner and a due date."""
    title = _text(body, "title", 100, required=False) or need.title
    owner_name = _text(body, "owner_name", 50)
    plan = _text(body, "plan", 2000, required=False)
    milestone = _text(body, "milestone", 100, required=False)
    try:
        due_on = dt.date.fromisoformat(str(body.get("due_on") or ""))
    except ValueError:
        raise ValidationError({"due_on": _("日期格式应为YYYY-MM-DD")}) from None
    if due_on < clock.local_today():
        raise ValidationError({"due_on": _("完成时限不能早于今天")})
    unit = _unit(actor, {"unit_id": body.get("unit_id") or need.claimed_by_id})
    ids = body.get("resource_ids") or []
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        raise ValidationError({"resource_ids": _("须为资源编号列表")})
    resources = list(resources_for(actor).filter(pk__in=ids)) if ids else []
    if len(resources) != len(set(ids)):
        raise ValidationError({"resource_ids": _("资源不存在或不在本辖区")})
    with transaction.atomic():
        resources = list(Resource.objects.select_for_update().filter(pk__in=[r.pk for r in resources]))
        NeedWorkflow.apply(
            obj=need,
            action="start",
            actor=actor,
            code=_temp_code(),
            title=title,
            unit=unit,
            owner_name=owner_name,
            plan=plan,
            milestone=milestone,
            due_on=due_on,
            resources=resources,
        )
        project = Project.objects.get(need=need)
        project.code = f"XM{project.pk:07d}"
        project.save(update_fields=["code"])
    return project


def project_move(*, actor: Any, project: Project, action: str, body: dict[str, Any]) -> Project:
    result = _text(body, "result", 2000, required=False)
    return ProjectWorkflow.apply(
        obj=project, action=action, actor=actor, reason=str(body.get("reason") or ""), result=result
    )


def resource_create(*, actor: Any, body: dict[str, Any]) -> Resource:
    """Register a resource offered in the actor's regions (by a co-building unit, or another provider)."""
    if not get_scope(actor).has_role(*MANAGER_ROLES):
        raise ForbiddenError(_("您无权登记资源"))
    title = _text(body, "title", 100)
    description = _text(body, "description", 2000, required=False)
    category = _choice(body, "category", Category)
    kind = _choice(body, "kind", ResourceKind)
    region = _region(actor, body, MANAGER_ROLES)
    unit = _unit(actor, body) if body.get("unit_id") else None
    provider = unit.name if unit is not None else _text(body, "provider", 100)
    raw = body.get("quantity")
    try:
        quantity = 1 if raw is None else int(raw)
    except (TypeError, ValueError):
        quantity = 0
    if quantity < 1:
        raise ValidationError({"quantity": _("须为正整数")})
    until = body.get("available_until")
    try:
        available_until = dt.date.fromisoformat(str(until)) if until else None
    except ValueError:
        raise ValidationError({"available_until": _("日期格式应为YYYY-MM-DD")}) from None
    with transaction.atomic():
        resource = Resource.objects.create(
            title=title,
            description=description,
            category=category,
            kind=kind,
            region=region,
            unit=unit,
            provider=provider,
            quantity=quantity,
            remaining=quantity,
            available_until=available_until,
            keywords=keywords_of(title, description),
        )
        record_event(actor=actor, event_type=CommunityEvent.RESOURCE_CREATED, target=resource)
    return resource
