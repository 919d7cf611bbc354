"""党员服务 pages: the public 智慧导航 (map and list, nearest first), the working member's page in the
citizen app (报到, 服务岗, hours), the community's page (reports to decide, reported members, posts and
their sign-ups), the unit's 双报到 feedback and the ranking of units. Views parse and render; the writes
are partywork services and the workflows' doors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from dangqun.core import clock
from dangqun.core.errors import DomainError, validation_text
from dangqun.partywork import selectors
from dangqun.partywork.access import (
    access_community_org_by_code,
    access_post_by_id,
    access_report_by_id,
    access_signup_by_id,
    access_unit_org_by_code,
    community_orgs,
    community_orgs_for,
    own_member,
    unit_orgs_for,
)
from dangqun.partywork.models import NavKind, NavPoint
from dangqun.partywork.pairing_access import orgs_for
from dangqun.partywork.pairing_selectors import badge_shown, member_invitations, member_pairings
from dangqun.partywork.services import is_working_member, post_create, report_request, signup_create
from dangqun.partywork.workflow import ReportWorkflow, SignupWorkflow
from dangqun.web import mapcrs
from dangqun.web.access import not_found_as_404

NAV_ROWS = 20


def _float(value: str | None) -> float | None:
    try:
        number = float(value or "")
    except ValueError:
        return None
    return number if number == number else None  # noqa: PLR0124 - NaN is not a coordinate


def nav_page(request: HttpRequest) -> HttpResponse:
    """智慧导航 (no login): search by name or place, or nearest to the visitor's location."""
    q = request.GET.get("q", "").strip()[:50]
    kind = request.GET.get("kind", "")
    kind = kind if kind in NavKind.values else ""
    lat, lng = _float(request.GET.get("lat")), _float(request.GET.get("lng"))
    located = lat is not None and lng is not None and -90 <= lat <= 90 and -180 <= lng <= 180
    rows: list[tuple[NavPoint, float | None]]
    if located:
        assert lat is not None  # noqa: S101 - narrowing
        assert lng is not None  # noqa: S101
        rows = [(n.point, n.km) for n in selectors.nearest(lat, lng, limit=NAV_ROWS, q=q, kind=kind)]
    else:
        rows = [
            (p, None) for p in selectors.nav_points(q=q, kind=kind).order_by("kind", "name", "id")[:NAV_ROWS]
        ]
    return render(
        request,
        "web/partywork/nav.html",
        {
            "rows": rows,
            "q": q,
            "kind": kind,
            "kinds": NavKind.choices,
            "lat": lat if located else "",
            "lng": lng if located else "",
            "located": located,
            "tiles": mapcrs.map_settings(),
        },
    )


def _done(request: HttpRequest, text: str) -> None:
    messages.success(request, text)


def _failed(request: HttpRequest, exc: Exception) -> None:
    text = validation_text(exc) if isinstance(exc, ValidationError) else getattr(exc, "message", str(exc))
    messages.error(request, gettext("操作未完成:%(text)s") % {"text": text})


def _back(request: HttpRequest, default: str) -> HttpResponse:
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect(default)


@login_required
def my_page(request: HttpRequest) -> HttpResponse:
    """The member's page in the citizen app: my 报到, the community's posts, my service and hours."""
    member = own_member(request.user)
    context: dict[str, Any] = {"member": member, "tab": "partywork"}
    if member is not None:
        year = clock.local_today().year
        reports = list(selectors.member_reports(member).select_related("member"))
        context.update(
            year=year,
            working=is_working_member(member),
            hours=selectors.member_hours(member, year),
            reports=[{"r": r, "moves": ReportWorkflow.available_moves(r, request.user)} for r in reports],
            open_report=any(r.status in {"pending", "accepted"} for r in reports),
            communities=list(community_orgs().filter(is_active=True).order_by("path")),
            posts=list(selectors.open_posts_for_member(member)[:30]),
            signups=[
                {"s": s, "moves": SignupWorkflow.available_moves(s, request.user)}
                for s in selectors.member_signups(member).select_related("member")[:50]
            ],
        )
        context["signed"] = {row["s"].post_id for row in context["signups"]}
        context["pairings"] = list(member_pairings(member)[:20])
        context["invitations"] = (
            member_invitations(member).filter(status="invited", callout__status="open").count()
        )
        context["badge"] = badge_shown(member)
    return render(request, "web/partywork/me.html", context)


@require_POST
@login_required
def request_report(request: HttpRequest) -> HttpResponse:
    try:
        report = report_request(
            actor=request.user,
            community_code=request.POST.get("community", ""),
            home_address=request.POST.get("home_address", ""),
            skills=request.POST.get("skills", ""),
        )
    except (ValidationError, DomainError) as exc:
        _failed(request, exc)
    else:
        _done(request, gettext("已向%(org)s申请报到,等待社区确认") % {"org": report.community_org.name})
    return redirect("web:partywork_me")


