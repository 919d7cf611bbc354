"""The one clock. Code reads the time as ``clock.now()`` (the module attribute, never imported by
name), so a test fixture patches ``dangqun.core.clock.now`` in one place and every module follows."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def local_today() -> dt.date:
    return timezone.localdate(now())
