"""Many people book the same room-hour at the same moment (PostgreSQL, real connections, real commits):
exactly one booking wins, every other attempt is a 409 naming it, and the hour is held once.

The same race against a live server on both databases: bench/spaces_booking.py."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from django.db import connection, connections
from django.utils import timezone

from dangqun.accounts.models import User
from dangqun.core import clock
from dangqun.core.errors import ConflictError
from dangqun.core.models import AuditEvent
from dangqun.volunteers.models import Booking, BookingSlot, Space, SpaceKind
from dangqun.volunteers.services import booking_create

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers on real connections: PostgreSQL only"
)

CLIENTS = 12


@pytest.fixture
def hall(demo_db, django_db_blocker) -> Iterator[Space]:  # type: ignore[no-untyped-def]
    """The street hall; what the race commits is removed afterwards."""
    with django_db_blocker.unblock():
        space = Space.objects.get(kind=SpaceKind.PARTY_CENTRE, capacity=80)
        before = set(Booking.objects.filter(space=space).values_list("pk", flat=True))
        try:
            yield space
        finally:
            made = list(
                Booking.objects.filter(space=space).exclude(pk__in=before).values_list("pk", flat=True)
            )
            AuditEvent.objects.filter(
                target_type="volunteers.booking", target_id__in=[str(p) for p in made]
            ).delete()
            BookingSlot.objects.filter(booking_id__in=made).delete()
            Booking.objects.filter(pk__in=made).delete()


def test_many_clients_booking_one_hour_at_once_give_one_winner(hall, django_db_blocker) -> None:  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        day = clock.local_today() + dt.timedelta(days=85)
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
        users = list(User.objects.filter(username__in=["citizen", "party_member", "branch_secretary"]))
        barrier = threading.Barrier(CLIENTS)
        outcomes: list[str] = []
        lock = threading.Lock()

        def run(n: int) -> None:
            try:
                barrier.wait(timeout=20)
                booking_create(
                    actor=users[n % len(users)],
                    space=Space.objects.get(pk=hall.pk),
                    starts_at=start + dt.timedelta(hours=n % 2),  # half overlap the others by an hour
                    ends_at=start + dt.timedelta(hours=2),
                    purpose="meeting",
                    title=f"并发预约{n}",
                    organiser="并发测试",
                    attendees=5,
                )
                result = "ok"
            except ConflictError as error:
                result = "409" if "并发预约" in error.message or error.code == "clash" else error.message
            finally:
                connections.close_all()
            with lock:
                outcomes.append(result)

        threads = [threading.Thread(target=run, args=(n,)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)

        assert sorted(outcomes) == ["409"] * (CLIENTS - 1) + ["ok"]
        held = BookingSlot.objects.filter(space=hall, hour__gte=start, hour__lt=start + dt.timedelta(hours=2))
        assert held.values("booking").distinct().count() == 1
        assert Booking.objects.filter(space=hall, organiser="并发测试").count() == 1
