"""The shared-space pages: the catalogue, a space's calendar, booking from the form, the owner's moves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from dangqun.accounts.models import User
from dangqun.core import clock
from dangqun.volunteers.models import Booking, BookingStatus, Space, SpaceKind

pytestmark = pytest.mark.django_db


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _hall() -> Space:
    return Space.objects.get(kind=SpaceKind.PARTY_CENTRE, capacity=80)


def _day(space: Space, days: int = 80) -> str:
    while str((clock.local_today() + dt.timedelta(days=days)).isoweekday()) not in space.open_weekdays:
        days += 1
    return (clock.local_today() + dt.timedelta(days=days)).isoformat()


def test_catalogue_and_calendar_show_real_numbers() -> None:
    client = _client("citizen")
    page = client.get("/volunteers/spaces/")
    assert page.status_code == 200
    hall = _hall()
    assert hall.name in page.content.decode()
    calendar = client.get(f"/volunteers/spaces/{hall.pk}/")
    assert calendar.status_code == 200
    text = calendar.content.decode()
    assert "近30天使用情况" in text
    assert calendar.context["usage"].booked_hours > 0
    assert client.get("/volunteers/spaces/999999/").status_code == 404


def test_booking_from_the_form_then_a_clash_is_named_and_the_owner_approves() -> None:
    hall = _hall()
    day = _day(hall)
    form = {"day": day, "start": "14", "end": "16", "purpose": "org_life", "title": "主题党日",
            "organiser": "演示小区党支部", "attendees": "25"}  # fmt: skip
    branch = _client("branch_secretary")
    response = branch.post(f"/volunteers/spaces/{hall.pk}/book", form)
    assert response.status_code == 302
    booking = Booking.objects.get(space=hall, title="主题党日", organiser="演示小区党支部")
    assert booking.status == BookingStatus.PENDING

    clash = _client("citizen").post(
        f"/volunteers/spaces/{hall.pk}/book", {**form, "start": "15", "end": "17", "title": "读书会"}
    )
    assert clash.status_code == 422
    assert "演示小区党支部" in clash.content.decode()
    assert not Booking.objects.filter(space=hall, title="读书会").exists()

    staff = _client("street_staff")
    assert booking.title in staff.get("/volunteers/spaces/").content.decode()  # awaiting approval
    staff.post(f"/volunteers/bookings/{booking.pk}/approve", {"next": "/volunteers/spaces/"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.APPROVED


def test_bad_form_input_names_the_field_and_strangers_get_404() -> None:
    hall = _hall()
    bad = _client("citizen").post(
        f"/volunteers/spaces/{hall.pk}/book",
        {"day": "", "start": "9", "end": "10", "purpose": "org_life", "title": "x", "organiser": "y",
         "attendees": "3"},
    )  # fmt: skip
    assert bad.status_code == 422
    assert "starts_at" in bad.context["errors"]
    booking = Booking.objects.filter(space=hall, status=BookingStatus.PENDING).exclude(
        booker__username="citizen"
    )
    other = booking.first()
    assert other is not None
    assert _client("citizen").post(f"/volunteers/bookings/{other.pk}/cancel").status_code == 404
    assert Booking.objects.get(pk=other.pk).status == BookingStatus.PENDING
