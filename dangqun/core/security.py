"""Security headers that Django does not send itself: Content-Security-Policy and Permissions-Policy.

Why a small middleware rather than django-csp: the policy is one fixed header (no nonces: the
templates carry no inline script), so the whole feature is a string built once at start-up.

The policy (``content_security_policy``): everything from our own origin; images also from
``data:``/``blob:`` (Leaflet and ECharts draw into them) and from the configured map tile server;
no framing. ``style-src-attr 'unsafe-inline'`` lets *style attributes* through (a few templates set
CSS custom properties such as ``style="--depth:2"``, and Leaflet positions tiles with them) while
``<style>`` elements and style sheets from elsewhere stay blocked. A response that already carries
its own policy (attachments: ``default-src 'none'; sandbox``) keeps it.

Settings: ``DANGQUN["MAP_TILE_URL"]`` (its host joins ``img-src``) and, optionally,
``DANGQUN_CSP_EXTRA`` — a dict of directive → list of extra sources, for a deployment that must allow
one more origin without editing code.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

PERMISSIONS_POLICY = "geolocation=(self), camera=(self), microphone=(), payment=(), usb=()"

BASE_DIRECTIVES: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'"],
    "manifest-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def tile_source(url_template: str) -> str:
    """The CSP source for a tile URL template: ``https://t{s}.tianditu.gov.cn/x?{z}`` →
    ``https://*.tianditu.gov.cn``. Empty or unparsable templates give ``""``."""
    if not url_template:
        return ""
    parts = urlsplit(url_template.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return ""
    host = parts.netloc.rsplit("@", 1)[-1]
    labels = host.split(".")
    templated = [i for i, label in enumerate(labels) if "{" in label or "}" in label]
    if templated:
        rest = labels[templated[-1] + 1 :]
        if len(rest) < 2:  # a placeholder in the registrable domain: refuse to widen to "*.com"
            return ""
        host = "*." + ".".join(rest)
    return f"{parts.scheme}://{host}"


def content_security_policy() -> str:
    directives = {name: list(sources) for name, sources in BASE_DIRECTIVES.items()}
    tiles = tile_source(getattr(settings, "DANGQUN", {}).get("MAP_TILE_URL", ""))
    if tiles:
        directives["img-src"].append(tiles)
    for name, sources in getattr(settings, "DANGQUN_CSP_EXTRA", {}).items():
        directives.setdefault(name, []).extend(s for s in sources if s not in directives.get(name, []))
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


class SecurityHeadersMiddleware:
    """Adds Content-Security-Policy and Permissions-Policy to every response that lacks them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csp = content_security_policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
