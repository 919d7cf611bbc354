"""Recording a held meeting of organisational life (三会一课), with its attendance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.workflow import Actor
from dangqun.orgs.models import PartyOrg, PartyOrgKind
from dangqun.party.events import PartyEvent
from dangqun.party.meeting_rules import kinds_for
from dangqun.party.models import (
    Meeting,
    MeetingAttendance,
    MeetingKind,
    MemberStatus,
    PartyMember,
)
from dangqun.party.services.common import bounded_text, member_ids, org_in_scope


@transaction.atomic
def meeting_record(
    *,
    actor: Actor,
    org: PartyOrg,
    kind: str,
    topic: str,
    held_at: dt.datetime,
    place: str,
    host: str,
    minutes: str = "",
    decisions: str = "",
    attendees: Iterable[Any] = (),
    absentees: Mapping[Any, str] | None = None,
) -> Meeting:
    """Record a held meeting of a branch (or of a 党小组, for 党小组会) with who came and who did not
    (with reasons). Every attendee and absentee must be an active member of that organisation; a
    meeting cannot be recorded as held in the future."""
    org_in_scope(actor, org)
    allowed = kinds_for(org.kind)
    if kind not in allowed:
        if not allowed:
            raise ValidationError({"org": _("只有党支部、党总支和党小组记录组织生活会议")})
        raise ValidationError(
            {
                "kind": _("%(org)s不能记录“%(kind)s”")
                % {
                    "org": org.get_kind_display(),
                    "kind": MeetingKind(kind).label if kind in MeetingKind.values else kind,
                }
            }
        )
    if timezone.is_naive(held_at):
        held_at = timezone.make_aware(held_at)
    if held_at > clock.now():
        raise ValidationError({"held_at": _("召开时间不能晚于当前时间(未召开的会议不能记录为已召开)")})
    topic = bounded_text(topic, "topic", required=True, limit=200)
    place = bounded_text(place, "place", required=True, limit=200)
    host = bounded_text(host, "host", required=True, limit=50)
    present_ids = member_ids(attendees, "attendees")
    absent = dict(absentees or {})
    absent_ids = member_ids(absent.keys(), "absentees")
    reasons = {int(k): str(v or "").strip()[:200] for k, v in absent.items()}
    if not present_ids:
        raise ValidationError({"attendees": _("请登记出席的党员")})
    if set(present_ids) & set(absent_ids):
        raise ValidationError({"absentees": _("同一党员不能既出席又缺席")})
    if missing := [pk for pk in absent_ids if not reasons[pk]]:
        raise ValidationError({"absentees": _("请填写缺席原因(党员编号 %(ids)s)") % {"ids": missing}})
    members = PartyMember.objects.filter(status=MemberStatus.ACTIVE)
    members = (
        members.filter(party_group=org) if org.kind == PartyOrgKind.GROUP else members.filter(party_org=org)
    )
    valid = set(members.filter(pk__in=[*present_ids, *absent_ids]).values_list("pk", flat=True))
    for field, ids in (("attendees", present_ids), ("absentees", absent_ids)):
        if strangers := [pk for pk in ids if pk not in valid]:
            raise ValidationError(
                {
                    field: _("党员编号 %(ids)s 不是%(org)s的党员")
                    % {"ids": ", ".join(map(str, strangers)), "org": org.name}
                }
            )
    meeting = Meeting.objects.create(
        org=org,
        kind=kind,
        topic=topic,
        held_at=held_at,
        place=place,
        host=host,
        minutes=str(minutes or "").strip(),
        decisions=str(decisions or "").strip(),
        attendee_count=len(present_ids),
        absentee_count=len(absent_ids),
        recorded_by=actor if actor is not None and actor.pk else None,  # type: ignore[misc]
    )
    MeetingAttendance.objects.bulk_create(
        [MeetingAttendance(meeting=meeting, member_id=pk, present=True) for pk in present_ids]
        + [
            MeetingAttendance(meeting=meeting, member_id=pk, present=False, reason=reasons[pk])
            for pk in absent_ids
        ]
    )
    record_event(
        actor=actor,
        event_type=PartyEvent.MEETING_RECORDED,
        target=meeting,
        data={
            "org": org.code,
            "kind": kind,
            "held_at": held_at.isoformat(),
            "attendees": len(present_ids),
            "absentees": len(absent_ids),
        },
    )
    return meeting
