"""志愿服务 pages: the resident's phone pages (my hours and stars, find an activity, sign up, check in;
teams to join) and the organisers' workbench (publish, see sign-ups, confirm hours, the check-in QR)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from dangqun.core import clock
from dangqun.core.errors import DomainError, validation_text
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
    owns_team,
    teams_for,
    volunteer_of,
)
from dangqun.volunteers.memberships import MembershipWorkflow
from dangqun.volunteers.models import (
    LIVE_SIGNUP_STATUSES,
    ActivityKind,
    ActivityStatus,
    HoursEntry,
    MembershipStatus,
    SignUp,
)
from dangqun.volunteers.qr import check_in_qr_svg, check_in_url
from dangqun.volunteers.services import activity_publish, membership_request, signup_create
from dangqun.volunteers.signups import SignUpWorkflow, check_in_window
from dangqun.web.access import not_found_as_404


def _back(request: HttpRequest, default: str) -> HttpResponse:
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect(default)


def _refused(request: HttpRequest, exc: Exception) -> None:
    text = validation_text(exc) if isinstance(exc, ValidationError) else getattr(exc, "message", str(exc))
    messages.error(request, gettext("操作未完成:%(text)s") % {"text": text})


# --- the resident's phone pages ------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My hours and star progress, the coming activities, my sign-ups."""
    volunteer = volunteer_of(request.user)
    hours = selectors.volunteer_hours(volunteer) if volunteer is not None else Decimal(0)
    now = clock.now()
    upcoming = list(
        selectors.with_places(
            activities_for(request.user).filter(status=ActivityStatus.PUBLISHED, ends_at__gte=now)
        ).order_by("starts_at", "id")[:30]
    )
    mine = (
        list(
            SignUp.objects.filter(
                volunteer=volunteer, status__in=LIVE_SIGNUP_STATUSES, activity__ends_at__gte=now
            )
            .select_related("activity")
            .order_by("activity__starts_at")[:20]
        )
        if volunteer is not None
        else []
    )
    ledger = (
        list(
            HoursEntry.objects.filter(volunteer=volunteer)
            .select_related("activity")
            .order_by("-served_on")[:10]
        )
        if volunteer is not None
        else []
    )
    return render(
        request,
        "web/volunteers/home.html",
        {
            "volunteer": volunteer,
            "stars": selectors.star_level(hours),
            "upcoming": upcoming,
            "mine": mine,
            "ledger": ledger,
            "kinds": ActivityKind.choices,
            "can_organise": can_organise(request.user),
        },
    )


@login_required
@not_found_as_404
def activity(request: HttpRequest, activity_id: int) -> HttpResponse:
    """One activity on the phone: places, sign up, check in (the QR's code or the phone's position)."""
    found = access_activity_by_id(request.user, activity_id)
    item = selectors.with_places(activities_for(request.user).filter(pk=found.pk)).get()
    volunteer = volunteer_of(request.user)
    signup = (
        SignUp.objects.filter(activity=item, volunteer=volunteer, status__in=LIVE_SIGNUP_STATUSES)
        .select_related("activity__region", "volunteer")
        .first()
        if volunteer is not None
        else None
    )
    moves = {t.action for t in SignUpWorkflow.available_moves(signup, request.user)} if signup else set()
    opens, closes = check_in_window(item)
    now = clock.now()
    return render(
        request,
        "web/volunteers/activity.html",
        {
            "activity": item,
            "signup": signup,
            "moves": moves,
            "check_in_opens": opens,
            "check_in_open": opens <= now <= closes,
            "can_sign_up": signup is None
            and item.status == ActivityStatus.PUBLISHED
            and now < item.starts_at,
            "full": item.taken >= item.slots,  # type: ignore[attr-defined]
            "code": request.GET.get("code", "")[:12],
            "is_organiser": organises(request.user, item),
        },
    )


