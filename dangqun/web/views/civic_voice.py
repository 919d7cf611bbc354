"""党的声音 pages. For readers (citizen app, large type): the feed — pinned items, today's, the
rest — and the reading page, which stamps the read receipt. For publishers (PC): their items with read
counts and the form for a new one; an item's page with its moves, corrections and the receipts per
branch (or grid), with who hasn't read it yet. Views parse and render; the writes are civic services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from dangqun.civic import voice_selectors as selectors
from dangqun.civic.voice import VoiceWorkflow
from dangqun.civic.voice_access import (
    access_managed_voice_by_id,
    access_my_voice_by_id,
    is_voice_staff,
    orgs_managed_q,
    regions_managed_q,
)
from dangqun.civic.voice_models import VoiceAudience, VoiceKind, VoiceStatus
from dangqun.civic.voice_services import voice_create, voice_mark_read, voice_update
from dangqun.core.errors import DomainError, validation_text
from dangqun.orgs.models import PartyOrg, PartyOrgKind
from dangqun.regions.models import Region, RegionLevel
from dangqun.web.access import not_found_as_404
from dangqun.web.views.civic_policies import door_move

FORM_FIELDS = ("kind", "title", "audience", "org", "region", "summary", "body", "video_url", "issuer")


@login_required
def feed(request: HttpRequest) -> HttpResponse:
    return render(
        request, "web/civic/voice_feed.html", {"voice": selectors.feed(request.user), "tab": "voice"}
    )


@login_required
@not_found_as_404
def read(request: HttpRequest, item_id: int) -> HttpResponse:
    """Reading an item is what stamps its receipt."""
    receipt = access_my_voice_by_id(request.user, item_id)
    voice_mark_read(actor=request.user, receipt=receipt)  # type: ignore[arg-type]
    return render(request, "web/civic/voice_read.html", {"item": receipt.item, "tab": "voice"})


def _require_staff(request: HttpRequest) -> None:
    if not is_voice_staff(request.user):
        raise PermissionDenied


def _targets(user: Any) -> dict[str, Any]:
    orgs = PartyOrg.objects.filter(orgs_managed_q(user), is_active=True).exclude(kind=PartyOrgKind.GROUP)
    regions = Region.objects.filter(regions_managed_q(user), level__lte=RegionLevel.COMMUNITY, is_active=True)
    return {
        "orgs": list(orgs.order_by("path").only("code", "name", "path")[:300]),
        "regions": list(regions.order_by("path").only("code", "name", "path")[:300]),
    }


def _desk_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    status = request.GET.get("status", "")
    status = status if status in VoiceStatus.values else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in VoiceKind.values else ""
    q = request.GET.get("q", "").strip()[:60]
    qs = selectors.staff_voice(request.user, status=status, kind=kind, q=q)
    return {
        "rows": list(qs.select_related(None).select_related("org", "region")[:100]),
        "count": qs.count(),
        "status": status,
        "kind": kind,
        "q": q,
        "statuses": VoiceStatus.choices,
        "kinds": VoiceKind.choices,
        "audiences": VoiceAudience.choices,
        "form": {},
        **_targets(request.user),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def desk(request: HttpRequest) -> HttpResponse:
    """The publisher's items with their read counts, and the form for a new one."""
    _require_staff(request)
    if request.method == "GET":
        return render(request, "web/civic/voice_desk.html", _desk_context(request))
    post = request.POST
    form: dict[str, Any] = {k: post.get(k, "") for k in FORM_FIELDS}
    form["pinned"] = bool(post.get("pinned"))
    try:
        item = voice_create(actor=request.user, publish="publish" in post, **form)  # type: ignore[arg-type]
    except ValidationError as exc:
        context = _desk_context(request, form=form, error=validation_text(exc))
        return render(request, "web/civic/voice_desk.html", context, status=422)
    except DomainError as exc:
        context = _desk_context(request, form=form, error=exc.message)
        return render(request, "web/civic/voice_desk.html", context, status=exc.status_code)
    messages.success(request, gettext("已保存:%(title)s(%(status)s)")
                     % {"title": item.title, "status": item.get_status_display()})  # fmt: skip
    return redirect("web:voice_edit", item_id=item.pk)


@login_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, item_id: int) -> HttpResponse:
    """An item: its moves, its receipts per branch and who hasn't read it, corrections and pinning."""
    _require_staff(request)
    item = access_managed_voice_by_id(request.user, item_id)
    context: dict[str, Any] = {"item": item, "kinds": VoiceKind.choices}
    status = 200
    if request.method == "POST":
        post = request.POST
        changes: dict[str, Any] = {
            k: post.get(k, "") for k in ("kind", "title", "summary", "body", "video_url", "issuer")
        }
        changes["pinned"] = bool(post.get("pinned"))
        try:
            voice_update(actor=request.user, item=item, changes=changes)  # type: ignore[arg-type]
        except ValidationError as exc:
            context["error"], status = validation_text(exc), 422
        except DomainError as exc:
            context["error"], status = exc.message, exc.status_code
        else:
            messages.success(request, gettext("已保存修改"))
            return redirect("web:voice_edit", item_id=item.pk)
    group = request.GET.get("group", "").strip()[:40]
    context.update(
        moves=VoiceWorkflow.available_moves(item, request.user),
        totals=selectors.receipt_totals(item),
        groups=selectors.receipts_by_group(item),
        group=group,
        unread_readers=selectors.readers(item, read=False, group=group, limit=100),
    )
    return render(request, "web/civic/voice_edit.html", context, status=status)


@require_POST
@login_required
@not_found_as_404
def move(request: HttpRequest, item_id: int, action: str) -> HttpResponse:
    _require_staff(request)
    item = access_managed_voice_by_id(request.user, item_id)
    moved = door_move(request, VoiceWorkflow, item.pk, action)
    if moved is not None:
        messages.success(request, gettext("“%(title)s”:%(status)s")
                         % {"title": moved.title, "status": moved.get_status_display()})  # fmt: skip
    return redirect("web:voice_edit", item_id=item.pk)
