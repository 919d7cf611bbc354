"""书记项目 library: a secretary's project is declared (申报) by its own level — the community or street
staff, the district leader, or the 党务管理员 of the leading organisation — and moves through
``SecretaryProjectWorkflow``'s door: the level above approves it (立项), its own level starts it
(实施中) and completes it with a result (已完成), the level above evaluates it once with a score and a
comment (评估: a second evaluation is 409) and promotes the best evaluated ones to 品牌 (once: 409).

"The level above" is whoever holds the project's region (or leading organisation) strictly inside
their own: the street for a community's project, the district for a street's; the district's own
projects are evaluated by the district leaders, the top of the library."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangqun.accounts.models import Role
from dangqun.accounts.scope import get_scope
from dangqun.community.access import LEAD_ROLES, secretary_projects_visible_q
from dangqun.community.events import CommunityEvent
from dangqun.community.inputs import text
from dangqun.community.models import SecretaryProject, SecretaryProjectLevel, SecretaryProjectStatus
from dangqun.core.audit import record_event
from dangqun.core.errors import ForbiddenError
from dangqun.core.workflow import SYSTEM, Actor, Ctx, Outcome, Workflow, row
from dangqun.orgs.models import PartyOrg
from dangqun.regions.models import Region

LEAD = "lead"  # the project's own level
ABOVE = "above"  # the level above: approves, evaluates, promotes
BRAND_SCORE = 85  # the lowest evaluation score a 品牌 project may have

S = SecretaryProjectStatus


def _complete(ctx: Ctx[SecretaryProject]) -> Outcome:
    ctx.obj.result = str(ctx.body["result"])[:1000]
    return Outcome(changed={"result"})


def _evaluate(ctx: Ctx[SecretaryProject]) -> Outcome:
    ctx.obj.score = int(ctx.body["score"])
    ctx.obj.evaluation = str(ctx.body.get("comment") or "")[:500]
    return Outcome(payload={"score": ctx.obj.score}, changed={"score", "evaluation"})


def _promote(ctx: Ctx[SecretaryProject]) -> Outcome:
    ctx.obj.is_brand = True
    return Outcome(changed={"is_brand"})


def _promotable(ctx: Ctx[SecretaryProject]) -> bool:
    return not ctx.obj.is_brand and (ctx.obj.score or 0) >= BRAND_SCORE


class SecretaryProjectWorkflow(Workflow[SecretaryProject]):
    model = SecretaryProject
    noun = gettext_lazy("书记项目")
    statuses = dict(S.choices)
    table = {
        t.action: t
        for t in (
            row("approve", gettext_lazy("立项"), [S.DECLARED], S.APPROVED, [ABOVE],
                CommunityEvent.SECRETARY_PROJECT_APPROVED, stamps=["approved_at"]),
            row("start", gettext_lazy("开始实施"), [S.APPROVED], S.IN_PROGRESS, [LEAD],
                CommunityEvent.SECRETARY_PROJECT_STARTED, stamps=["started_at"]),
            row("complete", gettext_lazy("完成"), [S.IN_PROGRESS], S.COMPLETED, [LEAD],
                CommunityEvent.SECRETARY_PROJECT_COMPLETED, needs=["result"], handler="complete",
                stamps=["completed_at"]),
            row("evaluate", gettext_lazy("评估"), [S.COMPLETED], S.EVALUATED, [ABOVE],
                CommunityEvent.SECRETARY_PROJECT_EVALUATED, needs=["score"], handler="evaluate",
                stamps=["evaluated_at"]),
            row("promote", gettext_lazy("推广为品牌"), [S.EVALUATED], None, [ABOVE],
                CommunityEvent.SECRETARY_PROJECT_PROMOTED, guard="promotable", handler="promote",
                stamps=["promoted_at"]),
        )
    }  # fmt: skip
    guards = {"promotable": _promotable}
    guard_conflicts = frozenset({"promotable"})
    guard_messages = {"promotable": gettext_lazy("仅评估得分85分以上且尚未推广的项目可推广为品牌")}
    handlers = {"complete": _complete, "evaluate": _evaluate, "promote": _promote}

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return secretary_projects_visible_q(actor)

    @classmethod
    def lock(cls, pk: int, body: dict[str, Any]) -> SecretaryProject:
        return (
            SecretaryProject.objects.select_for_update(of=("self",))
            .select_related("region", "org")
            .get(pk=pk)
        )

    @classmethod
    def relations(cls, actor: Actor, obj: SecretaryProject, state: dict[str, Any]) -> frozenset[str]:
        if actor is None:
            return frozenset({SYSTEM})
        return relations_to(actor, obj.region, obj.org)


def relations_to(actor: Any, region: Region, org: PartyOrg) -> frozenset[str]:
    """How an actor stands to a project of this region and organisation: its own level holds the
    region (or the organisation) itself; the level above holds it strictly inside its own."""
    scope = get_scope(actor)
    if scope.is_sysadmin:
        return frozenset({LEAD, ABOVE})
    rels: set[str] = set()
    region_paths = scope.region_paths(LEAD_ROLES)
    org_paths = scope.party_org_paths if scope.has_role(Role.PARTY_ADMIN) else ()
    if region.path in region_paths or org.path in org_paths:
        rels.add(LEAD)
    if any(region.path.startswith(p) and region.path != p for p in region_paths) or any(
        org.path.startswith(p) and org.path != p for p in org_paths
    ):
        rels.add(ABOVE)
    if region.parent_id is None and region.path in scope.region_paths(frozenset({Role.LEADER})):
        rels.add(ABOVE)  # the district's own projects: its leaders are the top of the library
    return frozenset(rels)


def _region_and_org(actor: Any, body: dict[str, Any]) -> tuple[Region, PartyOrg]:
    """The district, street or community named by ``region`` and its leading organisation
    ``org_id``, both within the actor's regions or party organisations (else 422 naming the field)."""
    scope = get_scope(actor)
    code = str(body.get("region") or "")
    region = Region.objects.filter(
        code=code, is_active=True, level__lte=SecretaryProjectLevel.COMMUNITY
    ).first()
    if region is None:
        raise ValidationError({"region": _("须为本人辖区内的区、街道或社区")})
    try:
        org_id = int(body.get("org_id") or 0)
    except (TypeError, ValueError):
        org_id = 0
    org = PartyOrg.objects.filter(pk=org_id, is_active=True, region=region).first()
    if org is None:
        raise ValidationError({"org_id": _("须为该区域的党组织")})
    if not (scope.covers_path(region.path, LEAD_ROLES) or scope.covers_party_org_path(org.path)):
        raise ValidationError({"region": _("须为本人辖区内的区、街道或社区")})
    return region, org