@require_POST
@login_required
@not_found_as_404
def sign_up(request: HttpRequest, activity_id: int) -> HttpResponse:
    found = access_activity_by_id(request.user, activity_id)
    try:
        signup = signup_create(actor=request.user, activity=found)
    except (ValidationError, DomainError) as exc:
        _refused(request, exc)
    else:
        if signup.status == "waiting":
            messages.success(request, gettext("名额已满,您已进入候补名单;有人取消时按报名先后递补。"))
        else:
            messages.success(request, gettext("报名成功:“%(title)s”") % {"title": found.title})
    return redirect(reverse("web:volunteers_activity", args=[found.pk]))


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


@require_POST
@login_required
@not_found_as_404
def move_signup(request: HttpRequest, signup_id: int, action: str) -> HttpResponse:
    signup = access_signup_by_id(request.user, signup_id)
    post = request.POST
    try:
        moved = SignUpWorkflow.apply(
            obj=signup.pk,
            action=action,
            actor=request.user,
            reason=post.get("reason", ""),
            code=post.get("code", ""),
            lat=_float(post.get("lat")),
            lng=_float(post.get("lng")),
        )
    except (ValidationError, DomainError) as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            gettext("“%(title)s”:%(status)s")
            % {"title": signup.activity.title, "status": moved.get_status_display()},
        )
    return _back(request, reverse("web:volunteers_activity", args=[signup.activity_id]))


@login_required
def teams(request: HttpRequest) -> HttpResponse:
    """The teams to join (with their totals), my memberships, the requests awaiting my approval."""
    rows = list(teams_for(request.user)[:300])
    totals = selectors.team_totals(rows)
    volunteer = volunteer_of(request.user)
    mine = {
        m.team_id: m
        for m in memberships_for(request.user).filter(
            volunteer=volunteer, status__in=(MembershipStatus.PENDING, MembershipStatus.ACTIVE)
        )
    }
    pending = [
        m
        for m in memberships_for(request.user)
        .filter(status=MembershipStatus.PENDING)
        .exclude(volunteer=volunteer)
        .select_related("team__region")
        .order_by("created_at")[:100]
        if owns_team(request.user, m.team)
    ]
    return render(
        request,
        "web/volunteers/teams.html",
        {
            "teams": [(t, totals[t.pk], mine.get(t.pk)) for t in rows],
            "pending": [(m, mask_person_name(m.volunteer.name)) for m in pending],
        },
    )


@require_POST
@login_required
@not_found_as_404
def join_team(request: HttpRequest, team_id: int) -> HttpResponse:
    team = access_team_by_id(request.user, team_id)
    try:
        membership_request(actor=request.user, team=team)
    except (ValidationError, DomainError) as exc:
        _refused(request, exc)
    else:
        messages.success(request, gettext("已申请加入“%(team)s”,待审批") % {"team": team.name})
    return redirect(reverse("web:volunteers_teams"))


@require_POST
@login_required
@not_found_as_404
def move_membership(request: HttpRequest, membership_id: int, action: str) -> HttpResponse:
    membership = access_membership_by_id(request.user, membership_id)
    try:
        moved = MembershipWorkflow.apply(
            obj=membership.pk, action=action, actor=request.user, reason=request.POST.get("reason", "")
        )
    except (ValidationError, DomainError) as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            gettext("“%(team)s”:%(status)s")
            % {"team": membership.team.name, "status": moved.get_status_display()},
        )
    return redirect(reverse("web:volunteers_teams"))


# --- the organisers' workbench -------------------------------------------------------------------------


def _require_organiser(request: HttpRequest) -> None:
    if not can_organise(request.user):
        raise PermissionDenied


def _organiser_regions(request: HttpRequest) -> list[Region]:
    paths = organiser_region_paths(request.user)
    return list(Region.objects.filter(path__in=paths).order_by("path"))


def _workbench(
    request: HttpRequest, *, form: dict[str, str] | None = None, errors: dict[str, str] | None = None
) -> HttpResponse:
    managed = list(
        selectors.with_places(
            activities_for(request.user).filter(managed_activities_q(request.user))
        ).order_by("-starts_at", "-id")[:100]
    )
    now = clock.now()
    tomorrow = timezone.localtime(now).date() + dt.timedelta(days=1)
    context: dict[str, Any] = {
        "coming": [a for a in managed if a.ends_at >= now],
        "past": [a for a in managed if a.ends_at < now],
        "regions": _organiser_regions(request),
        "team_choices": list(teams_for(request.user).filter(managed_activities_q(request.user))[:100]),
        "kinds": ActivityKind.choices,
        "form": form
        or {
            "day": tomorrow.isoformat(),
            "start": "09:00",
            "end": "11:00",
            "slots": "20",
            "hours": "2",
            "radius": "300",
        },
        "errors": errors or {},
        "clash": (errors or {}).get("__all__", ""),
    }
    return render(request, "web/volunteers/workbench.html", context, status=422 if errors else 200)


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    _require_organiser(request)
    return _workbench(request)


