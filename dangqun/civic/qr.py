"""QR codes of service items (办事指南): an SVG that opens the item's public page on a phone.

segno draws them: pure Python with no dependencies (no Pillow, no C build), maintained, ISO/IEC
18004 complete, and it writes SVG directly, which prints sharp on a 一次性告知单 and weighs a few KB."""

from __future__ import annotations

import io

import segno
from django.http import HttpRequest
from django.urls import reverse

from dangqun.civic.models import ServiceItem


def item_url(request: HttpRequest, item: ServiceItem) -> str:
    """The absolute address of the item's public page (what the QR code holds)."""
    return request.build_absolute_uri(reverse("web:civic_service", args=[item.code]))


def item_qr_svg(request: HttpRequest, item: ServiceItem, *, scale: int = 6) -> bytes:
    """The QR code of the item's public page as an SVG document (error correction M)."""
    out = io.BytesIO()
    segno.make(item_url(request, item), error="m").save(
        out, kind="svg", scale=scale, border=2, title=item.name, xmldecl=False
    )
    return out.getvalue()
