"""One small rate limiter: fixed windows counted in the Django cache (Redis when ``REDIS_URL`` is set,
so every app process shares the counters; a process-local memory cache otherwise).

Two ways to use it:

- ``RateLimitMiddleware`` applies the rules in ``settings.DANGQUN_RATE_LIMITS`` by method and path
  prefix (login, intake, Open311), so that a view needs no code of its own. A rule::

      {"name": "login", "methods": ["POST"], "paths": ["/login/", "/api/v1/auth/login"],
       "prefixes": [], "limit": 20, "window": 60, "per": "ip"}

  ``paths`` match exactly, ``prefixes`` by prefix; ``window`` defaults to 60 s. ``per`` is ``"user"``
  (the default: the signed-in user, the address when anonymous) or ``"ip"`` (the client address).
  Past the limit the answer is 429 with ``Retry-After`` and a Chinese message (JSON under /api/ and
  /open311/, plain text elsewhere). Rules are read on every request, so tests and operators can
  change them without restarting.
- ``hit(name, key, limit=..., window=...)`` for code that needs a limit on something other than a path.

The client address is ``REMOTE_ADDR``; behind a reverse proxy set ``DANGQUN_CLIENT_IP_HEADER`` (e.g.
``HTTP_X_REAL_IP``) to the header the proxy overwrites, never to one the client can forge.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

JSON_PREFIXES = ("/api/", "/open311/")


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    retry_after: int


def hit(name: str, key: str, *, limit: int, window: int) -> Verdict:
    """Count one event for ``key`` under the limit ``name``; refuse past ``limit`` per ``window`` s."""
    now = time.time()
    slot = int(now // window)
    cache_key = f"ratelimit:{name}:{key}:{slot}"
    cache.add(cache_key, 0, timeout=window + 5)
    try:
        count = int(cache.incr(cache_key))
    except ValueError:  # the key expired between add and incr
        cache.set(cache_key, 1, timeout=window + 5)
        count = 1
    retry_after = max(1, int((slot + 1) * window - now))
    return Verdict(allowed=count <= limit, count=count, retry_after=retry_after)


def client_ip(request: HttpRequest) -> str:
    header = getattr(settings, "DANGQUN_CLIENT_IP_HEADER", "") or "REMOTE_ADDR"
    value = str(request.META.get(header, "") or request.META.get("REMOTE_ADDR", "") or "unknown")
    return value.split(",", maxsplit=1)[0].strip()[:64] or "unknown"


def _subject(request: HttpRequest, per: str) -> str:
    user = getattr(request, "user", None)
    if per == "user" and user is not None and user.is_authenticated:
        return f"u{user.pk}"
    return f"ip{client_ip(request)}"


def _matches(rule: dict[str, Any], request: HttpRequest) -> bool:
    methods: Iterable[str] = rule.get("methods", ("POST",))
    if (request.method or "") not in methods:
        return False
    if request.path in rule.get("paths", ()):
        return True
    return any(request.path.startswith(prefix) for prefix in rule.get("prefixes", ()))


def too_many_response(request: HttpRequest, retry_after: int) -> HttpResponse:
    message = _("请求过于频繁,请稍后再试")
    response: HttpResponse
    if request.path.startswith(JSON_PREFIXES):
        response = JsonResponse(
            {"detail": message, "code": "too_many_requests"},
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    return response


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for rule in getattr(settings, "DANGQUN_RATE_LIMITS", ()):
            if not _matches(rule, request):
                continue
            verdict = hit(
                rule["name"],
                _subject(request, rule.get("per", "user")),
                limit=int(rule["limit"]),
                window=int(rule.get("window", 60)),
            )
            if not verdict.allowed:
                return too_many_response(request, verdict.retry_after)
        return self.get_response(request)
