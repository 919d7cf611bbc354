"""Cross-origin access for the few public endpoints that browser clients call from other sites
(the Open311 GeoReport API): a view decorator, not a dependency.

Why not django-cors-headers: it is a middleware keyed on URL regexes with a dozen settings, made
for a site whose API shares sessions with other origins. Here the endpoints are known at the view,
carry no cookies (an ``api_key`` is a parameter) and need one fixed answer, so the whole feature is
the headers below. Credentials are never allowed, so ``*`` exposes nothing a server-side client
could not read anyway.

``origins`` comes from a setting at call time: ``["*"]`` answers every origin with ``*``; a list of
origins (``https://app.example.cn``) answers the listed ones with themselves (and ``Vary: Origin``)
and the others with no CORS header at all, which the browser treats as a refusal. A preflight
(``OPTIONS`` with ``Access-Control-Request-Method``) is answered here with 204 without reaching the
view.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import patch_vary_headers

View = Callable[..., HttpResponseBase]
ALLOWED_HEADERS = "Content-Type, Idempotency-Key, X-Requested-With"
PREFLIGHT_MAX_AGE = "7200"  # Chromium's cap


def allowed_origin(origin: str, origins: list[str]) -> str:
    """The ``Access-Control-Allow-Origin`` value for ``origin``, ``""`` for none."""
    if "*" in origins:
        return "*"
    if origin and origin.rstrip("/") in {o.rstrip("/") for o in origins}:
        return origin
    return ""


def cors(origins: Callable[[], list[str]], methods: tuple[str, ...]) -> Callable[[View], View]:
    """Add CORS headers to the view's responses and answer its preflight requests."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            origin = request.headers.get("Origin", "")
            allow = allowed_origin(origin, origins())
            preflight = request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers
            if preflight:
                response: HttpResponseBase = HttpResponse(status=204)
                if allow:
                    response["Access-Control-Allow-Methods"] = ", ".join((*methods, "OPTIONS"))
                    response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
                    response["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
            else:
                response = view(request, *args, **kwargs)
            if allow:
                response["Access-Control-Allow-Origin"] = allow
            if allow != "*":
                patch_vary_headers(response, ("Origin",))
            return response

        return wrapped

    return decorate