@require_POST
@login_required
@not_found_as_404
def move_report(request: HttpRequest, report_id: int, action: str) -> HttpResponse:
    report = access_report_by_id(request.user, report_id)
    try:
        moved = ReportWorkflow.apply(
            obj=report.pk, action=action, actor=request.user, reason=request.POST.get("reason", "")
        )
    except (ValidationError, DomainError) as exc:
        _failed(request, exc)
    else:
        _done(
            request,
            gettext("%(name)s的报到:%(status)s")
            % {"name": report.member.name, "status": moved.get_status_display()},
        )
    return _back(request, "web:partywork_me")


@login_required
def community_index(request: HttpRequest) -> HttpResponse:
    """The communities the user serves (the community side), and the units they hold."""
    orgs = list(community_orgs_for(request.user).order_by("path")[:200])
    units = list(unit_orgs_for(request.user).order_by("path")[:200])
    pairing_orgs = list(orgs_for(request.user).order_by("path")[:200])
    return render(
        request, "web/partywork/index.html", {"orgs": orgs, "units": units, "pairing_orgs": pairing_orgs}
    )


@login_required
@not_found_as_404
def community_page(request: HttpRequest, code: str) -> HttpResponse:
    org = access_community_org_by_code(request.user, code)
    reports = list(selectors.community_reports(org).select_related("member__party_org")[:300])
    posts = list(selectors.community_posts(org).select_related("community_org")[:20])
    signups = {
        p.pk: [
            {"s": s, "moves": SignupWorkflow.available_moves(s, request.user)}
            for s in selectors.post_signups(p).select_related("post", "post__community_org__region")
        ]
        for p in posts
    }
    return render(
        request,
        "web/partywork/community.html",
        {
            "org": org,
            "pending": [
                {"r": r, "moves": ReportWorkflow.available_moves(r, request.user)}
                for r in reports
                if r.status == "pending"
            ],
            "accepted": [r for r in reports if r.status == "accepted"],
            "posts": [{"p": p, "signups": signups[p.pk]} for p in posts],
            "today": clock.local_today(),
        },
    )


@require_POST
@login_required
@not_found_as_404
def create_post(request: HttpRequest, code: str) -> HttpResponse:
    org = access_community_org_by_code(request.user, code)
    try:
        post = post_create(
            actor=request.user, community_org=org, title=request.POST.get("title", ""),
            date=request.POST.get("date", ""), slots=request.POST.get("slots", ""),
            hours=request.POST.get("hours", "2"), category=request.POST.get("category", ""),
            place=request.POST.get("place", ""),
        )  # fmt: skip
    except (ValidationError, DomainError) as exc:
        _failed(request, exc)
    else:
        _done(request, gettext("已发布服务岗:%(title)s") % {"title": post.title})
    return redirect("web:partywork_community", code=org.code)


@require_POST
@login_required
@not_found_as_404
def sign_up(request: HttpRequest, post_id: int) -> HttpResponse:
    post = access_post_by_id(request.user, post_id)
    try:
        signup_create(actor=request.user, post=post)
    except (ValidationError, DomainError) as exc:
        _failed(request, exc)
    else:
        _done(request, gettext("已报名:%(title)s") % {"title": post.title})
    return redirect("web:partywork_me")


@require_POST
@login_required
@not_found_as_404
def move_signup(request: HttpRequest, signup_id: int, action: str) -> HttpResponse:
    signup = access_signup_by_id(request.user, signup_id)
    try:
        moved = SignupWorkflow.apply(
            obj=signup.pk, action=action, actor=request.user, hours=request.POST.get("hours", "")
        )
    except (ValidationError, DomainError) as exc:
        _failed(request, exc)
    else:
        _done(
            request,
            gettext("%(name)s:%(status)s")
            % {"name": signup.member.name, "status": moved.get_status_display()},
        )
    return _back(request, "web:partywork_me")


@login_required
@not_found_as_404
def unit_page(request: HttpRequest, code: str) -> HttpResponse:
    """双报到 feedback: the unit's members reported in to their communities, with their hours."""
    unit = access_unit_org_by_code(request.user, code)
    year = clock.local_today().year
    rows = selectors.unit_feedback(unit, year)
    return render(
        request,
        "web/partywork/unit.html",
        {"unit": unit, "year": year, "rows": rows, "total": sum((r.hours for r in rows), start=0)},
    )


@login_required
def ranking_page(request: HttpRequest) -> HttpResponse:
    year = clock.local_today().year
    return render(request, "web/partywork/ranking.html", {"year": year, "rows": selectors.unit_ranking(year)})
