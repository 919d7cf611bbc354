"""研判 meetings: 日碰头, 周研判, 月会商, 季恳谈 and 动态听证 of a grid, a community or a street, recorded
by those who supervise it (the grid leader, the community, the street) with the cases discussed and
the decisions taken — each with an owner who works in that region and a due date, tracked to done
through ``DecisionWorkflow``'s door. Bad input is a 422 naming the field (``decisions.1.owner``), and
nothing is written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangqun.accounts.models import REGION_ROLES, Membership, User
from dangqun.accounts.scope import get_scope
from dangqun.cases.selectors import access_case_by_code
from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.errors import NotFoundError
from dangqun.core.workflow import SYSTEM, Actor, Ctx, Outcome, Workflow, row
from dangqun.gridwork.access import VISIT_READ_ROLES, VISIT_SUPERVISE_ROLES
from dangqun.gridwork.events import GridworkEvent
from dangqun.gridwork.models import Decision, DecisionStatus, Meeting, MeetingKind
from dangqun.regions.models import Region

MAX_DECISIONS = 20
MAX_CASES = 50
OWNER_CHOICES_LIMIT = 300
OWNER = "owner"
SUPERVISOR = "supervisor"
LIMITS = {"topic": 200, "place": 100, "attendees": 500, "minutes": 5000}


def meetings_for(user: object) -> models.QuerySet[Meeting]:
    scope = get_scope(user)
    return Meeting.objects.filter(scope.region_q("region_path", roles=VISIT_READ_ROLES))


def decisions_visible_q(user: object) -> Q:
    """The decisions of the meetings in the reader's regions, and those the reader owns."""
    scope = get_scope(user)
    q = scope.region_q("region_path", roles=VISIT_READ_ROLES)
    user_id = getattr(user, "pk", None)
    return q | Q(owner_id=user_id) if user_id and not scope.is_sysadmin else q


def decisions_for(user: object) -> models.QuerySet[Decision]:
    return Decision.objects.filter(decisions_visible_q(user))


def access_meeting_by_id(user: object, meeting_id: int) -> Meeting:
    meeting = meetings_for(user).select_related("region", "recorded_by").filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFoundError()
    return meeting


def access_decision_by_id(user: object, decision_id: int) -> Decision:
    decision = decisions_for(user).select_related("meeting", "owner").filter(pk=decision_id).first()
    if decision is None:
        raise NotFoundError()
    return decision


def _done(ctx: Ctx[Decision]) -> Outcome:
    note = str(ctx.body.get("note") or "").strip()
    if len(note) > 300 or "\x00" in note:
        raise ValidationError({"note": _("落实情况不超过300字,且不能含有空字符")})
    ctx.obj.done_note = note
    return Outcome(payload={"note": bool(note)}, changed={"done_note"})


class DecisionWorkflow(Workflow[Decision]):
    model = Decision
    noun = gettext_lazy("研判决定")
    statuses = dict(DecisionStatus.choices)
    table = {
        t.action: t
        for t in (
            row("done", gettext_lazy("落实"), [DecisionStatus.OPEN], DecisionStatus.DONE,
                [OWNER, SUPERVISOR, SYSTEM], GridworkEvent.DECISION_DONE, handler="done", stamps=["done_at"]),
        )
    }  # fmt: skip
    handlers = {"done": _done}

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return decisions_visible_q(actor)

    @classmethod
    def relations(cls, actor: Actor, obj: Decision, state: dict[str, Any]) -> frozenset[str]:
        if actor is None:
            return frozenset({SYSTEM})
        rels = set()
        if obj.owner_id == actor.pk:
            rels.add(OWNER)
        if get_scope(actor).covers_path(obj.region_path, roles=VISIT_SUPERVISE_ROLES):
            rels.add(SUPERVISOR)
        return frozenset(rels)


def owner_candidates(region: Region) -> models.QuerySet[User]:
    """Who may own a decision of a meeting of ``region``: staff holding a region role in it, below it
    or above it (the street's staff own a community's decision as well)."""
    ancestors = [region.path[: i + 1] for i, c in enumerate(region.path) if c == "/" and i > 0]
    q = Q(region__path__startswith=region.path) | Q(region__path__in=ancestors)
    users = Membership.objects.filter(q, is_active=True, role__in=REGION_ROLES).values("user_id")
    return User.objects.filter(pk__in=users, is_active=True).order_by("username")


