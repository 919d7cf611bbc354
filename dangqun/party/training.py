"""Training records writes: a party organisation holds a 培训班 (警示教育培训班, 书记培训, 四同教育 …),
adds its sessions, and records who attended each with the hours credited. Reads in
``party.training_selectors``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.errors import ConflictError
from dangqun.core.workflow import Actor
from dangqun.orgs.models import PartyOrg
from dangqun.party.events import StudyEvent
from dangqun.party.models import MemberStatus, PartyMember
from dangqun.party.services.common import bounded_text, decimal_amount, member_ids, org_in_scope
from dangqun.party.study import parse_int
from dangqun.party.study_models import TrainingAttendance, TrainingCourse, TrainingKind, TrainingSession

MAX_SESSION_HOURS = Decimal(12)
MAX_ATTENDEES = 500


def _hours(value: Any, field: str) -> Decimal:
    hours = decimal_amount(value, field)
    if not Decimal("0.5") <= hours <= MAX_SESSION_HOURS or hours * 2 != int(hours * 2):
        raise ValidationError({field: _("学时须在0.5至12之间,以半小时计")})
    return hours


def _parse_day(value: Any) -> dt.date | None:
    try:
        return parse_date(str(value or "").strip())
    except ValueError:  # well formed but not a day (2026-13-01)
        return None


@transaction.atomic
def training_create(
    *, actor: Actor, org: PartyOrg, kind: Any, title: Any, year: Any = None, note: Any = ""
) -> TrainingCourse:
    org_in_scope(actor, org)
    kind = str(kind or "")
    if kind not in TrainingKind.values:
        raise ValidationError({"kind": _("未知的培训类别")})
    title = bounded_text(title, "title", required=True, limit=120)
    note = bounded_text(note, "note", required=False, limit=300)
    this_year = clock.local_today().year
    year = this_year if year in (None, "") else parse_int(year, "year", this_year - 5, this_year + 1)
    training = TrainingCourse.objects.create(org=org, kind=kind, title=title, year=year, note=note)
    record_event(
        actor=actor,
        event_type=StudyEvent.TRAINING_CREATED,
        target=training,
        data={"org": org.code, "kind": kind, "year": year},
    )
    return training


@transaction.atomic
def session_create(
    *, actor: Actor, training: TrainingCourse, held_on: Any, topic: Any, place: Any = "", hours: Any = "3"
) -> TrainingSession:
    org_in_scope(actor, training.org)
    day = held_on if isinstance(held_on, dt.date) else _parse_day(held_on)
    if day is None:
        raise ValidationError({"held_on": _("日期格式须为YYYY-MM-DD")})
    if day.year != training.year:
        raise ValidationError(
            {"held_on": _("培训日期须在培训班的年度内(%(year)s年)") % {"year": training.year}}
        )
    topic = bounded_text(topic, "topic", required=True, limit=200)
    place = bounded_text(place, "place", required=False, limit=200)
    session = TrainingSession.objects.create(
        course=training, held_on=day, topic=topic, place=place, hours=_hours(hours, "hours")
    )
    record_event(
        actor=actor,
        event_type=StudyEvent.SESSION_CREATED,
        target=session,
        data={"training": training.pk, "held_on": day.isoformat(), "hours": str(session.hours)},
    )
    return session


@transaction.atomic
def attendance_record(
    *, actor: Actor, session: TrainingSession, members: Any, hours: Any = None
) -> list[TrainingAttendance]:
    """Who attended a session that has been held, each credited the session's hours (or ``hours``).
    Members must be active in the holding organisation's subtree (422 naming ``members``); a member
    already recorded for the session is a conflict (409), and nothing is written."""
    org_in_scope(actor, session.course.org)
    session = TrainingSession.objects.select_for_update().select_related("course__org").get(pk=session.pk)
    if session.held_on > clock.local_today():
        raise ConflictError(_("培训尚未举行,不能登记出勤"), code="session_ahead")
    if not isinstance(members, list | tuple) or not members:
        raise ValidationError({"members": _("请选择出勤党员")})
    ids = member_ids(members, "members")
    if len(ids) > MAX_ATTENDEES:
        raise ValidationError({"members": _("一次最多登记%(max)s人") % {"max": MAX_ATTENDEES}})
    credited = session.hours if hours in (None, "") else _hours(hours, "hours")
    if credited > session.hours:
        raise ValidationError({"hours": _("登记学时不能超过本课次学时")})
    found = set(
        PartyMember.objects.filter(
            pk__in=ids, status=MemberStatus.ACTIVE, party_org__path__subtree=session.course.org.path
        ).values_list("pk", flat=True)
    )
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError(
            {"members": _("党员%(ids)s不在本党组织") % {"ids": ",".join(str(i) for i in missing[:10])}}
        )
    twice = list(session.attendance.filter(member_id__in=ids).values_list("member_id", flat=True))
    if twice:
        raise ConflictError(
            _("党员%(ids)s已登记本课次出勤") % {"ids": ",".join(str(i) for i in twice[:10])},
            code="attendance_recorded",
        )
    at = clock.now()
    rows = TrainingAttendance.objects.bulk_create(
        [TrainingAttendance(session=session, member_id=i, hours=credited, recorded_at=at) for i in ids]
    )
    record_event(
        actor=actor,
        event_type=StudyEvent.ATTENDANCE_RECORDED,
        target=session,
        data={"members": ids, "hours": str(credited)},
    )
    return rows
