"""社区服务清单 pages: the community's page (its items with time limits and materials, the requests
tracked against their limits, the door's moves, the Excel list) and the citizen app's 我申请的服务
(request an item of a community, follow my requests). Views parse and render; the writes are
``community.service_requests`` and its door."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangqun.community import service_list_selectors as reads
from dangqun.community import service_requests
from dangqun.community.access import access_region_by_code, access_service_request_by_id, service_requests_for
from dangqun.community.service_list_selectors import XLSX_TYPE
from dangqun.core import clock
from dangqun.core.errors import DomainError, validation_text
from dangqun.regions.models import Region, RegionLevel
from dangqun.web.access import not_found_as_404


@login_required
@not_found_as_404
def services_page(request: HttpRequest, code: str) -> HttpResponse:
    region = access_region_by_code(request.user, code)
    rows = list(reads.region_requests(request.user, region).exclude(status="rejected")[:60])
    workflow = service_requests.ServiceRequestWorkflow
    context = {
        "region": region,
        "items": reads.items_of(region) if region.level == RegionLevel.COMMUNITY else [],
        "counts": reads.request_counts(request.user, region),
        "requests": [(r, workflow.available_moves(r, request.user)) for r in rows],
        "now": clock.now(),
    }
    return render(request, "web/community/services.html", context)


@require_POST
@login_required
@not_found_as_404
def service_act(request: HttpRequest, request_id: int) -> HttpResponse:
    row = access_service_request_by_id(request.user, request_id)
    try:
        service_requests.service_request_move(
            actor=request.user,
            request=row,
            action=request.POST.get("action", ""),
            body=dict(request.POST.items()),
        )
    except ValidationError as exc:
        messages.error(request, validation_text(exc))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("已办理"))
    return redirect("web:community_services", code=row.region.code)


@require_GET
@login_required
@not_found_as_404
def services_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    region = access_region_by_code(request.user, code)
    response = HttpResponse(reads.export_service_list(region), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="services-{region.code}.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _citizen_community(request: HttpRequest) -> Region | None:
    communities = Region.objects.filter(level=RegionLevel.COMMUNITY, is_active=True)
    code = request.GET.get("community") or request.POST.get("community")
    if code:
        return communities.filter(code=code).first()
    last = service_requests_for(request.user).filter(requester_id=request.user.pk).order_by("-id").first()
    return last.region if last else communities.order_by("path").first()


@login_required
@require_http_methods(["GET", "POST"])
def my_services(request: HttpRequest) -> HttpResponse:
    """我申请的服务: a community's service list to request from, and the requests I made."""
    community = _citizen_community(request)
    status = 200
    if request.method == "POST":
        try:
            service_requests.service_request_create(
                actor=request.user,
                body={"item_id": request.POST.get("item_id"), "note": request.POST.get("note", "")},
            )
        except ValidationError as exc:
            messages.error(request, validation_text(exc))
            status = 422
        except DomainError as exc:
            messages.error(request, exc.message)
            status = exc.status_code
        else:
            messages.success(request, gettext("已提交服务申请"))
            return redirect(f"{request.path}?community={community.code if community else ''}")
    mine = service_requests_for(request.user).filter(requester_id=request.user.pk).order_by("-id")[:50]
    context = {
        "community": community,
        "communities": Region.objects.filter(level=RegionLevel.COMMUNITY, is_active=True).order_by("path")[
            :300
        ],
        "items": reads.items_of(community) if community else [],
        "mine": mine,
        "now": clock.now(),
        "tab": "services",
    }
    return render(request, "web/citizen/services.html", context, status=status)