def _text(values: dict[str, Any], name: str, *, required: bool = False) -> str:
    value = values.get(name)
    if value is not None and not isinstance(value, str):
        raise ValidationError({name: _("请填写文字")})
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({name: _("此项必填")})
    if "\x00" in text:
        raise ValidationError({name: _("不能含有空字符(NUL)")})
    if len(text) > LIMITS[name]:
        raise ValidationError({name: _("不超过%(n)d字") % {"n": LIMITS[name]}})
    return text


@dataclass(frozen=True)
class DecisionIn:
    text: str
    owner: str  # username
    due_date: dt.date


def _decisions(region: Region, held_on: dt.date, items: list[DecisionIn]) -> list[tuple[str, User, dt.date]]:
    if len(items) > MAX_DECISIONS:
        raise ValidationError({"decisions": _("一次最多记录%(n)d项决定") % {"n": MAX_DECISIONS}})
    owners = {u.username: u for u in owner_candidates(region).filter(username__in=[i.owner for i in items])}
    cleaned = []
    for n, item in enumerate(items, start=1):
        text = (item.text or "").strip()
        if not text or len(text) > 300 or "\x00" in text:
            raise ValidationError({f"decisions.{n}.text": _("请填写决定事项(不超过300字)")})
        owner = owners.get(item.owner)
        if owner is None:
            raise ValidationError({f"decisions.{n}.owner": _("责任人须是本区域的工作人员")})
        if not held_on <= item.due_date <= held_on + dt.timedelta(days=366):
            raise ValidationError({f"decisions.{n}.due_date": _("完成期限须在会议日期之后一年内")})
        cleaned.append((text, owner, item.due_date))
    return cleaned


def meeting_record(
    *,
    actor: Any,
    region_code: str,
    kind: str,
    held_on: dt.date,
    values: dict[str, Any],
    case_codes: list[str] | None = None,
    decisions: list[DecisionIn] | None = None,
) -> Meeting:
    """Record a held meeting of ``region`` (which the actor supervises) with its cases and decisions."""
    region = Region.objects.filter(code=(region_code or "").strip()).defer("boundary").first()
    if region is None:
        raise ValidationError({"region": _("未知区域编码: %(code)s") % {"code": region_code}})
    if not get_scope(actor).covers_path(region.path, roles=VISIT_SUPERVISE_ROLES):
        raise NotFoundError()
    if kind not in MeetingKind.values:
        raise ValidationError({"kind": _("未知会议类型: %(kind)s") % {"kind": kind}})
    today = clock.local_today()
    if held_on > today:
        raise ValidationError({"held_on": _("会议日期不能晚于今天(只记录已召开的会议)")})
    if held_on < today - dt.timedelta(days=366):
        raise ValidationError({"held_on": _("只能补记一年内的会议")})
    texts = {name: _text(values, name, required=name == "topic") for name in LIMITS}
    codes = [c.strip() for c in (case_codes or []) if c and c.strip()][:MAX_CASES]
    cases = []
    for n, code in enumerate(codes, start=1):
        try:
            cases.append(access_case_by_code(actor, code))
        except NotFoundError:
            raise ValidationError({f"cases.{n}": _("找不到诉求: %(code)s") % {"code": code}}) from None
    cleaned = _decisions(region, held_on, decisions or [])
    with transaction.atomic():
        meeting = Meeting.objects.create(
            kind=kind, region=region, region_path=region.path, held_on=held_on, recorded_by=actor, **texts
        )
        meeting.cases.set(cases)
        Decision.objects.bulk_create(
            Decision(meeting=meeting, region_path=region.path, text=text, owner=owner, due_date=due)
            for text, owner, due in cleaned
        )
        record_event(
            actor=actor,
            event_type=GridworkEvent.MEETING_RECORDED,
            target=meeting,
            data={"kind": kind, "cases": len(cases), "decisions": len(cleaned)},
        )
    return meeting


def decision_done(*, actor: Any, decision_id: int, note: str = "") -> Decision:
    return DecisionWorkflow.apply(obj=decision_id, action="done", actor=actor, note=note)


# --- reads ------------------------------------------------------------------------------------------


def kind_counts(user: object, since: dt.date) -> dict[str, int]:
    """Meetings held per kind since ``since`` in the reader's regions."""
    rows = meetings_for(user).filter(held_on__gte=since).values("kind").annotate(n=models.Count("id"))
    return {r["kind"]: r["n"] for r in rows}


def open_decisions(user: object, *, mine: bool = False) -> models.QuerySet[Decision]:
    qs = decisions_for(user).filter(status=DecisionStatus.OPEN)
    if mine:
        qs = qs.filter(owner_id=getattr(user, "pk", None))
    return qs.select_related("meeting", "owner").order_by("due_date", "id")
