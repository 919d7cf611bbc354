"""入户排查 pages. The staff's: the campaigns of my regions with their completion, the form to launch
one (the kind's ready-made form plus questions of our own, one per line), and a campaign with its
completion per grid, the answers' tally, its moves and its Excel file. The grid app's (phone first):
the open campaigns over my grid and my doors in one of them, those still to visit first, and one door's
form — record the answers, or 无人在家 to try again. Views parse and render; the writes are
``gridwork.campaigns``' services and doors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from dangqun.accounts.scope import get_scope
from dangqun.core import clock
from dangqun.core.errors import DomainError, validation_text
from dangqun.gridwork.access import VISIT_READ_ROLES, VISIT_RECORD_ROLES
from dangqun.gridwork.campaign_forms import preset
from dangqun.gridwork.campaign_progress import answer_tally, my_doors, overall, progress
from dangqun.gridwork.campaigns import (
    LAUNCH_ROLES,
    CampaignWorkflow,
    DoorWorkflow,
    access_campaign_by_id,
    access_door_by_id,
    campaign_create,
    campaigns_for,
)
from dangqun.gridwork.models import CampaignKind, CampaignStatus, DoorStatus
from dangqun.regions.models import Region, RegionLevel
from dangqun.web.access import not_found_as_404
from dangqun.web.views.civic_policies import door_move

EXTRA_QUESTIONS_MAX = 10


def _readers_only(request: HttpRequest) -> None:
    scope = get_scope(request.user)
    if not (scope.is_sysadmin or scope.roles & VISIT_READ_ROLES):
        raise PermissionDenied(gettext("只有网格、社区、街道和指挥中心的工作人员可以查看入户排查"))


def _launch_regions(user: object) -> list[Region]:
    scope = get_scope(user)
    if not (scope.is_sysadmin or scope.roles & LAUNCH_ROLES):
        return []
    regions = Region.objects.filter(
        scope.region_q("path", roles=LAUNCH_ROLES),
        level__in=(RegionLevel.STREET, RegionLevel.COMMUNITY),
        is_active=True,
    )
    return list(regions.order_by("path")[:200])


def _questions(kind: str, extra: str) -> list[dict[str, Any]]:
    lines = [line.strip() for line in extra.splitlines() if line.strip()]
    if len(lines) > EXTRA_QUESTIONS_MAX:
        raise ValidationError({"extra": gettext("自设事项不超过%(n)d项") % {"n": EXTRA_QUESTIONS_MAX}})
    form = preset(kind)
    form += [
        {"key": f"extra{i}", "label": line, "type": "yes_no", "required": False}
        for i, line in enumerate(lines, 1)
    ]
    return form


def _date(raw: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: gettext("请填写日期")}) from None


@login_required
def campaigns(request: HttpRequest) -> HttpResponse:
    _readers_only(request)
    regions = _launch_regions(request.user)
    status = 200
    if request.method == "POST":
        if not regions:
            raise PermissionDenied(gettext("只有街道和社区的工作人员可以发起入户排查"))
        post = request.POST
        try:
            kind = post.get("kind", "")
            campaign = campaign_create(
                actor=request.user,  # type: ignore[arg-type]
                region_code=post.get("region", ""),
                title=post.get("title", ""),
                kind=kind,
                starts_on=_date(post.get("starts_on", ""), "starts_on"),
                ends_on=_date(post.get("ends_on", ""), "ends_on"),
                questions=_questions(kind, post.get("extra", "")) if kind in CampaignKind.values else None,
            )
        except ValidationError as exc:
            messages.error(request, gettext("未能发起:%(text)s") % {"text": validation_text(exc)})
            status = 422
        except DomainError as exc:
            messages.error(request, gettext("未能发起:%(text)s") % {"text": exc.message})
            status = exc.status_code
        else:
            messages.success(request, gettext("已保存草稿,请核对排查表后启动"))
            return redirect("web:gridwork_campaign", campaign_id=campaign.pk)
    rows = [
        (c, overall(progress(c, request.user)))
        for c in campaigns_for(request.user).select_related("region")[:50]
    ]
    today = clock.local_today()
    context = {
        "rows": rows,
        "regions": regions,
        "kinds": CampaignKind.choices,
        "today": today,
        "default_end": today + dt.timedelta(days=14),
        "form": request.POST if request.method == "POST" else {},
    }
    return render(request, "web/gridwork/campaigns.html", context, status=status)


@login_required
@not_found_as_404
def campaign(request: HttpRequest, campaign_id: int) -> HttpResponse:
    _readers_only(request)
    item = access_campaign_by_id(request.user, campaign_id)
    rows = progress(item, request.user)
    context = {
        "campaign": item,
        "rows": rows,
        "total": overall(rows),
        "tally": answer_tally(item, request.user),
        "moves": CampaignWorkflow.available_moves(item, request.user),
        "can_record": bool(get_scope(request.user).roles & VISIT_RECORD_ROLES),
    }
    return render(request, "web/gridwork/campaign.html", context)


@require_POST
@login_required
@not_found_as_404
def campaign_move(request: HttpRequest, campaign_id: int, action: str) -> HttpResponse:
    item = access_campaign_by_id(request.user, campaign_id)
    moved = door_move(request, CampaignWorkflow, item.pk, action)
    if moved is not None:
        messages.success(request, gettext("入户排查:%(status)s") % {"status": moved.get_status_display()})
    return redirect("web:gridwork_campaign", campaign_id=item.pk)


@login_required
def grid_campaigns(request: HttpRequest) -> HttpResponse:
    """The grid app: the open campaigns over my grid, with my doors' count."""
    _readers_only(request)
    rows = [
        (c, overall(progress(c, request.user)))
        for c in campaigns_for(request.user).filter(status=CampaignStatus.OPEN).select_related("region")[:20]
    ]
    return render(request, "web/gridwork/grid_campaigns.html", {"rows": rows, "tab": "campaigns"})


@login_required
@not_found_as_404
def grid_campaign(request: HttpRequest, campaign_id: int) -> HttpResponse:
    _readers_only(request)
    item = access_campaign_by_id(request.user, campaign_id)
    status = request.GET.get("status", "")
    context = {
        "campaign": item,
        "doors": my_doors(item, request.user, status),
        "total": overall(progress(item, request.user)),
        "status": status,
        "statuses": DoorStatus.choices,
    }
    return render(request, "web/gridwork/grid_campaign.html", context)


@login_required
@not_found_as_404
def grid_door(request: HttpRequest, door_id: int) -> HttpResponse:
    _readers_only(request)
    door = access_door_by_id(request.user, door_id)
    if request.method == "POST":
        action = "absent" if request.POST.get("action") == "absent" else "record"
        answers = {q["key"]: request.POST.get(f"q-{q['key']}", "") for q in door.campaign.questions}
        body: dict[str, Any] = {"note": request.POST.get("note", "")}
        if action == "record":
            body["answers"] = answers
        if door_move(request, DoorWorkflow, door.pk, action, **body) is not None:
            messages.success(request, gettext("已登记:%(room)s") % {"room": door.household.room})
            return redirect("web:gridwork_grid_campaign", campaign_id=door.campaign_id)
        door = access_door_by_id(request.user, door_id)
    context = {
        "door": door,
        "campaign": door.campaign,
        "moves": {t.action for t in DoorWorkflow.available_moves(door, request.user)},
        "posted": request.POST if request.method == "POST" else {},
    }
    return render(request, "web/gridwork/grid_door.html", context)
