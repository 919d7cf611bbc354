"""入户排查: door-to-door campaigns. A street's or community's staff draft a campaign over their
region with its form (a ready-made one for the kind, or their own), open it — every household of the
region is listed then, each assigned to its grid's first grid worker — and close it. The grid's workers
record each door (the form's answers, or 无人在家 to try again) through ``DoorWorkflow``; a door already
recorded, or one of a campaign not open, is a 409. Who sees a campaign: the staff of its region and
above, and the staff and workers of the grids inside it (each sees the doors of their own grids)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangqun.accounts.models import Membership, Role, User
from dangqun.accounts.scope import get_scope
from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.errors import NotFoundError
from dangqun.core.workflow import SYSTEM, Actor, Ctx, Outcome, Workflow, row
from dangqun.gridwork.access import VISIT_READ_ROLES, VISIT_RECORD_ROLES, visits_visible_q
from dangqun.gridwork.campaign_forms import clean_answers, clean_questions, preset
from dangqun.gridwork.events import GridworkEvent
from dangqun.gridwork.models import Campaign, CampaignHousehold, CampaignKind, CampaignStatus, DoorStatus
from dangqun.regions.models import Region, RegionLevel
from dangqun.registry.models import Household

LAUNCH_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF})
LAUNCHER = "launcher"
WORKER = "worker"
NOTE_MAX = 300
TITLE_MAX = 100
MAX_DAYS = 180
BATCH = 2000
OPEN_DOORS = (DoorStatus.PENDING, DoorStatus.ABSENT)


def _ancestors(path: str) -> list[str]:
    return [path[: i + 1] for i, c in enumerate(path) if c == "/" and i > 0]


def campaigns_visible_q(user: object) -> Q:
    """Campaigns over a region in the reader's scope, or over a region containing one of theirs."""
    scope = get_scope(user)
    if scope.is_sysadmin:
        return Q()
    paths = scope.region_paths(VISIT_READ_ROLES)
    if not paths:
        return Q(pk__in=[])
    above = {a for p in paths for a in _ancestors(p)}
    return scope.region_q("region_path", roles=VISIT_READ_ROLES) | Q(region_path__in=above)


def campaigns_for(user: object) -> models.QuerySet[Campaign]:
    return Campaign.objects.filter(campaigns_visible_q(user))


def access_campaign_by_id(user: object, campaign_id: int) -> Campaign:
    campaign = campaigns_for(user).select_related("region", "created_by").filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFoundError()
    return campaign


def doors_for(user: object) -> models.QuerySet[CampaignHousehold]:
    """The doors of the grids in the reader's scope."""
    return CampaignHousehold.objects.filter(visits_visible_q(user))


def access_door_by_id(user: object, door_id: int) -> CampaignHousehold:
    door = (
        doors_for(user)
        .select_related("campaign", "household__building", "grid", "done_by")
        .filter(pk=door_id)
        .first()
    )
    if door is None:
        raise NotFoundError()
    return door


def _text(values: dict[str, Any], name: str, limit: int, *, required: bool = False) -> str:
    value = values.get(name)
    text = value.strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        raise ValidationError({name: _("请填写文字")})
    if required and not text:
        raise ValidationError({name: _("此项必填")})
    if len(text) > limit or "\x00" in text:
        raise ValidationError({name: _("不超过%(n)d字,且不能含有空字符") % {"n": limit}})
    return text


def campaign_create(
    *,
    actor: User,
    region_code: str,
    title: str,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date,
    questions: object = None,
) -> Campaign:
    """A draft campaign over a street or community the actor's staff role covers (else 404)."""
    region = Region.objects.filter(
        code=region_code, level__in=(RegionLevel.STREET, RegionLevel.COMMUNITY), is_active=True
    ).first()
    if region is None or not get_scope(actor).covers_path(region.path, roles=LAUNCH_ROLES):
        raise NotFoundError(_("排查范围须为您所在的街道或社区"))
    name = _text({"title": title}, "title", TITLE_MAX, required=True)
    if kind not in CampaignKind.values:
        raise ValidationError({"kind": _("类型须为 safety、population、epidemic 或 other")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("截止日期不能早于开始日期")})
    if (ends_on - starts_on).days > MAX_DAYS:
        raise ValidationError({"ends_on": _("一次排查不超过%(n)d天") % {"n": MAX_DAYS}})
    if ends_on < clock.local_today():
        raise ValidationError({"ends_on": _("截止日期已过")})
    form = clean_questions(preset(kind) if questions is None else questions)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            title=name,
            kind=kind,
            region=region,
            region_path=region.path,
            questions=form,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=actor,
        )
        record_event(
            actor=actor,
            event_type=GridworkEvent.CAMPAIGN_CREATED,
            target=campaign,
            data={"region": region.code, "kind": kind, "questions": len(form)},
        )
    return campaign


