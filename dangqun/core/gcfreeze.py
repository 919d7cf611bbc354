"""Move what a worker process loaded during its first requests out of the garbage collector's way.

A warmed-up app process holds a large, long-lived heap: Django's URL and template machinery, the
triage classifier, the grid index, the working calendar, the routing rules. CPython's full (oldest
generation) collection walks all of it, and one runs every few hundred thousand allocations — during
a request that builds a big answer (the case map's 5,000 points) that walk was a pause of about
100 ms, the whole gap between the map data's p50 and p95 (docs/benchmarks.md, "Page server time").

After ``DANGQUN_GC_FREEZE_AFTER`` requests (default 20; 0 = never, the test suite's default) this
middleware collects once and calls :func:`gc.freeze`, which moves every object alive then into a
permanent generation that collections skip (the technique Instagram described for Django under
uWSGI; CPython documents it for pre-fork servers). Objects made later are collected as before. The
cost: cyclic garbage made of objects frozen at that moment is never reclaimed — bounded to one
generation of each per-process cache (a replaced classifier or grid index), once per process.
"""

from __future__ import annotations

import gc
import itertools
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)


class _Process:
    """This process's state (one for every handler instance: a test client builds its own)."""

    served = itertools.count(1)  # requests answered
    lock = threading.Lock()
    frozen = False


class GcFreezeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.after = max(0, int(settings.DANGQUN_GC_FREEZE_AFTER))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.after and not _Process.frozen and next(_Process.served) >= self.after:
            freeze(self.after)
        return response


def freeze(after: int) -> None:
    """Collect once, then freeze every object alive: once per process."""
    with _Process.lock:
        if _Process.frozen:
            return
        gc.collect()
        gc.freeze()
        _Process.frozen = True
    logger.info("gc.freeze after %s requests: %s objects frozen", after, gc.get_freeze_count())


class _Pause:
    """How many ``gc_paused`` blocks are running in this process, and whether collection was on."""

    lock = threading.Lock()
    depth = 0
    was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic collection while building a big answer of many small objects (a district's dues
    ledger makes 200,000): each full collection on the way walks every object made so far, about
    half of that build's time. Reference counting still frees everything; the collector runs again
    when the last block in the process ends (nested and concurrent blocks are counted)."""
    with _Pause.lock:
        if _Pause.depth == 0:
            _Pause.was_enabled = gc.isenabled()
            gc.disable()
        _Pause.depth += 1
    try:
        yield
    finally:
        with _Pause.lock:
            _Pause.depth -= 1
            if _Pause.depth == 0 and _Pause.was_enabled:
                gc.enable()
