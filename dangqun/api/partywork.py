"""党员服务 (``dangqun.partywork``): 智慧导航 (public: party organisations and 党群服务阵地, nearest
first), a working member's 报到 to the community where they live and its decision, the community's
服务岗 with sign-ups and confirmed hours, the unit's 双报到 feedback and the ranking of units.
Scope: a community's side sees its own reports and posts; a member their own; anything else is 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from dangqun.core import clock
from dangqun.core.errors import ForbiddenError
from dangqun.partywork import selectors
from dangqun.partywork.access import (
    access_community_org_by_code,
    access_post_by_id,
    access_report_by_id,
    access_signup_by_id,
    access_unit_org_by_code,
    own_member,
)
from dangqun.partywork.models import MemberReport, NavKind, ServicePost, ServiceSignup
from dangqun.partywork.services import post_create, report_request, signup_create
from dangqun.partywork.workflow import ReportWorkflow, SignupWorkflow

router = Router(tags=["partywork"])

MAX_LIMIT = 50


class PartyworkNavOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    org_code: str | None
    address: str
    lng: float
    lat: float
    phone: str
    opening_hours: str
    accepts_reports: bool
    km: float | None


def _nav(point: Any, km: float | None) -> dict[str, Any]:
    return {
        "id": point.pk,
        "kind": point.kind,
        "kind_label": point.get_kind_display(),
        "name": point.name,
        "org_code": point.party_org.code if point.party_org_id else None,
        "address": point.address,
        "lng": point.lng,
        "lat": point.lat,
        "phone": point.phone,
        "opening_hours": point.opening_hours,
        "accepts_reports": point.accepts_reports,
        "km": None if km is None else round(km, 3),
    }


def _coord(value: float | None, field: str, low: float, high: float) -> float | None:
    if value is not None and not low <= value <= high:
        raise ValidationError({field: _("坐标超出范围")})
    return value


class PartyworkNavQuery(Schema):
    lat: float | None = None
    lng: float | None = None
    q: str = ""
    kind: str = ""
    limit: int = 20


@router.get(
    "/partywork/nav",
    auth=None,
    response=list[PartyworkNavOut],
    summary="智慧导航:按名称、地址查找党组织和党群服务阵地;给出位置时由近及远",
)
def partywork_nav(request: HttpRequest, params: Query[PartyworkNavQuery]) -> list[dict[str, Any]]:
    kind, limit = params.kind, params.limit
    if kind and kind not in NavKind.values:
        raise ValidationError({"kind": _("未知的点位类型")})
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError({"limit": _("条数须在1至%(max)s之间") % {"max": MAX_LIMIT}})
    lat = _coord(params.lat, "lat", -90, 90)
    lng = _coord(params.lng, "lng", -180, 180)
    q = params.q.strip()[:50]
    if lat is not None and lng is not None:
        return [_nav(n.point, n.km) for n in selectors.nearest(lat, lng, limit=limit, q=q, kind=kind)]
    if lat is not None or lng is not None:
        raise ValidationError({"lng" if lng is None else "lat": _("经纬度须同时给出")})
    return [
        _nav(p, None) for p in selectors.nav_points(q=q, kind=kind).order_by("kind", "name", "id")[:limit]
    ]


# --- 报到 ----------------------------------------------------------------------------------------------


class PartyworkReportIn(Schema):
    community: str
    home_address: str = ""
    skills: str = ""


class PartyworkMoveIn(Schema):
    reason: str = ""
    hours: str = ""


class PartyworkReportOut(Schema):
    id: int
    member_id: int
    member_name: str
    unit_code: str
    unit_name: str
    community_code: str
    community_name: str
    status: str
    status_label: str
    home_address: str
    skills: str
    note: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    moves: list[str]


def _report(report: MemberReport, user: Any) -> dict[str, Any]:
    return {
        "id": report.pk,
        "member_id": report.member_id,
        "member_name": report.member.name,
        "unit_code": report.unit_org.code,
        "unit_name": report.unit_org.name,
        "community_code": report.community_org.code,
        "community_name": report.community_org.name,
        "status": report.status,
        "status_label": report.get_status_display(),
        "home_address": report.home_address,
        "skills": report.skills,
        "note": report.note,
        "requested_at": report.created_at,
        "decided_at": report.decided_at,
        "moves": [t.action for t in ReportWorkflow.available_moves(report, user)],
    }


@router.post(
    "/partywork/reports",
    response={201: PartyworkReportOut},
    summary="在职党员向居住地社区党组织报到(待社区确认)",
)
def partywork_report_request(request: HttpRequest, payload: PartyworkReportIn) -> Status[dict[str, Any]]:
    report = report_request(
        actor=request.user, community_code=payload.community, home_address=payload.home_address,
        skills=payload.skills,
    )  # fmt: skip
    return Status(201, _report(access_report_by_id(request.user, report.pk), request.user))


@router.get("/partywork/reports/{report_id}", response=PartyworkReportOut, summary="报到详情与可办理操作")
def partywork_report_detail(request: HttpRequest, report_id: int) -> dict[str, Any]:
    return _report(access_report_by_id(request.user, report_id), request.user)


@router.post(
    "/partywork/reports/{report_id}/{action}",
    response=PartyworkReportOut,
    summary="办理报到:accept 确认、decline 退回、withdraw 撤回、end 结束",
)
def partywork_report_move(
    request: HttpRequest, report_id: int, action: str, payload: PartyworkMoveIn
) -> dict[str, Any]:
    report = access_report_by_id(request.user, report_id)
    ReportWorkflow.apply(obj=report.pk, action=action, actor=request.user, reason=payload.reason)
    return _report(access_report_by_id(request.user, report_id), request.user)


@router.get(
    "/partywork/communities/{code}/reports",
    response=list[PartyworkReportOut],
    summary="社区的报到党员(可按状态筛选)",
)
def partywork_community_reports(request: HttpRequest, code: str, status: str = "") -> list[dict[str, Any]]:
    org = access_community_org_by_code(request.user, code)
    return [_report(r, request.user) for r in selectors.community_reports(org, status)[:500]]


# --- 服务岗 --------------------------------------------------------------------------------------------


class PartyworkPostIn(Schema):
    title: str
    date: str
    slots: int
    hours: str = "2"
    category: str = ""
    place: str = ""


class PartyworkPostOut(Schema):
    id: int
    community_code: str
    community_name: str
    title: str
    category: str
    place: str
    date: dt.date
    slots: int
    taken: int
    hours: Decimal
    status: str


def _post(post: ServicePost) -> dict[str, Any]:
    taken = getattr(post, "taken", None)
    if taken is None:
        taken = post.signups.exclude(status="cancelled").count()
    return {
        "id": post.pk,
        "community_code": post.community_org.code,
        "community_name": post.community_org.name,
        "title": post.title,
        "category": post.category,
        "place": post.place,
        "date": post.date,
        "slots": post.slots,
        "taken": taken,
        "hours": post.hours,
        "status": post.status,
    }


@router.get(
    "/partywork/communities/{code}/posts", response=list[PartyworkPostOut], summary="社区发布的服务岗"
)
def partywork_community_posts(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    org = access_community_org_by_code(request.user, code)
    return [_post(p) for p in selectors.community_posts(org).select_related("community_org")[:200]]


@router.post(
    "/partywork/communities/{code}/posts", response={201: PartyworkPostOut}, summary="社区发布服务岗"
)
def partywork_post_create(
    request: HttpRequest, code: str, payload: PartyworkPostIn
) -> Status[dict[str, Any]]:
    org = access_community_org_by_code(request.user, code)
    post = post_create(
        actor=request.user, community_org=org, title=payload.title, date=payload.date, slots=payload.slots,
        hours=payload.hours, category=payload.category, place=payload.place,
    )  # fmt: skip
    return Status(201, _post(post))


class PartyworkSignupOut(Schema):
    id: int
    post_id: int
    post_title: str
    date: dt.date
    member_id: int
    member_name: str
    status: str
    status_label: str
    hours: Decimal
    moves: list[str]


def _signup(signup: ServiceSignup, user: Any) -> dict[str, Any]:
    return {
        "id": signup.pk,
        "post_id": signup.post_id,
        "post_title": signup.post.title,
        "date": signup.post.date,
        "member_id": signup.member_id,
        "member_name": signup.member.name,
        "status": signup.status,
        "status_label": signup.get_status_display(),
        "hours": signup.hours,
        "moves": [t.action for t in SignupWorkflow.available_moves(signup, user)],
    }


@router.get(
    "/partywork/posts/{post_id}/signups", response=list[PartyworkSignupOut], summary="服务岗的报名与确认情况"
)
def partywork_post_signups(request: HttpRequest, post_id: int) -> list[dict[str, Any]]:
    post = access_post_by_id(request.user, post_id)
    access_community_org_by_code(request.user, post.community_org.code)  # the community's side only
    return [_signup(s, request.user) for s in selectors.post_signups(post).select_related("post")]


@router.post(
    "/partywork/posts/{post_id}/signups", response={201: PartyworkSignupOut}, summary="报到党员报名服务岗"
)
def partywork_signup_create(request: HttpRequest, post_id: int) -> Status[dict[str, Any]]:
    post = access_post_by_id(request.user, post_id)
    signup = signup_create(actor=request.user, post=post)
    return Status(201, _signup(access_signup_by_id(request.user, signup.pk), request.user))


@router.post(
    "/partywork/signups/{signup_id}/{action}",
    response=PartyworkSignupOut,
    summary="办理服务报名:confirm 确认时长(hours)、absent 未到岗、cancel 取消",
)
def partywork_signup_move(
    request: HttpRequest, signup_id: int, action: str, payload: PartyworkMoveIn
) -> dict[str, Any]:
    signup = access_signup_by_id(request.user, signup_id)
    SignupWorkflow.apply(
        obj=signup.pk, action=action, actor=request.user, reason=payload.reason, hours=payload.hours
    )
    return _signup(access_signup_by_id(request.user, signup_id), request.user)


# --- the member's own page, the unit's feedback, the ranking ----------------------------------------------


class PartyworkMeOut(Schema):
    member_id: int
    name: str
    unit_name: str
    working_member: bool
    year: int
    hours: Decimal
    reports: list[PartyworkReportOut]
    signups: list[PartyworkSignupOut]
    open_posts: list[PartyworkPostOut]


def _year(year: int | None) -> int:
    if year is None:
        return clock.local_today().year
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("年度须在2000至2100之间")})
    return year


@router.get("/partywork/me", response=PartyworkMeOut, summary="我的报到、服务岗和服务时长")
def partywork_me(request: HttpRequest, year: int | None = None) -> dict[str, Any]:
    member = own_member(request.user)
    if member is None:
        raise ForbiddenError(_("当前账号未关联党员档案"))
    y = _year(year)
    return {
        "member_id": member.pk,
        "name": member.name,
        "unit_name": member.party_org.name,
        "working_member": member.party_org.region_id is None,
        "year": y,
        "hours": selectors.member_hours(member, y),
        "reports": [
            _report(r, request.user) for r in selectors.member_reports(member).select_related("member")
        ],
        "signups": [
            _signup(s, request.user) for s in selectors.member_signups(member).select_related("member")[:100]
        ],
        "open_posts": [_post(p) for p in selectors.open_posts_for_member(member)[:50]],
    }


class PartyworkUnitMemberOut(Schema):
    member_id: int
    name: str
    community: str
    report_status: str
    hours: Decimal
    services: int


@router.get(
    "/partywork/units/{code}/feedback",
    response=list[PartyworkUnitMemberOut],
    summary="双报到反馈:本单位党员在居住地社区的报到与年度服务时长",
)
def partywork_unit_feedback(request: HttpRequest, code: str, year: int | None = None) -> list[dict[str, Any]]:
    unit = access_unit_org_by_code(request.user, code)
    return [vars(m) for m in selectors.unit_feedback(unit, _year(year))]


class PartyworkRankOut(Schema):
    rank: int
    code: str
    name: str
    reported: int
    hours: Decimal
    per_member: Decimal


@router.get(
    "/partywork/ranking", response=list[PartyworkRankOut], summary="在职党员进社区:各单位年度服务时长排名"
)
def partywork_ranking(request: HttpRequest, year: int | None = None) -> list[dict[str, Any]]:
    return [vars(r) for r in selectors.unit_ranking(_year(year))]
