"""Timezone-aware time. Use ``now()`` from here or ``django.utils.timezone``; never naive datetimes."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def local_today() -> dt.date:
    return timezone.localdate()
