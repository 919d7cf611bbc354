"""The check-in QR code shown at an activity's place: an SVG (segno, as ``civic.qr``) holding the
activity's page with its check-in code, so that a phone's camera opens the page ready to check in."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import segno
from django.http import HttpRequest
from django.urls import reverse

from dangqun.volunteers.models import Activity


def check_in_url(request: HttpRequest, activity: Activity) -> str:
    path = reverse("web:volunteers_activity", args=[activity.pk])
    return request.build_absolute_uri(f"{path}?{urlencode({'code': activity.check_in_code})}")


def check_in_qr_svg(request: HttpRequest, activity: Activity, *, scale: int = 8) -> bytes:
    out = io.BytesIO()
    segno.make(check_in_url(request, activity), error="m").save(
        out, kind="svg", scale=scale, border=2, title=activity.title, xmldecl=False
    )
    return out.getvalue()
