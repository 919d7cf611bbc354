"""One leader among several processes, by a lease row (``core.Lease``).

``acquire(name, holder, ttl)`` takes the lease when it is free or expired, or renews it when
``holder`` has it, in one conditional UPDATE: on PostgreSQL and SQLite alike two processes racing for
it cannot both see their UPDATE match. The holder renews well within ``ttl`` (the scheduler: every
tick); a holder that dies (kill -9, a lost node) stops renewing, and the first other process to try
after ``ttl`` takes over. ``release`` lets a holder that stops cleanly hand over at once.

Clocks: the expiry is compared with the database's rows written by each process's clock, so nodes
must keep their clocks in step (NTP) to well under ``ttl``.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from dangqun.core.models import Lease


def acquire(name: str, holder: str, ttl: float, *, now: dt.datetime | None = None) -> bool:
    """True when ``holder`` holds the lease ``name`` for the next ``ttl`` seconds."""
    now = now or timezone.now()
    Lease.objects.bulk_create(
        [Lease(name=name, holder="", expires_at=now, renewed_at=now)], ignore_conflicts=True
    )
    taken = (
        Lease.objects.filter(name=name)
        .filter(Q(holder=holder) | Q(expires_at__lte=now) | Q(holder=""))
        .update(holder=holder, expires_at=now + dt.timedelta(seconds=ttl), renewed_at=now)
    )
    return taken == 1


def release(name: str, holder: str) -> None:
    """Give the lease up now (a clean stop): the next process to try takes it without waiting."""
    Lease.objects.filter(name=name, holder=holder).update(holder="", expires_at=timezone.now())


def holder_of(name: str, *, now: dt.datetime | None = None) -> str:
    """Who holds the lease now ("" when nobody does)."""
    now = now or timezone.now()
    lease = Lease.objects.filter(name=name, expires_at__gt=now).exclude(holder="").first()
    return lease.holder if lease else ""
