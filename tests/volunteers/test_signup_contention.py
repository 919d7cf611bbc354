"""Many residents sign up for the last places at the same moment (PostgreSQL, real connections, real
commits): the places are never over-filled, everyone else lands on the waiting list in order."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.db import connection, connections

from dangqun.accounts.models import User
from dangqun.core import clock
from dangqun.core.models import AuditEvent
from dangqun.regions.models import Region
from dangqun.volunteers.models import Activity, SignUp, Team, Volunteer
from dangqun.volunteers.services import new_check_in_code, signup_create

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers on real connections: PostgreSQL only"
)

CLIENTS = 10
SLOTS = 3


@pytest.fixture
def race(demo_db, django_db_blocker) -> Iterator[tuple[Activity, list[User]]]:  # type: ignore[no-untyped-def]
    """An activity with three places and ten new residents; everything the race commits goes afterwards."""
    with django_db_blocker.unblock():
        team = Team.objects.order_by("id").first()
        assert team is not None
        region = Region.objects.get(pk=team.region_id)
        start = clock.now() + dt.timedelta(days=5)
        activity = Activity.objects.create(
            title="并发报名测试",
            kind="cleanup",
            region=region,
            organiser=User.objects.get(username="community_staff"),
            organiser_label=region.name,
            place="测试广场",
            lat=40.1,
            lng=124.3,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            slots=SLOTS,
            hours=Decimal(2),
            check_in_code=new_check_in_code(),
        )
        users = [
            User.objects.create_user(username=f"race_{n}", display_name=f"并发{n}") for n in range(CLIENTS)
        ]
        try:
            yield activity, users
        finally:
            signups = list(SignUp.objects.filter(activity=activity).values_list("pk", flat=True))
            volunteers = list(Volunteer.objects.filter(user__in=users).values_list("pk", flat=True))
            AuditEvent.objects.filter(
                target_type="volunteers.signup", target_id__in=[str(p) for p in signups]
            ).delete()
            AuditEvent.objects.filter(
                target_type="volunteers.volunteer", target_id__in=[str(p) for p in volunteers]
            ).delete()
            SignUp.objects.filter(pk__in=signups).delete()
            Volunteer.objects.filter(pk__in=volunteers).delete()
            activity.delete()
            User.objects.filter(pk__in=[u.pk for u in users]).delete()


def test_many_sign_ups_at_once_never_overfill_the_places(race, django_db_blocker) -> None:  # type: ignore[no-untyped-def]
    activity, users = race
    with django_db_blocker.unblock():
        barrier = threading.Barrier(CLIENTS)
        outcomes: list[str] = []
        lock = threading.Lock()

        def run(n: int) -> None:
            try:
                barrier.wait(timeout=20)
                result = signup_create(actor=users[n], activity=activity).status
            except Exception as error:
                result = repr(error)
            finally:
                connections.close_all()
            with lock:
                outcomes.append(str(result))

        threads = [threading.Thread(target=run, args=(n,)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)

        assert sorted(outcomes) == ["enrolled"] * SLOTS + ["waiting"] * (CLIENTS - SLOTS)
        assert SignUp.objects.filter(activity=activity, status="enrolled").count() == SLOTS
