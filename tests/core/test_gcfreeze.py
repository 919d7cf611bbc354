"""core.gcfreeze: a process freezes its warmed-up heap once, after the configured number of requests."""

from __future__ import annotations

import gc
import itertools
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from dangqun.core import gcfreeze
from dangqun.core.gcfreeze import GcFreezeMiddleware


def _ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def test_freezes_once_after_the_configured_requests(settings: Any, monkeypatch: Any) -> None:
    settings.DANGQUN_GC_FREEZE_AFTER = 3
    calls: list[str] = []
    monkeypatch.setattr(gc, "collect", lambda *a: calls.append("collect") or 0)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gcfreeze._Process, "served", itertools.count(1))
    monkeypatch.setattr(gcfreeze._Process, "frozen", False)
    middleware, another = GcFreezeMiddleware(_ok), GcFreezeMiddleware(_ok)  # a process may hold several
    request = RequestFactory().get("/")

    answers = [middleware(request).status_code, another(request).status_code]
    assert calls == []
    answers += [m(request).status_code for m in (middleware, another) * 2 + (another,)]

    assert answers == [200] * 7
    assert calls == ["collect", "freeze"]


def test_zero_never_freezes(settings: Any, monkeypatch: Any) -> None:
    settings.DANGQUN_GC_FREEZE_AFTER = 0
    monkeypatch.setattr(gc, "freeze", lambda: (_ for _ in ()).throw(AssertionError("froze")))
    middleware = GcFreezeMiddleware(_ok)

    for _ in range(50):
        assert middleware(RequestFactory().get("/")).status_code == 200


def test_gc_paused_nests_and_restores_the_collector() -> None:
    assert gc.isenabled()
    with gcfreeze.gc_paused():
        assert not gc.isenabled()
        with gcfreeze.gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block still runs
    assert gc.isenabled()


def test_gc_paused_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with gcfreeze.gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
