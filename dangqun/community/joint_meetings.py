"""联席会议: joint meetings of a street's 大工委, a community's 大党委 or an alliance, with attendees,
agenda, minutes and decisions. Each decision becomes a responsibility (责任清单) of a co-building unit
with an owner and a due date, tracked to done through ``ResponsibilityWorkflow``'s door.

The shape follows the 研判 meetings of ``gridwork.meetings`` (a meeting recorded once it was held,
decisions validated together with per-item field names such as ``decisions.2.owner_name``, nothing
written on a bad item); the owner differs — a co-building unit and its named person here, a staff
user there — so the validation is this module's own."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dangqun.accounts.scope import get_scope
from dangqun.community.access import MANAGER_ROLES, access_alliance_by_id, units_for
from dangqun.community.events import CommunityEvent
from dangqun.community.inputs import council_in, date_in, text
from dangqun.community.models import CoUnit, JointMeeting, Responsibility
from dangqun.community.workflow import ResponsibilityWorkflow
from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.errors import ForbiddenError, NotFoundError

MAX_DECISIONS = 20


@dataclass(frozen=True)
class DecisionIn:
    text: str
    unit_id: int
    owner_name: str
    due_on: dt.date


def _decisions(actor: Any, held_on: dt.date, items: list[dict[str, Any]]) -> list[tuple[DecisionIn, CoUnit]]:
    if len(items) > MAX_DECISIONS:
        raise ValidationError({"decisions": _("一次最多记录%(n)d项决定") % {"n": MAX_DECISIONS}})
    units = units_for(actor).in_bulk([i.get("unit_id") for i in items if isinstance(i.get("unit_id"), int)])
    cleaned = []
    for n, item in enumerate(items, start=1):
        body = item if isinstance(item, dict) else {}
        what = str(body.get("text") or "").strip()
        if not what or len(what) > 100:
            raise ValidationError({f"decisions.{n}.text": _("请填写决定事项(不超过100字)")})
        unit = units.get(body.get("unit_id"))
        if unit is None:
            raise ValidationError({f"decisions.{n}.unit_id": _("责任单位须是本辖区的共建单位")})
        owner = str(body.get("owner_name") or "").strip()
        if not owner or len(owner) > 50:
            raise ValidationError({f"decisions.{n}.owner_name": _("请填写责任人(不超过50字)")})
        try:
            due_on = dt.date.fromisoformat(str(body.get("due_on") or ""))
        except ValueError:
            raise ValidationError({f"decisions.{n}.due_on": _("日期格式应为YYYY-MM-DD")}) from None
        if not held_on <= due_on <= held_on + dt.timedelta(days=366):
            raise ValidationError({f"decisions.{n}.due_on": _("完成期限须在会议日期之后一年内")})
        cleaned.append((DecisionIn(what, unit.pk, owner, due_on), unit))
    return cleaned


def joint_meeting_record(*, actor: Any, body: dict[str, Any]) -> JointMeeting:
    """Record a held joint meeting of ``region`` (or of one of its alliances) with its decisions."""
    if not get_scope(actor).has_role(*MANAGER_ROLES):
        raise ForbiddenError(_("您无权记录联席会议"))
    region = council_in(actor, body, MANAGER_ROLES)
    alliance = None
    if body.get("alliance_id"):
        try:
            alliance = access_alliance_by_id(actor, int(body["alliance_id"]))
        except (TypeError, ValueError, NotFoundError):
            alliance = None
        if alliance is None or not alliance.region.path.startswith(region.path):
            raise ValidationError({"alliance_id": _("须为本区域的党建联盟")})
    held_on = date_in(body, "held_on")
    assert held_on is not None  # noqa: S101 - required above
    today = clock.local_today()
    if not today - dt.timedelta(days=366) <= held_on <= today:
        raise ValidationError({"held_on": _("只记录一年内已召开的会议")})
    values = {
        "topic": text(body, "topic", 200),
        "place": text(body, "place", 100, required=False),
        "attendees": text(body, "attendees", 500),
        "agenda": text(body, "agenda", 2000, required=False),
        "minutes": text(body, "minutes", 5000, required=False),
    }
    items = body.get("decisions") or []
    if not isinstance(items, list):
        raise ValidationError({"decisions": _("须为决定事项列表")})
    cleaned = _decisions(actor, held_on, items)
    with transaction.atomic():
        meeting = JointMeeting.objects.create(
            region=region, alliance=alliance, held_on=held_on, recorded_by=actor, **values
        )
        Responsibility.objects.bulk_create(
            Responsibility(
                unit=unit,
                region=region,
                meeting=meeting,
                year=d.due_on.year,
                title=d.text,
                owner_name=d.owner_name,
                due_on=d.due_on,
            )
            for d, unit in cleaned
        )
        record_event(
            actor=actor,
            event_type=CommunityEvent.MEETING_RECORDED,
            target=meeting,
            data={
                "region": region.code,
                "alliance": alliance.pk if alliance else None,
                "decisions": len(cleaned),
            },
        )
    return meeting


def responsibility_complete(
    *, actor: Any, responsibility: Responsibility, body: dict[str, Any]
) -> Responsibility:
    """落实: the responsibility a meeting set is reported done, with a note."""
    note = text(body, "note", 300, required=False)
    return ResponsibilityWorkflow.apply(obj=responsibility, action="complete", actor=actor, note=note)
