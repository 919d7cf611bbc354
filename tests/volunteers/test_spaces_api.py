"""Shared spaces through the API: the catalogue, booking with its conflict checks, the moves, scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dangqun.core import clock
from dangqun.volunteers.models import Booking, BookingSlot, BookingStatus, Space, SpaceKind

pytestmark = pytest.mark.django_db

FAR = 80  # days ahead: past the demo's bookings, inside the 90-day window


def _at(days: int, hour: int) -> dt.datetime:
    day = clock.local_today() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _open_day(space: Space, days: int = FAR) -> int:
    while str((clock.local_today() + dt.timedelta(days=days)).isoweekday()) not in space.open_weekdays:
        days += 1
    return days


def _street_hall() -> Space:
    return Space.objects.get(kind=SpaceKind.PARTY_CENTRE, capacity=80)


def _body(space: Space, hour: int = 9, hours: int = 2, **kw: object) -> dict[str, object]:
    days = _open_day(space)
    return {
        "starts_at": _at(days, hour).isoformat(),
        "ends_at": _at(days, hour + hours).isoformat(),
        "purpose": "org_life",
        "title": "主题党日",
        "organiser": "演示小区党支部",
        "attendees": 20,
        **kw,
    }


def test_catalogue_lists_the_seeded_spaces_with_usage(api_as) -> None:
    spaces = api_as("citizen").get("/api/v1/volunteers/spaces").json()
    assert len(spaces) == Space.objects.filter(is_active=True).count() >= 3
    hall = next(s for s in spaces if s["id"] == _street_hall().pk)
    assert hall["capacity"] == 80
    assert hall["month_open_hours"] > 0
    assert any(s["month_booked_hours"] > 0 for s in spaces)


def test_anonymous_gets_401(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/volunteers/spaces").status_code == 401


def test_branch_books_then_street_staff_approves_and_the_calendar_shows_it(api_as) -> None:
    space = _street_hall()
    branch = api_as("branch_secretary")
    response = branch.post_json(f"/api/v1/volunteers/spaces/{space.pk}/bookings", _body(space))
    assert response.status_code == 201, response.content
    booking = response.json()
    assert booking["status"] == "pending"
    assert booking["hours"] == 2
    assert [m["action"] for m in booking["moves"]] == ["cancel"]
    assert BookingSlot.objects.filter(booking_id=booking["id"]).count() == 2

    staff = api_as("street_staff")
    detail = staff.get(f"/api/v1/volunteers/bookings/{booking['id']}").json()
    assert {m["action"] for m in detail["moves"]} == {"approve", "reject", "cancel"}
    moved = staff.post_json(f"/api/v1/volunteers/bookings/{booking['id']}/approve", {})
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "approved"

    start = (clock.local_today() + dt.timedelta(days=_open_day(space))).isoformat()
    calendar = api_as("citizen").get(f"/api/v1/volunteers/spaces/{space.pk}", {"start": start, "days": 1})
    shown = next(b for b in calendar.json()["bookings"] if b["id"] == booking["id"])
    assert shown["title"] == "主题党日"
    assert shown["booker"] is None  # a resident sees who uses the room, not who booked it
    assert shown["moves"] == []


def test_a_second_booking_of_an_overlapping_slot_is_refused_naming_the_clash(api_as) -> None:
    space = _street_hall()
    first = api_as("branch_secretary").post_json(
        f"/api/v1/volunteers/spaces/{space.pk}/bookings", _body(space)
    )
    assert first.status_code == 201
    second = api_as("citizen").post_json(
        f"/api/v1/volunteers/spaces/{space.pk}/bookings",
        _body(space, hour=10, hours=1, organiser="楼栋居民", title="读书会"),
    )
    assert second.status_code == 409
    assert "演示小区党支部" in second.json()["detail"]
    assert "主题党日" in second.json()["detail"]
    assert Booking.objects.filter(space=space, title="读书会").count() == 0


def test_closed_hours_and_capacity_are_409(api_as) -> None:
    space = _street_hall()
    client = api_as("citizen")
    url = f"/api/v1/volunteers/spaces/{space.pk}/bookings"
    late = client.post_json(url, _body(space, hour=20, hours=2))
    assert late.status_code == 409
    assert "开放时间" in late.json()["detail"]
    crowd = client.post_json(url, _body(space, attendees=81))
    assert crowd.status_code == 409
    assert "80" in crowd.json()["detail"]
    assert not Booking.objects.filter(space=space, starts_at__gte=_at(FAR - 1, 0)).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": " "}, "title"),
        ({"purpose": "party"}, "purpose"),
        ({"attendees": 0}, "attendees"),
        ({"starts_at": "2020-01-01T09:00:00+08:00", "ends_at": "2020-01-01T10:00:00+08:00"}, "starts_at"),
    ],
)
def test_bad_input_is_422_naming_the_field(api_as, change: dict[str, object], field: str) -> None:
    space = _street_hall()
    response = api_as("citizen").post_json(
        f"/api/v1/volunteers/spaces/{space.pk}/bookings", _body(space, **change)
    )
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]


def test_minutes_and_reversed_times_are_422(api_as) -> None:
    space = _street_hall()
    body = _body(space)
    start = dt.datetime.fromisoformat(str(body["starts_at"]))
    url = f"/api/v1/volunteers/spaces/{space.pk}/bookings"
    client = api_as("citizen")
    odd = client.post_json(url, {**body, "starts_at": (start + dt.timedelta(minutes=30)).isoformat()})
    assert "starts_at" in odd.json()["errors"]
    back = client.post_json(url, {**body, "ends_at": start.isoformat()})
    assert back.status_code == 422
    assert "ends_at" in back.json()["errors"]


def test_cancel_frees_the_hours_and_moves_are_guarded(api_as) -> None:
    space = _street_hall()
    citizen = api_as("citizen")
    url = f"/api/v1/volunteers/spaces/{space.pk}/bookings"
    booking = citizen.post_json(url, _body(space)).json()
    assert citizen.post_json(f"/api/v1/volunteers/bookings/{booking['id']}/approve", {}).status_code == 403
    cancelled = citizen.post_json(f"/api/v1/volunteers/bookings/{booking['id']}/cancel", {})
    assert cancelled.json()["status"] == "cancelled"
    assert not BookingSlot.objects.filter(booking_id=booking["id"]).exists()
    again = citizen.post_json(f"/api/v1/volunteers/bookings/{booking['id']}/cancel", {})
    assert again.status_code == 409
    # the hours are free again
    assert citizen.post_json(url, _body(space)).status_code == 201


def test_reject_needs_a_reason(api_as) -> None:
    space = _street_hall()
    booking = (
        api_as("branch_secretary")
        .post_json(f"/api/v1/volunteers/spaces/{space.pk}/bookings", _body(space))
        .json()
    )
    staff = api_as("street_staff")
    url = f"/api/v1/volunteers/bookings/{booking['id']}/reject"
    assert "reason" in staff.post_json(url, {}).json()["errors"]
    rejected = staff.post_json(url, {"reason": "当天有区级会议"})
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["note"] == "当天有区级会议"


def test_other_people_and_other_owners_get_404(api_as) -> None:
    space = _street_hall()
    booking = (
        api_as("branch_secretary")
        .post_json(f"/api/v1/volunteers/spaces/{space.pk}/bookings", _body(space))
        .json()
    )
    for persona in ("citizen", "party_member", "grid_worker", "community_staff", "department_staff"):
        client = api_as(persona)
        assert client.get(f"/api/v1/volunteers/bookings/{booking['id']}").status_code == 404, persona
        moved = client.post_json(f"/api/v1/volunteers/bookings/{booking['id']}/cancel", {})
        assert moved.status_code == 404, persona
        assert booking["id"] not in [b["id"] for b in client.get("/api/v1/volunteers/bookings").json()]
    assert Booking.objects.get(pk=booking["id"]).status == BookingStatus.PENDING
    assert api_as("citizen").get("/api/v1/volunteers/spaces/999999").status_code == 404


def test_a_space_without_approval_confirms_at_once(api_as) -> None:
    space = Space.objects.get(kind=SpaceKind.UNIT_ROOM)
    response = api_as("citizen").post_json(
        f"/api/v1/volunteers/spaces/{space.pk}/bookings", _body(space, hour=9, hours=1, attendees=10)
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "approved"


def test_usage_counts_only_confirmed_hours(api_as) -> None:
    space = _street_hall()
    detail = api_as("street_staff").get(f"/api/v1/volunteers/spaces/{space.pk}").json()
    usage = detail["usage"]
    assert detail["is_owner"] is True
    since = timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(usage["since"]), dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(usage["until"]), dt.time.min))
    expected = BookingSlot.objects.filter(
        space=space, hour__gte=since, hour__lt=until, booking__status=BookingStatus.APPROVED
    ).count()
    assert usage["booked_hours"] == expected > 0
    assert sum(usage["by_purpose"].values()) == expected
    assert 0 < usage["rate"] <= 100


def test_the_catalogue_and_the_booking_list_take_a_fixed_number_of_queries(
    api_as, django_assert_max_num_queries
) -> None:
    staff = api_as("street_staff")
    staff.get("/api/v1/volunteers/spaces")  # the session and the scope warm up
    with django_assert_max_num_queries(12):
        spaces = staff.get("/api/v1/volunteers/spaces").json()
    assert len(spaces) >= 3
    with django_assert_max_num_queries(12):
        bookings = staff.get("/api/v1/volunteers/bookings").json()
    assert len(bookings) > 10  # the street's hall and activity room, with their moves
