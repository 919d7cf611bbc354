"""办事指南 pages. On the citizen app, readable without logging in: the catalogue (village/community,
street and district items for a region, with search), an item's page with its QR code, and the
printable 一次性告知单. Logged in: the online application with materials (代办), my applications
with each hand-over; the responsible unit's workbench (overdue first, with the deadline light) and
the moves the door accepts. Views parse and render; the writes are civic services and the door."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from dangqun.cases.services.attachments import upload_from
from dangqun.civic import guide_selectors as selectors
from dangqun.civic.access import (
    access_application_by_id,
    access_public_item_by_code,
    handles_item,
    is_service_staff,
)
from dangqun.civic.guide_services import MAX_FILES, application_submit
from dangqun.civic.guides import ApplicationWorkflow, unit_of
from dangqun.civic.models import ApplicationStatus, CatalogueLevel, ServiceApplication
from dangqun.civic.qr import item_qr_svg, item_url
from dangqun.core.errors import DomainError, validation_text
from dangqun.core.uploads import UploadRejectedError
from dangqun.regions.models import Region, RegionLevel
from dangqun.web.access import not_found_as_404
from dangqun.web.views.civic_policies import door_move
from dangqun.web.views.gridapp import upload_limit


def _catalogue_regions() -> list[Region]:
    """The regions a resident can pick: streets/towns and communities/villages with a catalogue."""
    return list(
        Region.objects.filter(level__in=[RegionLevel.STREET, RegionLevel.COMMUNITY], is_active=True)
        .order_by("path")
        .only("code", "name", "level", "path")[:500]
    )


def catalogue(request: HttpRequest) -> HttpResponse:
    """The public catalogue: a region's three catalogues (its own, its street's, the district's)."""
    code = request.GET.get("region", "").strip()
    region = Region.objects.filter(code=code).first() if code else None
    level = request.GET.get("level", "")
    level = level if level in CatalogueLevel.values else ""
    q = request.GET.get("q", "").strip()[:60]
    rows = list(selectors.catalogue(region=region, level=level, q=q)[:300])
    groups: dict[str, list[Any]] = {}
    for item in rows:
        groups.setdefault(item.get_level_display(), []).append(item)
    context = {
        "groups": groups,
        "count": len(rows),
        "region": region,
        "regions": _catalogue_regions(),
        "levels": CatalogueLevel.choices,
        "level": level,
        "q": q,
        "tab": "services",
    }
    return render(request, "web/civic/services.html", context)


@not_found_as_404
def service(request: HttpRequest, code: str) -> HttpResponse:
    """An item's public page: what the QR code opens on a phone."""
    item = access_public_item_by_code(code)
    context = {"item": item, "unit": unit_of(item), "url": item_url(request, item), "tab": "services"}
    return render(request, "web/civic/service.html", context)


@not_found_as_404
def materials(request: HttpRequest, code: str) -> HttpResponse:
    """The printable 一次性告知单: conditions, the materials, limit, fee, where and when, the QR code."""
    item = access_public_item_by_code(code)
    qr = item_qr_svg(request, item, scale=4).decode()
    context = {"item": item, "unit": unit_of(item), "qr": qr, "url": item_url(request, item)}
    return render(request, "web/civic/materials.html", context)


@not_found_as_404
def qr_svg(request: HttpRequest, code: str) -> HttpResponse:
    item = access_public_item_by_code(code)
    response = HttpResponse(item_qr_svg(request, item), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """The online application: a note and the materials as files (checked like a case's photos)."""
    item = access_public_item_by_code(code)
    max_bytes = upload_limit()
    context: dict[str, Any] = {
        "item": item,
        "unit": unit_of(item),
        "max_files": MAX_FILES,
        "max_mb": max_bytes // (1024 * 1024),
        "note": "",
        "tab": "services",
    }
    if request.method == "GET":
        return render(request, "web/civic/apply.html", context)
    context["note"] = request.POST.get("note", "")
    try:
        application = application_submit(
            actor=request.user,  # type: ignore[arg-type]
            item=item,
            note=context["note"],
            uploads=[upload_from(f) for f in request.FILES.getlist("files")],
        )
    except UploadRejectedError as exc:
        context["file_error"], status = exc.message, exc.status_code
    except ValidationError as exc:
        context["error"], status = validation_text(exc), 422
    except DomainError as exc:
        context["error"], status = exc.message, exc.status_code
    else:
        messages.success(
            request, gettext("申请已提交,编号 %(code)s。请留意办理进度。") % {"code": application.code}
        )
        return redirect("web:civic_application", application_id=application.pk)
    return render(request, "web/civic/apply.html", context, status=status)


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.my_applications(request.user)[:100])
    return render(request, "web/civic/my_applications.html", {"rows": rows, "tab": "services"})


def _application_context(request: HttpRequest, application: ServiceApplication) -> dict[str, Any]:
    return {
        "application": application,
        "item": application.item,
        "unit": unit_of(application.item),
        "light": selectors.light_of(application),
        "files": list(application.files.all()),
        "handovers": list(application.handovers.all()),
        "moves": ApplicationWorkflow.available_moves(application, request.user),
        "is_staff_view": handles_item(request.user, application.item),
        "tab": "services",
    }


@login_required
@not_found_as_404
def application_page(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_application_by_id(request.user, application_id)
    return render(request, "web/civic/application.html", _application_context(request, application))


@require_POST
@login_required
@not_found_as_404
def move_application(request: HttpRequest, application_id: int, action: str) -> HttpResponse:
    application = access_application_by_id(request.user, application_id)
    post = request.POST
    body: dict[str, Any] = {k: post.get(k, "").strip() for k in ("to", "result") if post.get(k, "").strip()}
    moved = door_move(request, ApplicationWorkflow, application.pk, action, **body)
    if moved is not None:
        messages.success(request, gettext("申请 %(code)s:%(status)s")
                         % {"code": moved.code, "status": moved.get_status_display()})  # fmt: skip
    return redirect("web:civic_application", application_id=application.pk)


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """The responsible unit's applications: open ones first, the most overdue first."""
    if not is_service_staff(request.user):
        raise PermissionDenied
    status = request.GET.get("status", "open")
    status = status if status in {"open", "", *ApplicationStatus.values} else "open"
    q = request.GET.get("q", "").strip()[:60]
    rows = [(a, selectors.light_of(a)) for a in selectors.workbench(request.user, status=status, q=q)[:200]]
    items = list(selectors.managed_items(request.user).order_by("level", "sort_order", "id")[:300])
    context = {
        "rows": rows,
        "status": status,
        "q": q,
        "statuses": ApplicationStatus.choices,
        "items": items,
    }
    return render(request, "web/civic/workbench.html", context)
