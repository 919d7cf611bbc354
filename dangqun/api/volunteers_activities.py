"""志愿服务 (``dangqun.volunteers``): volunteers, teams, activities, check-in and hours.

Teams and activities are open to every signed-in user, who registers as a volunteer, asks to join a
team, signs up (beyond the slots: the waiting list, never over) and checks in on site (the code of the
QR shown at the place, or the phone's position within the radius; outside the window or too far: 422
naming the reason). An activity's people are read only by its organisers (the staff of its street or
community): anyone else gets 404. Names and phones are masked for them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from dangqun.core import clock
from dangqun.core.errors import ForbiddenError
from dangqun.core.masking import mask_person_name, mask_phone
from dangqun.regions.models import Region
from dangqun.volunteers import selectors
from dangqun.volunteers.access import (
    access_activity_by_id,
    access_managed_activity_by_id,
    access_membership_by_id,
    access_signup_by_id,
    access_team_by_id,
    activities_for,
    can_organise,
    managed_activities_q,
    memberships_for,
    organiser_region_paths,
    organises,
    teams_for,
    volunteer_of,
)
from dangqun.volunteers.memberships import MembershipWorkflow
from dangqun.volunteers.models import (
    LIVE_SIGNUP_STATUSES,
    Activity,
    ActivityStatus,
    HoursEntry,
    SignUp,
    TeamMembership,
    Volunteer,
)
from dangqun.volunteers.services import (
    activity_publish,
    membership_request,
    signup_create,
    volunteer_register,
)
from dangqun.volunteers.signups import SignUpWorkflow, check_in_window

router = Router(tags=["volunteers"])


class VolunteersMoveOut(Schema):
    action: str
    label: str


class VolunteersStarsOut(Schema):
    hours: Decimal
    stars: int
    next_star_hours: int | None
    hours_to_next: Decimal
    progress: int


def _stars(hours: Decimal) -> dict[str, Any]:
    level = selectors.star_level(hours)
    return {
        "hours": level.hours,
        "stars": level.stars,
        "next_star_hours": level.next_at,
        "hours_to_next": level.to_next,
        "progress": level.progress,
    }


# --- my profile and hours ----------------------------------------------------------------------------


class VolunteersProfileOut(Schema):
    registered: bool
    id: int | None
    name: str
    skills: str
    availability: str
    service_region_code: str | None
    service_region_name: str | None
    stars: VolunteersStarsOut
    teams: list[dict[str, Any]]


def _profile(volunteer: Volunteer | None, user: Any) -> dict[str, Any]:
    if volunteer is None:
        return {
            "registered": False,
            "id": None,
            "name": getattr(user, "display_name", "") or user.get_username(),
            "skills": "",
            "availability": "",
            "service_region_code": None,
            "service_region_name": None,
            "stars": _stars(Decimal(0)),
            "teams": [],
        }
    region = volunteer.service_region
    teams = TeamMembership.objects.filter(
        volunteer=volunteer, status__in=("pending", "active")
    ).select_related("team")
    return {
        "registered": True,
        "id": volunteer.pk,
        "name": volunteer.name,
        "skills": volunteer.skills,
        "availability": volunteer.availability,
        "service_region_code": region.code if region is not None else None,
        "service_region_name": region.name if region is not None else None,
        "stars": _stars(selectors.volunteer_hours(volunteer)),
        "teams": [
            {"membership_id": m.pk, "team_id": m.team_id, "team": m.team.name, "status": m.status}
            for m in teams
        ],
    }


@router.get(
    "/volunteers/me", response=VolunteersProfileOut, summary="我的志愿者档案:时长、星级与下一星级进度"
)
def volunteers_me(request: HttpRequest) -> dict[str, Any]:
    return _profile(volunteer_of(request.user), request.user)


class VolunteersProfileIn(Schema):
    skills: str = ""
    availability: str = ""
    service_region: str | None = None  # a region code


@router.put(
    "/volunteers/me", response=VolunteersProfileOut, summary="注册为志愿者或更新特长、可服务时间、服务区域"
)
def volunteers_register(request: HttpRequest, payload: VolunteersProfileIn) -> dict[str, Any]:
    region = None
    if payload.service_region:
        region = Region.objects.filter(code=payload.service_region).first()
        if region is None:
            raise ValidationError(
                {"service_region": _("未知区域编码: %(code)s") % {"code": payload.service_region}}
            )
    volunteer = volunteer_register(
        actor=request.user, skills=payload.skills, availability=payload.availability, service_region=region
    )
    return _profile(volunteer, request.user)


class VolunteersHoursOut(Schema):
    activity_id: int
    activity: str
    kind_label: str
    team: str | None
    served_on: dt.date
    hours: Decimal


@router.get("/volunteers/hours", response=list[VolunteersHoursOut], summary="我的志愿服务时长记录")
def volunteers_my_hours(request: HttpRequest) -> list[dict[str, Any]]:
    volunteer = volunteer_of(request.user)
    if volunteer is None:
        return []
    entries = HoursEntry.objects.filter(volunteer=volunteer).select_related("activity", "team")
    return [
        {
            "activity_id": e.activity_id,
            "activity": e.activity.title,
            "kind_label": e.activity.get_kind_display(),
            "team": e.team.name if e.team is not None else None,
            "served_on": e.served_on,
            "hours": e.hours,
        }
        for e in entries.order_by("-served_on", "-id")[:500]
    ]


# --- teams and membership ----------------------------------------------------------------------------


class VolunteersTeamOut(Schema):
    id: int
    name: str
    station: str | None
    region_code: str
    region_name: str
    owner_label: str
    focus: str
    members: int
    hours: Decimal
    activities: int


@router.get(
    "/volunteers/teams", response=list[VolunteersTeamOut], summary="志愿服务队(成员数、累计时长、活动数)"
)
def volunteers_list_teams(request: HttpRequest, region: str | None = None) -> list[dict[str, Any]]:
    qs = teams_for(request.user)
    if region:
        path = Region.objects.filter(code=region).values_list("path", flat=True).first()
        if path is None:
            raise ValidationError({"region": _("未知区域编码: %(code)s") % {"code": region}})
        qs = qs.filter(region__path__startswith=path)
    teams = list(qs[:500])
    totals = selectors.team_totals(teams)
    return [
        {
            "id": t.pk,
            "name": t.name,
            "station": t.station.name if t.station is not None else None,
            "region_code": t.region.code,
            "region_name": t.region.name,
            "owner_label": t.owner_label,
            "focus": t.focus,
            "members": totals[t.pk].members,
            "hours": totals[t.pk].hours,
            "activities": totals[t.pk].activities,
        }
        for t in teams
    ]


class VolunteersMembershipOut(Schema):
    id: int
    team_id: int
    team: str
    volunteer: str  # masked for the team's owners
    status: str
    status_label: str
    moves: list[VolunteersMoveOut]


def _membership(m: TeamMembership, user: Any) -> dict[str, Any]:
    mine = m.volunteer.user_id == user.pk
    return {
        "id": m.pk,
        "team_id": m.team_id,
        "team": m.team.name,
        "volunteer": m.volunteer.name if mine else mask_person_name(m.volunteer.name),
        "status": m.status,
        "status_label": m.get_status_display(),
        "moves": [
            {"action": t.action, "label": str(t.label)} for t in MembershipWorkflow.available_moves(m, user)
        ],
    }


@router.post(
    "/volunteers/teams/{team_id}/memberships",
    response={201: VolunteersMembershipOut},
    summary="申请加入志愿服务队(待队伍所在社区/街道审批)",
)
def volunteers_join_team(request: HttpRequest, team_id: int) -> Status:
    team = access_team_by_id(request.user, team_id)
    membership = membership_request(actor=request.user, team=team)
    return Status(201, _membership(access_membership_by_id(request.user, membership.pk), request.user))


@router.get(
    "/volunteers/memberships", response=list[VolunteersMembershipOut], summary="我的入队申请与待我审批的申请"
)
def volunteers_list_memberships(request: HttpRequest, status: str | None = None) -> list[dict[str, Any]]:
    qs = memberships_for(request.user).order_by("-created_at", "-id")
    if status:
        qs = qs.filter(status=status)
    return [_membership(m, request.user) for m in qs[:200]]


class VolunteersMoveIn(Schema):
    reason: str = ""


@router.post(
    "/volunteers/memberships/{membership_id}/{action}",
    response=VolunteersMembershipOut,
    summary="办理入队申请:approve 批准、reject 驳回(须说明)、leave 退出",
)
def volunteers_move_membership(
    request: HttpRequest, membership_id: int, action: str, payload: VolunteersMoveIn
) -> dict[str, Any]:
    membership = access_membership_by_id(request.user, membership_id)
    MembershipWorkflow.apply(obj=membership.pk, action=action, actor=request.user, reason=payload.reason)
    return _membership(access_membership_by_id(request.user, membership_id), request.user)


# --- activities --------------------------------------------------------------------------------------


class VolunteersActivityOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    description: str
    region_code: str
    region_name: str
    organiser_label: str
    team_id: int | None
    place: str
    lat: float
    lng: float
    radius_m: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    check_in_opens_at: dt.datetime
    hours: Decimal
    slots: int
    taken: int
    waiting: int
    status: str
    status_label: str
    is_organiser: bool
    my_signup: dict[str, Any] | None
    check_in_code: str | None  # for the organisers only
    qr_url: str | None  # the check-in QR to show at the place (organisers only)


def _my_signup(signup: SignUp | None, user: Any) -> dict[str, Any] | None:
    if signup is None:
        return None
    return {
        "id": signup.pk,
        "status": signup.status,
        "status_label": signup.get_status_display(),
        "moves": [
            {"action": t.action, "label": str(t.label)} for t in SignUpWorkflow.available_moves(signup, user)
        ],
    }


def _activity(a: Activity, user: Any, *, mine: SignUp | None = None) -> dict[str, Any]:
    is_organiser = organises(user, a)
    opens, _closes = check_in_window(a)
    return {
        "id": a.pk,
        "title": a.title,
        "kind": a.kind,
        "kind_label": a.get_kind_display(),
        "description": a.description,
        "region_code": a.region.code,
        "region_name": a.region.name,
        "organiser_label": a.organiser_label,
        "team_id": a.team_id,
        "place": a.place,
        "lat": a.lat,
        "lng": a.lng,
        "radius_m": a.radius_m,
        "starts_at": a.starts_at,
        "ends_at": a.ends_at,
        "check_in_opens_at": opens,
        "hours": a.hours,
        "slots": a.slots,
        "taken": getattr(a, "taken", 0),
        "waiting": getattr(a, "waiting", 0),
        "status": a.status,
        "status_label": a.get_status_display(),
        "is_organiser": is_organiser,
        "my_signup": _my_signup(mine, user),
        "check_in_code": a.check_in_code if is_organiser else None,
        "qr_url": reverse("web:volunteers_activity_qr", args=[a.pk]) if is_organiser else None,
    }


def _my_signups(user: Any, activity_ids: list[int]) -> dict[int, SignUp]:
    volunteer = volunteer_of(user)
    if volunteer is None:
        return {}
    rows = SignUp.objects.filter(
        volunteer=volunteer, activity_id__in=activity_ids, status__in=(*LIVE_SIGNUP_STATUSES,)
    ).select_related("activity__region", "volunteer")
    return {s.activity_id: s for s in rows}


@router.get(
    "/volunteers/activities",
    response=list[VolunteersActivityOut],
    summary="志愿活动:upcoming 即将开展(默认)、mine 我报名的、managed 我组织的",
)
def volunteers_list_activities(
    request: HttpRequest, view: str = "upcoming", kind: str | None = None
) -> list[dict[str, Any]]:
    qs = activities_for(request.user)
    now = clock.now()
    if view == "upcoming":
        qs = qs.filter(status=ActivityStatus.PUBLISHED, ends_at__gte=now).order_by("starts_at", "id")
    elif view == "mine":
        volunteer = volunteer_of(request.user)
        if volunteer is None:  # not registered: signed up for nothing
            return []
        qs = qs.filter(signups__volunteer=volunteer, signups__status__in=LIVE_SIGNUP_STATUSES).order_by(
            "-starts_at"
        )
    elif view == "managed":
        qs = qs.filter(managed_activities_q(request.user)).order_by("-starts_at", "-id")
    else:
        raise ValidationError({"view": _("view 须为 upcoming、mine 或 managed")})
    if kind:
        qs = qs.filter(kind=kind)
    activities = list(selectors.with_places(qs)[:200])
    mine = _my_signups(request.user, [a.pk for a in activities])
    return [_activity(a, request.user, mine=mine.get(a.pk)) for a in activities]


class VolunteersActivityIn(Schema):
    region: str | None = None  # the organising street or community (code); default: the actor's own
    team_id: int | None = None
    title: str
    kind: str
    description: str = ""
    place: str
    lat: float
    lng: float
    radius_m: int = 300
    starts_at: dt.datetime
    ends_at: dt.datetime
    slots: int
    hours: Decimal


@router.post(
    "/volunteers/activities",
    response={201: VolunteersActivityOut},
    summary="发布志愿活动(社区、街道工作人员):时间、地点坐标、名额、服务时长",
)
def volunteers_publish_activity(request: HttpRequest, payload: VolunteersActivityIn) -> Status:
    if not can_organise(request.user):
        raise ForbiddenError(_("只有社区、街道工作人员可以发布志愿活动"))
    if payload.region:
        region = Region.objects.filter(code=payload.region).first()
        if region is None:
            raise ValidationError({"region": _("未知区域编码: %(code)s") % {"code": payload.region}})
    else:
        paths = organiser_region_paths(request.user)
        region = Region.objects.filter(path__in=paths).order_by("path").first()
        if region is None:
            raise ValidationError({"region": _("请指定主办区域")})
    team = access_team_by_id(request.user, payload.team_id) if payload.team_id is not None else None
    activity = activity_publish(
        actor=request.user,
        region=region,
        team=team,
        title=payload.title,
        kind=payload.kind,
        description=payload.description,
        place=payload.place,
        lat=payload.lat,
        lng=payload.lng,
        radius_m=payload.radius_m,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        slots=payload.slots,
        hours=payload.hours,
    )
    fresh = selectors.with_places(activities_for(request.user).filter(pk=activity.pk)).get()
    return Status(201, _activity(fresh, request.user))


@router.get(
    "/volunteers/activities/{activity_id}", response=VolunteersActivityOut, summary="志愿活动详情与我的报名"
)
def volunteers_activity_detail(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    activity = access_activity_by_id(request.user, activity_id)
    fresh = selectors.with_places(activities_for(request.user).filter(pk=activity.pk)).get()
    return _activity(fresh, request.user, mine=_my_signups(request.user, [activity.pk]).get(activity.pk))


@router.post(
    "/volunteers/activities/{activity_id}/signups",
    response={201: VolunteersActivityOut},
    summary="报名志愿活动(名额已满时进入候补,候补按报名先后递补)",
)
def volunteers_sign_up(request: HttpRequest, activity_id: int) -> Status:
    activity = access_activity_by_id(request.user, activity_id)
    signup_create(actor=request.user, activity=activity)
    fresh = selectors.with_places(activities_for(request.user).filter(pk=activity.pk)).get()
    return Status(
        201, _activity(fresh, request.user, mine=_my_signups(request.user, [activity.pk]).get(activity.pk))
    )


class VolunteersSignUpOut(Schema):
    id: int
    activity_id: int
    volunteer: str  # masked: family name only
    phone: str  # masked
    status: str
    status_label: str
    signed_up_at: dt.datetime
    checked_in_at: dt.datetime | None
    check_in_method: str
    moves: list[VolunteersMoveOut]


def _signup(s: SignUp, user: Any) -> dict[str, Any]:
    v = s.volunteer
    phone = v.user.phone if v.user is not None else ""
    return {
        "id": s.pk,
        "activity_id": s.activity_id,
        "volunteer": mask_person_name(v.name),
        "phone": mask_phone(phone),
        "status": s.status,
        "status_label": s.get_status_display(),
        "signed_up_at": s.created_at,
        "checked_in_at": s.checked_in_at,
        "check_in_method": s.check_in_method,
        "moves": [
            {"action": t.action, "label": str(t.label)} for t in SignUpWorkflow.available_moves(s, user)
        ],
    }


@router.get(
    "/volunteers/activities/{activity_id}/signups",
    response=list[VolunteersSignUpOut],
    summary="活动报名名单(仅活动组织方;姓名、电话脱敏)",
)
def volunteers_activity_signups(request: HttpRequest, activity_id: int) -> list[dict[str, Any]]:
    activity = access_managed_activity_by_id(request.user, activity_id)
    rows = (
        SignUp.objects.filter(activity=activity)
        .select_related("activity__region", "volunteer__user")
        .order_by("created_at", "id")
    )
    return [_signup(s, request.user) for s in rows[:1000]]


class VolunteersSignUpMoveIn(Schema):
    code: str = ""  # the check-in code (from the QR at the place)
    lat: float | None = None  # or the phone's position
    lng: float | None = None
    reason: str = ""


@router.post(
    "/volunteers/signups/{signup_id}/{action}",
    response=VolunteersActivityOut,
    summary="办理报名:check_in 签到(签到码或手机定位)、confirm 认定时长(组织方)、cancel 取消",
)
def volunteers_move_signup(
    request: HttpRequest, signup_id: int, action: str, payload: VolunteersSignUpMoveIn
) -> dict[str, Any]:
    signup = access_signup_by_id(request.user, signup_id)
    SignUpWorkflow.apply(
        obj=signup.pk,
        action=action,
        actor=request.user,
        reason=payload.reason,
        code=payload.code,
        lat=payload.lat,
        lng=payload.lng,
    )
    moved = access_signup_by_id(request.user, signup_id)
    fresh = selectors.with_places(activities_for(request.user).filter(pk=moved.activity_id)).get()
    mine = moved if moved.volunteer.user_id == request.user.pk else None
    return _activity(fresh, request.user, mine=mine)
