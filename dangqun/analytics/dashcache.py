"""A short-lived cache for dashboard reads (KPI reports, registry counts) keyed by what the reader may see.

The command centre home and 大屏 draw five KPI reports on every request, and a wall display refreshes
itself every minute; the figures come from the daily KPI rollup, which the worker refreshes once a
minute anyway. So a report is kept ``DANGQUN_DASHBOARD_CACHE_SECONDS`` (default 60) under a key made of:

- the report's name and arguments (period, region …) and the active language (labels are rendered);
- the reader's data scope: ``"all"`` when the report covers everything the reader could see anyway
  (district-wide dispatchers and leaders share one entry), otherwise the user and every part of the
  scope that decides what they see (roles, region paths per role, departments). A change of roles
  changes the key, so a reader never gets a report built for a wider scope.

The cache is Django's default cache (Redis when ``REDIS_URL`` is set, so several app processes share
it; per-process memory otherwise). ``0`` seconds turns it off.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from dangqun.accounts.scope import get_scope

T = TypeVar("T")
SHARED = "all"


def scope_key(user: object) -> str:
    """What decides the rows ``user`` may see, as a stable string."""
    scope = get_scope(user)
    if scope.is_sysadmin:
        return "sysadmin"
    by_role = sorted((role, tuple(sorted(paths))) for role, paths in scope.region_paths_by_role.items())
    return repr(
        (
            scope.user_id,
            tuple(sorted(scope.roles)),
            tuple(by_role),
            tuple(sorted(scope.department_ids)),
            tuple(sorted(scope.party_org_paths)),
            scope.root_paths,
        )
    )


def cached(name: str, args: tuple[object, ...], reader_key: str, build: Callable[[], T]) -> T:
    """``build()``'s result, kept for the configured seconds under (name, args, language, reader)."""
    seconds = settings.DANGQUN_DASHBOARD_CACHE_SECONDS
    if seconds <= 0:
        return build()
    raw = repr((name, args, get_language(), reader_key))
    key = "dash:" + hashlib.sha256(raw.encode()).hexdigest()
    hit: T | None = cache.get(key)
    if hit is not None:
        return hit
    value = build()
    cache.set(key, value, seconds)
    return value