FORM_FIELDS = (
    "region",
    "team",
    "title",
    "kind",
    "description",
    "place",
    "lat",
    "lng",
    "radius",
    "day",
    "start",
    "end",
    "slots",
    "hours",
)


def _at(day: str, time: str, field: str) -> dt.datetime:
    try:
        return timezone.make_aware(
            dt.datetime.combine(dt.date.fromisoformat(day), dt.time.fromisoformat(time))
        )
    except ValueError:
        raise ValidationError({field: gettext("请选择日期和时间")}) from None


def _number(value: str, field: str, kind: type[Any]) -> Any:
    try:
        return kind(value)
    except (ValueError, InvalidOperation):
        raise ValidationError({field: gettext("请填写数字")}) from None


@require_POST
@login_required
def publish(request: HttpRequest) -> HttpResponse:
    _require_organiser(request)
    form = {k: request.POST.get(k, "").strip() for k in FORM_FIELDS}
    try:
        region = next((r for r in _organiser_regions(request) if r.code == form["region"]), None)
        if region is None:
            raise ValidationError({"region": gettext("请选择主办区域")})
        team = access_team_by_id(request.user, int(form["team"])) if form["team"].isdigit() else None
        created = activity_publish(
            actor=request.user,
            region=region,
            team=team,
            title=form["title"],
            kind=form["kind"],
            description=form["description"],
            place=form["place"],
            lat=_number(form["lat"], "lat", float),
            lng=_number(form["lng"], "lng", float),
            radius_m=_number(form["radius"] or "300", "radius", int),
            starts_at=_at(form["day"], form["start"], "starts_at"),
            ends_at=_at(form["day"], form["end"], "ends_at"),
            slots=_number(form["slots"], "slots", int),
            hours=_number(form["hours"], "hours", Decimal),
        )
    except ValidationError as exc:
        return _workbench(request, form=form, errors={k: " ".join(v) for k, v in exc.message_dict.items()})
    except DomainError as exc:
        return _workbench(request, form=form, errors={"__all__": exc.message})
    messages.success(request, gettext("已发布“%(title)s”") % {"title": created.title})
    return redirect(reverse("web:volunteers_manage", args=[created.pk]))


@login_required
@not_found_as_404
def manage(request: HttpRequest, activity_id: int) -> HttpResponse:
    """An activity's people for its organisers (names and phones masked), their moves, the QR."""
    found = access_managed_activity_by_id(request.user, activity_id)
    item = selectors.with_places(activities_for(request.user).filter(pk=found.pk)).get()
    rows = list(
        SignUp.objects.filter(activity=item)
        .select_related("activity__region", "volunteer__user")
        .order_by("created_at", "id")
    )
    people = [
        {
            "signup": s,
            "name": mask_person_name(s.volunteer.name),
            "phone": mask_phone(s.volunteer.user.phone if s.volunteer.user is not None else ""),
            "moves": {t.action for t in SignUpWorkflow.available_moves(s, request.user)},
        }
        for s in rows
    ]
    confirmable = len([s for s in rows if SignUpWorkflow.can(s, request.user, "confirm")])
    return render(
        request,
        "web/volunteers/manage.html",
        {
            "activity": item,
            "people": people,
            "check_in_url": check_in_url(request, item),
            "confirmable": confirmable,
        },
    )


@login_required
@not_found_as_404
def activity_qr(request: HttpRequest, activity_id: int) -> HttpResponse:
    """The check-in QR code to print or show at the place (organisers only)."""
    found = access_managed_activity_by_id(request.user, activity_id)
    response = HttpResponse(check_in_qr_svg(request, found), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response
