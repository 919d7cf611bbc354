"""区域化党建 pages: a community's four lists (需求、资源、项目、责任) with counts, a need's page
(the ranked resources, claim, 立项, completion, rating — only the moves the door accepts) and the
public 民情回音壁. Views parse and render; the writes are ``community.services`` and the doors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from dangqun.community import selectors, services
from dangqun.community.access import (
    access_need_by_id,
    access_region_by_code,
    needs_for,
    projects_for,
    resources_for,
    responsibilities_for,
    units_for,
)
from dangqun.community.models import Project
from dangqun.community.workflow import NeedWorkflow, ProjectWorkflow
from dangqun.core.errors import DomainError, NotFoundError, validation_text
from dangqun.regions.models import Region
from dangqun.web.access import not_found_as_404

LIST_LABELS = {
    "needs": gettext_lazy("需求清单"),
    "resources": gettext_lazy("资源清单"),
    "projects": gettext_lazy("项目清单"),
    "responsibilities": gettext_lazy("责任清单"),
}
RESOURCE_LABELS = {"available": gettext_lazy("可用"), "used": gettext_lazy("已用完或过期")}


@login_required
@not_found_as_404
def lists_page(request: HttpRequest, code: str) -> HttpResponse:
    """四项清单 of a region: counts by status and the latest needs, resources and projects."""
    region = access_region_by_code(request.user, code)
    sub = region.path
    context: dict[str, Any] = {
        "region": region,
        "lists": [
            {
                "key": c.key,
                "label": LIST_LABELS[c.key],
                "total": c.total,
                "by_status": [
                    (label or RESOURCE_LABELS.get(status, status), n) for status, label, n in c.by_status
                ],
            }
            for c in selectors.four_lists(request.user, region)
        ],
        "needs": needs_for(request.user).filter(region__path__subtree=sub).order_by("-id")[:50],
        "resources": resources_for(request.user).filter(region__path__subtree=sub).order_by("-id")[:30],
        "projects": projects_for(request.user)
        .filter(need__region__path__subtree=sub)
        .order_by("due_on", "-id")[:30],
        "responsibilities": responsibilities_for(request.user)
        .filter(region__path__subtree=sub)
        .order_by("-id")[:30],
    }
    return render(request, "web/community/lists.html", context)


def _need_context(request: HttpRequest, need: Any) -> dict[str, Any]:
    project = Project.objects.select_related("owner_unit").filter(need=need).first()
    return {
        "need": need,
        "moves": NeedWorkflow.available_moves(need, request.user),
        "project": project,
        "project_moves": ProjectWorkflow.available_moves(project, request.user) if project else [],
        "matches": selectors.matches_for(request.user, need)
        if need.status in {"published", "claimed"}
        else [],
        "units": units_for(request.user).order_by("id")[:200],
    }


@login_required
@not_found_as_404
def need_page(request: HttpRequest, need_id: int) -> HttpResponse:
    need = access_need_by_id(request.user, need_id)
    return render(request, "web/community/need.html", _need_context(request, need))


@require_POST
@login_required
@not_found_as_404
def need_act(request: HttpRequest, need_id: int) -> HttpResponse:
    """One move on a need or its project, from the need page's forms."""
    need = access_need_by_id(request.user, need_id)
    post = request.POST
    action = post.get("action", "")
    try:
        if action == "claim":
            services.need_claim(actor=request.user, need=need, body={"unit_id": post.get("unit_id")})
        elif action == "start":
            ids = [int(i) for i in post.getlist("resource_ids") if i.isdigit()]
            services.project_start(
                actor=request.user,
                need=need,
                body={
                    "owner_name": post.get("owner_name", ""),
                    "due_on": post.get("due_on", ""),
                    "milestone": post.get("milestone", ""),
                    "plan": post.get("plan", ""),
                    "resource_ids": ids,
                },
            )
        elif action.startswith("project_"):
            project = projects_for(request.user).filter(need=need).first()
            if project is None:
                raise Http404
            services.project_move(
                actor=request.user,
                project=project,
                action=action.removeprefix("project_"),
                body=dict(post.items()),
            )
        else:
            services.need_move(actor=request.user, need=need, action=action, body=dict(post.items()))
    except ValidationError as exc:
        messages.error(request, validation_text(exc))
        context = _need_context(request, access_need_by_id(request.user, need_id))
        return render(request, "web/community/need.html", context, status=422)
    except NotFoundError:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        context = _need_context(request, access_need_by_id(request.user, need_id))
        return render(request, "web/community/need.html", context, status=exc.status_code)
    messages.success(request, gettext("已办理"))
    return redirect("web:community_need", need_id=need.pk)


def wall_page(request: HttpRequest, code: str) -> HttpResponse:
    """民情回音壁: public, no login; names masked, places no finer than the community."""
    region = Region.objects.filter(code=code, is_active=True).first()
    if region is None:
        raise Http404
    summary, items = selectors.wall(region)
    return render(request, "web/community/wall.html", {"region": region, "summary": summary, "items": items})
