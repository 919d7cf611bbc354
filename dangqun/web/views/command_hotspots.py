"""热点问题 in the command centre: the latest hotspots with their member cases, and the two actions —
turn a hotspot into a proactive case (未诉先办), or put its member cases under supervision (督办).
The work is in ``triage.hotspots_services``; this module only reads the form and reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from dangqun.cases.models import Case
from dangqun.core.errors import DomainError
from dangqun.core.i18n import join_list
from dangqun.triage import hotspots_services as hs
from dangqun.triage.models import Hotspot
from dangqun.web.access import not_found_as_404
from dangqun.web.views.command import command_required

PAGE_SIZE = 10
MEMBERS_SHOWN = 20


@dataclass(frozen=True)
class HotspotRow:
    hotspot: Hotspot
    members: list[Case]
    n_visible: int


def hotspot_rows(user: Any, limit: int = PAGE_SIZE, members: int = MEMBERS_SHOWN) -> list[HotspotRow]:
    spots = list(hs.visible_hotspots(user).select_related("proactive_case")[:limit])
    visible = hs.visible_members_of(user, spots)  # one query for the page's members
    return [
        HotspotRow(spot, visible.get(spot.pk, [])[:members], len(visible.get(spot.pk, []))) for spot in spots
    ]


@command_required
def hotspots(request: HttpRequest) -> HttpResponse:
    """The hottest problems of the last weeks, each with its member cases and the two actions."""
    return render(request, "web/command/hotspots.html", {"rows": hotspot_rows(request.user)})


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return ";".join(exc.messages)
    return str(exc)


@command_required
@require_POST
@not_found_as_404
def make_proactive(request: HttpRequest, pk: int) -> HttpResponse:
    hs.access_hotspot(request.user, pk)  # unknown or out of scope: 404
    try:
        case = hs.make_proactive(actor=request.user, hotspot_id=pk)
    except (DomainError, ValidationError) as exc:
        messages.error(request, gettext("未能转为未诉先办:%(text)s") % {"text": _error_text(exc)})
        return redirect("web:command_hotspots")
    messages.success(request, gettext("已生成未诉先办诉求 %(code)s") % {"code": case.code})
    return redirect(reverse("web:case", args=[case.code]))


@command_required
@require_POST
@not_found_as_404
def supervise(request: HttpRequest, pk: int) -> HttpResponse:
    hs.access_hotspot(request.user, pk)  # unknown or out of scope: 404
    try:
        result = hs.supervise_members(
            actor=request.user, hotspot_id=pk, reason=request.POST.get("reason", "")
        )
    except (DomainError, ValidationError) as exc:
        messages.error(request, gettext("未能督办:%(text)s") % {"text": _error_text(exc)})
        return redirect("web:command_hotspots")
    if result.supervised:
        messages.success(
            request,
            gettext("已督办 %(n)d 件诉求:%(codes)s")
            % {"n": len(result.supervised), "codes": join_list(result.supervised)},
        )
    if result.skipped:
        skipped = ";".join(f"{code}({why})" for code, why in result.skipped)
        messages.warning(request, gettext("未督办:%(list)s") % {"list": skipped})
    return redirect("web:command_hotspots")


# Mounted under ``command/hotspots/`` by ``web.urls`` (names in the ``web`` namespace).
urlpatterns = [
    path("", hotspots, name="command_hotspots"),
    path("<int:pk>/proactive/", make_proactive, name="command_hotspot_proactive"),
    path("<int:pk>/supervise/", supervise, name="command_hotspot_supervise"),
]