def campaign_doors(campaign: Campaign) -> list[CampaignHousehold]:
    """The campaign's doors, unsaved: every household of its region, each assigned to its grid's first
    active grid worker (in grid and household order)."""
    workers: dict[int, int] = {}
    for grid_id, user_id in (
        Membership.objects.filter(
            role=Role.GRID_WORKER, is_active=True, region__path__startswith=campaign.region_path
        )
        .order_by("id")
        .values_list("region_id", "user_id")
    ):
        workers.setdefault(grid_id, user_id)
    rows = Household.objects.filter(grid__path__startswith=campaign.region_path).values_list(
        "id", "grid_id", "grid__path"
    )
    return [
        CampaignHousehold(
            campaign=campaign, household_id=hid, grid_id=gid, grid_path=path, assignee_id=workers.get(gid)
        )
        for hid, gid, path in rows.order_by("grid__path", "id")
    ]


def _open(ctx: Ctx[Campaign]) -> Outcome:
    doors = campaign_doors(ctx.obj)
    CampaignHousehold.objects.bulk_create(doors, batch_size=BATCH, ignore_conflicts=True)
    ctx.obj.households = len(doors)
    return Outcome(payload={"households": len(doors)}, changed={"households"})


class CampaignWorkflow(Workflow[Campaign]):
    model = Campaign
    noun = gettext_lazy("入户排查")
    statuses = dict(CampaignStatus.choices)
    table = {
        t.action: t
        for t in (
            row("open", gettext_lazy("启动排查"), [CampaignStatus.DRAFT], CampaignStatus.OPEN,
                [LAUNCHER], GridworkEvent.CAMPAIGN_OPENED, handler="open", stamps=["opened_at"]),
            row("close", gettext_lazy("结束排查"), [CampaignStatus.OPEN], CampaignStatus.CLOSED,
                [LAUNCHER, SYSTEM], GridworkEvent.CAMPAIGN_CLOSED, stamps=["closed_at"]),
        )
    }  # fmt: skip
    handlers = {"open": _open}

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return campaigns_visible_q(actor)

    @classmethod
    def relations(cls, actor: Actor, obj: Campaign, state: dict[str, Any]) -> frozenset[str]:
        if actor is None:
            return frozenset({SYSTEM})
        if get_scope(actor).covers_path(obj.region_path, roles=LAUNCH_ROLES):
            return frozenset({LAUNCHER})
        return frozenset()


def _campaign_open(ctx: Ctx[CampaignHousehold]) -> bool:
    return bool(ctx.state["campaign"].status == CampaignStatus.OPEN)


def _note(ctx: Ctx[CampaignHousehold]) -> str:
    note = ctx.body.get("note")
    return _text({"note": note}, "note", NOTE_MAX)


def _record(ctx: Ctx[CampaignHousehold]) -> Outcome:
    door = ctx.obj
    door.answers = clean_answers(ctx.state["campaign"].questions, ctx.body.get("answers"))
    door.note = _note(ctx)
    door.done_by = ctx.actor if getattr(ctx.actor, "pk", None) else None  # type: ignore[assignment]
    door.attempts += 1
    return Outcome(payload={"answers": len(door.answers)}, changed={"answers", "note", "done_by", "attempts"})


def _absent(ctx: Ctx[CampaignHousehold]) -> Outcome:
    ctx.obj.note = _note(ctx)
    ctx.obj.attempts += 1
    return Outcome(payload={"attempts": ctx.obj.attempts}, changed={"note", "attempts"})


class DoorWorkflow(Workflow[CampaignHousehold]):
    model = CampaignHousehold
    noun = gettext_lazy("排查住户")
    statuses = dict(DoorStatus.choices)
    table = {
        t.action: t
        for t in (
            row("record", gettext_lazy("登记排查结果"), OPEN_DOORS, DoorStatus.DONE, [WORKER],
                GridworkEvent.DOOR_RECORDED, guard="campaign_open", handler="record", stamps=["done_at"]),
            row("absent", gettext_lazy("无人在家"), OPEN_DOORS, DoorStatus.ABSENT, [WORKER],
                GridworkEvent.DOOR_ABSENT, guard="campaign_open", handler="absent"),
        )
    }  # fmt: skip
    guards = {"campaign_open": _campaign_open}
    guard_messages = {"campaign_open": gettext_lazy("排查未在进行中,不能登记")}
    guard_conflicts = frozenset({"campaign_open"})
    handlers = {"record": _record, "absent": _absent}

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return visits_visible_q(actor)

    @classmethod
    def load_state(cls, obj: CampaignHousehold, *, lock: bool) -> dict[str, Any]:
        return {"campaign": Campaign.objects.get(pk=obj.campaign_id)}

    @classmethod
    def relations(cls, actor: Actor, obj: CampaignHousehold, state: dict[str, Any]) -> frozenset[str]:
        if actor is None:
            return frozenset({SYSTEM})
        if get_scope(actor).covers_path(obj.grid_path, roles=VISIT_RECORD_ROLES):
            return frozenset({WORKER})
        return frozenset()