def secretary_project_declare(*, actor: Any, body: dict[str, Any]) -> SecretaryProject:
    """Its own level declares (申报) a project: the region and leading organisation must be the
    actor's own (a region staff's region, a 党务管理员's organisation), not one below (403)."""
    region, org = _region_and_org(actor, body)
    if LEAD not in relations_to(actor, region, org):
        raise ForbiddenError(_("只能申报本级的书记项目"))
    title = text(body, "title", 100)
    secretary = text(body, "secretary_name", 50, required=False) or org.secretary_name
    if not secretary:
        raise ValidationError({"secretary_name": _("此项必填")})
    goals = text(body, "goals", 1000)
    milestones = text(body, "milestones", 1000, required=False)
    with transaction.atomic():
        project = SecretaryProject.objects.create(
            code="tmp-" + uuid.uuid4().hex[:12],  # replaced by the numbered code below
            title=title,
            level=region.level,
            region=region,
            org=org,
            secretary_name=secretary,
            goals=goals,
            milestones=milestones,
            registered_by=actor if getattr(actor, "pk", None) else None,
        )
        project.code = f"SJ{project.pk:06d}"
        project.save(update_fields=["code"])
        record_event(
            actor=actor,
            event_type=CommunityEvent.SECRETARY_PROJECT_DECLARED,
            target=project,
            data={"region": region.code, "org": org.code, "level": region.level},
        )
    return project


def _score(body: dict[str, Any]) -> int:
    try:
        score = int(body.get("score"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValidationError({"score": _("评估得分须为0到100的整数")}) from None
    if not 0 <= score <= 100:
        raise ValidationError({"score": _("评估得分须为0到100的整数")})
    return score


def secretary_project_move(
    *, actor: Any, project: SecretaryProject, action: str, body: dict[str, Any]
) -> SecretaryProject:
    """One move through the door; the input of each move is parsed here first (422 naming the field)."""
    extra: dict[str, Any] = {}
    if action == "complete":
        extra["result"] = text(body, "result", 1000)
    elif action == "evaluate":
        extra["score"] = _score(body)
        extra["comment"] = text(body, "comment", 500, required=False)
    return SecretaryProjectWorkflow.apply(obj=project, action=action, actor=actor, **extra)
