"""Training records (``dangqun.party``): an organisation's 培训班 (警示教育培训班, 书记培训, 四同教育 …)
with sessions, the attendance and hours credited to each member or cadre, yearly totals and their
Excel export. Scope: the holding organisation's 党务管理员 and 党支部书记; anything else is 404; a member
reads their own hours."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from dangqun.core import clock
from dangqun.core.errors import ForbiddenError
from dangqun.party import training_selectors as selectors
from dangqun.party.access import access_party_org_by_code, own_party_member
from dangqun.party.study_access import access_session_by_id, access_training_by_id
from dangqun.party.study_export import XLSX
from dangqun.party.study_models import TrainingCourse, TrainingSession
from dangqun.party.training import attendance_record, session_create, training_create
from dangqun.party.training_export import export_training_hours

router = Router(tags=["party-training"])


def _year(year: int | None) -> int:
    if year is None:
        return clock.local_today().year
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("年度须在2000至2100之间")})
    return year


class TrainingOut(Schema):
    id: int
    org_code: str
    org_name: str
    kind: str
    kind_label: str
    title: str
    year: int
    note: str
    sessions: int
    attended: int


def _training(t: TrainingCourse) -> dict[str, Any]:
    return {
        "id": t.pk,
        "org_code": t.org.code,
        "org_name": t.org.name,
        "kind": t.kind,
        "kind_label": t.get_kind_display(),
        "title": t.title,
        "year": t.year,
        "note": t.note,
        "sessions": getattr(t, "n_sessions", None) or t.sessions.count(),
        "attended": getattr(t, "n_attended", None) or 0,
    }


class TrainingIn(Schema):
    kind: str
    title: str
    year: int | str | None = None
    note: str = ""


@router.get("/party/orgs/{code}/trainings", response=list[TrainingOut], summary="本组织及下级的年度培训班")
def trainings(request: HttpRequest, code: str, year: int | None = None) -> list[dict[str, Any]]:
    org = access_party_org_by_code(request.user, code)
    return [_training(t) for t in selectors.org_trainings(org, _year(year))[:300]]


@router.post("/party/orgs/{code}/trainings", response={201: TrainingOut}, summary="新建培训班")
def training_new(request: HttpRequest, code: str, payload: TrainingIn) -> Status[dict[str, Any]]:
    org = access_party_org_by_code(request.user, code)
    t = training_create(
        actor=request.user,
        org=org,
        kind=payload.kind,
        title=payload.title,
        year=payload.year,
        note=payload.note,
    )
    return Status(201, _training(t))


class SessionOut(Schema):
    id: int
    training_id: int
    held_on: dt.date
    topic: str
    place: str
    hours: Decimal
    attended: int


def _session(s: TrainingSession) -> dict[str, Any]:
    attended = getattr(s, "n_attended", None)
    return {
        "id": s.pk,
        "training_id": s.course_id,
        "held_on": s.held_on,
        "topic": s.topic,
        "place": s.place,
        "hours": s.hours,
        "attended": s.attendance.count() if attended is None else attended,
    }


class TrainingDetailOut(TrainingOut):
    session_list: list[SessionOut]


@router.get("/party/trainings/{training_id}", response=TrainingDetailOut, summary="培训班及其课次")
def training_detail(request: HttpRequest, training_id: int) -> dict[str, Any]:
    t = access_training_by_id(request.user, training_id)
    sessions = list(selectors.training_sessions(t))
    out = _training(t)
    out.update(sessions=len(sessions), attended=sum(s.n_attended for s in sessions))  # type: ignore[attr-defined]
    return {**out, "session_list": [_session(s) for s in sessions]}


class SessionIn(Schema):
    held_on: str
    topic: str
    place: str = ""
    hours: str = "3"


@router.post("/party/trainings/{training_id}/sessions", response={201: SessionOut}, summary="新建培训课次")
def session_new(request: HttpRequest, training_id: int, payload: SessionIn) -> Status[dict[str, Any]]:
    t = access_training_by_id(request.user, training_id)
    s = session_create(
        actor=request.user, training=t, held_on=payload.held_on, topic=payload.topic, place=payload.place,
        hours=payload.hours,
    )  # fmt: skip
    return Status(201, _session(s))


class AttendanceOut(Schema):
    member_id: int
    name: str
    org_name: str
    hours: Decimal


class AttendanceIn(Schema):
    members: list[Any]
    hours: str = ""


@router.get(
    "/party/training-sessions/{session_id}/attendance", response=list[AttendanceOut], summary="培训课次出勤"
)
def attendance(request: HttpRequest, session_id: int) -> list[dict[str, Any]]:
    session = access_session_by_id(request.user, session_id)
    return [
        {
            "member_id": a.member_id,
            "name": a.member.name,
            "org_name": a.member.party_org.name,
            "hours": a.hours,
        }
        for a in selectors.session_attendance(session)
    ]


@router.post(
    "/party/training-sessions/{session_id}/attendance",
    response={201: list[AttendanceOut]},
    summary="登记培训出勤(党员编号列表,学时默认为本课次学时)",
)
def attendance_new(
    request: HttpRequest, session_id: int, payload: AttendanceIn
) -> Status[list[dict[str, Any]]]:
    session = access_session_by_id(request.user, session_id)
    attendance_record(actor=request.user, session=session, members=payload.members, hours=payload.hours)
    return Status(201, attendance(request, session_id))


class MemberHoursOut(Schema):
    member_id: int
    name: str
    org_name: str
    sessions: int
    hours: Decimal
    by_kind: dict[str, Decimal]


@router.get(
    "/party/orgs/{code}/training-hours", response=list[MemberHoursOut], summary="党员干部年度培训学时(按类别)"
)
def training_hours(request: HttpRequest, code: str, year: int | None = None) -> list[dict[str, Any]]:
    org = access_party_org_by_code(request.user, code)
    return [vars(m) for m in selectors.yearly_hours(org, _year(year), limit=2000)]


@router.get(
    "/party/orgs/{code}/training-hours.xlsx",
    summary="导出年度培训学时台账(Excel)",
    response={200: None},
    url_name="party_training_export",
)
def training_hours_export(request: HttpRequest, code: str, year: int | None = None) -> HttpResponse:
    org = access_party_org_by_code(request.user, code)
    y = _year(year)
    response = HttpResponse(export_training_hours(org, y), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="training-{org.code}-{y}.xlsx"'
    return response


class MyTrainingOut(Schema):
    year: int
    hours: Decimal
    sessions: list[dict[str, Any]]


@router.get("/party/training/me", response=MyTrainingOut, summary="我的年度培训学时")
def my_training(request: HttpRequest, year: int | None = None) -> dict[str, Any]:
    member = own_party_member(request.user)
    if member is None:
        raise ForbiddenError(_("当前账号未关联党员档案"))
    y = _year(year)
    rows = list(selectors.member_training(member, y))
    return {
        "year": y,
        "hours": sum((a.hours for a in rows), Decimal(0)),
        "sessions": [
            {"date": a.session.held_on.isoformat(), "training": a.session.course.title,
             "kind": a.session.course.get_kind_display(), "topic": a.session.topic, "hours": str(a.hours)}
            for a in rows
        ],
    }  # fmt: skip
