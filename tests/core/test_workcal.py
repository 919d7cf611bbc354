"""The working calendar: holidays and 调休 from the package, admin overrides, deadlines in working time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from dangqun.accounts.models import User
from dangqun.core import workcal
from dangqun.core.models import AuditEvent, WorkCalendarDay
from dangqun.core.workcal import (
    add_working_days,
    add_working_hours,
    deadline_light,
    is_workday,
    next_working_moment,
    workcal_day_set,
    workday_seconds,
    working_seconds_between,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOUR = 3600.0
WORKDAY_HOURS = ((8, 30, 12, 0), (13, 0, 17, 30))
DAY = 8 * HOUR


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def fresh_calendar(settings) -> Iterator[None]:
    """Pin the working spans (08:30–12:00, 13:00–17:30: 8 h) and drop the per-process year tables
    around each test (a test's rows are rolled back)."""
    settings.DANGQUN = {**settings.DANGQUN, "WORKDAY_HOURS": WORKDAY_HOURS}
    workcal.invalidate_workcal_cache()
    yield
    workcal.invalidate_workcal_cache()


@pytest.fixture
def admin_user() -> User:
    return User.objects.create_superuser(
        username="cal-admin", password="Cal-admin-2026!", display_name="日历管理员"
    )


# --- the package's calendar -------------------------------------------------------------------


def test_national_day_2026_is_oct_1_to_7_with_make_up_sunday_sep_20_and_saturday_oct_10() -> None:
    holidays = [dt.date(2026, 10, d) for d in range(1, 8)]
    make_up = [dt.date(2026, 9, 20), dt.date(2026, 10, 10)]

    assert [chinese_calendar.is_workday(d) for d in holidays] == [False] * 7
    assert [chinese_calendar.is_workday(d) for d in make_up] == [True, True]
    assert [is_workday(d) for d in holidays] == [False] * 7
    assert [is_workday(d) for d in make_up] == [True, True]
    assert make_up[0].weekday() == 6
    assert make_up[1].weekday() == 5
    assert is_workday(dt.date(2026, 10, 8))
    assert not is_workday(dt.date(2026, 10, 11))


def test_five_working_days_from_sep_30_afternoon_count_the_make_up_saturday() -> None:
    start = at(2026, 9, 30, 15, 0)

    due = add_working_days(start, 5)

    # Oct 8 (Thu), 9 (Fri), 10 (调休 Sat), 12 (Mon), 13 (Tue).
    assert due == at(2026, 10, 13, 15, 0)
    assert working_seconds_between(start, due) == 5 * DAY
    assert add_working_hours(start, 40) == at(2026, 10, 13, 15, 0)


def test_working_time_across_national_day_2026_skips_the_holiday_week() -> None:
    assert working_seconds_between(at(2026, 9, 30, 17, 0), at(2026, 10, 8, 9, 0)) == 0.5 * HOUR + 0.5 * HOUR
    assert next_working_moment(at(2026, 10, 3, 10, 0)) == at(2026, 10, 8, 8, 30)


def test_spring_festival_2026_holidays_and_make_up_saturdays() -> None:
    festival = [dt.date(2026, 2, d) for d in (16, 17, 18, 19, 20, 23)]

    assert not any(is_workday(d) for d in festival)
    assert is_workday(dt.date(2026, 2, 14))  # Saturday before
    assert is_workday(dt.date(2026, 2, 28))  # Saturday after
    # From Friday 13 Feb: the make-up Saturday is day 1, Tuesday 24 Feb is day 2.
    assert add_working_days(at(2026, 2, 13, 10, 0), 2) == at(2026, 2, 24, 10, 0)


def test_weekend_does_not_count() -> None:
    friday = at(2026, 3, 13, 16, 30)

    assert not is_workday(dt.date(2026, 3, 14))
    assert not is_workday(dt.date(2026, 3, 15))
    assert add_working_hours(friday, 2) == at(2026, 3, 16, 9, 30)
    assert working_seconds_between(friday, at(2026, 3, 16, 9, 30)) == 2 * HOUR


def test_uncovered_year_falls_back_to_monday_to_friday() -> None:
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(dt.date(2099, 1, 1))

    assert is_workday(dt.date(2099, 1, 1))  # a Thursday: no holiday data for 2099
    assert not is_workday(dt.date(2099, 1, 3))  # Saturday
    assert add_working_days(at(2099, 1, 2, 10, 0), 1) == at(2099, 1, 5, 10, 0)


def test_deadline_crossing_into_an_uncovered_year() -> None:
    start = at(2098, 12, 31, 10, 0)  # Wednesday

    due = add_working_days(start, 3)

    assert due == at(2099, 1, 5, 10, 0)  # Thu 1, Fri 2, Mon 5 January 2099
    assert working_seconds_between(start, due) == 3 * DAY


# --- working hours ----------------------------------------------------------------------------


def test_start_outside_working_hours_counts_from_the_next_span() -> None:
    assert add_working_hours(at(2026, 3, 16, 7, 0), 1) == at(2026, 3, 16, 9, 30)  # before work
    assert add_working_hours(at(2026, 3, 16, 20, 0), 1) == at(2026, 3, 17, 9, 30)  # evening
    assert add_working_hours(at(2026, 3, 14, 10, 0), 1) == at(2026, 3, 16, 9, 30)  # Saturday
    assert next_working_moment(at(2026, 3, 16, 7, 0)) == at(2026, 3, 16, 8, 30)
    assert next_working_moment(at(2026, 3, 16, 17, 30)) == at(2026, 3, 17, 8, 30)
    assert next_working_moment(at(2026, 3, 16, 9, 15)) == at(2026, 3, 16, 9, 15)
    assert working_seconds_between(at(2026, 3, 14, 10, 0), at(2026, 3, 15, 23, 0)) == 0


def test_lunch_break_does_not_count() -> None:
    assert add_working_hours(at(2026, 3, 16, 11, 30), 1) == at(2026, 3, 16, 13, 30)
    assert add_working_hours(at(2026, 3, 16, 12, 15), 1) == at(2026, 3, 16, 14, 0)
    assert next_working_moment(at(2026, 3, 16, 12, 0)) == at(2026, 3, 16, 13, 0)
    assert working_seconds_between(at(2026, 3, 16, 11, 0), at(2026, 3, 16, 14, 0)) == 2 * HOUR
    assert working_seconds_between(at(2026, 3, 16, 12, 10), at(2026, 3, 16, 12, 50)) == 0


def test_deadline_at_a_span_boundary_is_the_end_of_the_earlier_span() -> None:
    monday = at(2026, 3, 16, 8, 30)

    assert add_working_hours(monday, 3.5) == at(2026, 3, 16, 12, 0)
    assert add_working_hours(monday, 8) == at(2026, 3, 16, 17, 30)
    assert add_working_hours(monday, 16) == at(2026, 3, 17, 17, 30)
    assert add_working_days(monday, 1) == at(2026, 3, 16, 17, 30)


def test_working_days_from_after_hours_end_at_close_of_the_last_day() -> None:
    friday_evening = at(2026, 3, 13, 19, 0)

    assert add_working_days(friday_evening, 1) == at(2026, 3, 16, 17, 30)
    assert add_working_days(friday_evening, 2) == at(2026, 3, 17, 17, 30)
    assert add_working_days(friday_evening, 0) == at(2026, 3, 16, 8, 30)
    # From the lunch break the count starts at 13:00 and keeps that clock time.
    assert add_working_days(at(2026, 3, 16, 12, 30), 1) == at(2026, 3, 17, 13, 0)


def test_working_seconds_between_is_negative_backwards() -> None:
    a, b = at(2026, 3, 16, 9, 0), at(2026, 3, 17, 9, 0)

    assert working_seconds_between(a, b) == DAY
    assert working_seconds_between(b, a) == -DAY


def test_results_are_in_local_time_whatever_the_input_zone() -> None:
    start = dt.datetime(2026, 3, 16, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai

    due = add_working_hours(start, 1)

    assert due == at(2026, 3, 16, 10, 0)
    assert due.utcoffset() == dt.timedelta(hours=8)


def test_naive_datetimes_are_rejected() -> None:
    naive = dt.datetime(2026, 3, 16, 9, 0)  # noqa: DTZ001 - the point of the test

    with pytest.raises(ValueError, match="timezone-aware"):
        add_working_hours(naive, 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        add_working_days(naive, 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        working_seconds_between(naive, at(2026, 3, 16))
    with pytest.raises(ValueError, match="timezone-aware"):
        next_working_moment(naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        deadline_light(naive, at(2026, 3, 16), DAY)
    with pytest.raises(ValueError, match="timezone-aware"):
        is_workday(naive)


def test_bad_amounts_are_rejected() -> None:
    start = at(2026, 3, 16, 9, 0)

    with pytest.raises(ValueError, match="negative"):
        add_working_hours(start, -1)
    with pytest.raises(ValueError, match="finite"):
        add_working_hours(start, float("nan"))
    with pytest.raises(ValueError, match="negative"):
        add_working_days(start, -2)
    with pytest.raises(ValueError, match="integer"):
        add_working_days(start, 1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not negative"):
        deadline_light(start, start, -1)


def test_working_hours_come_from_settings(settings) -> None:
    settings.DANGQUN = {**settings.DANGQUN, "WORKDAY_HOURS": ((9, 0, 17, 0),)}

    assert workday_seconds() == 8 * HOUR
    assert add_working_hours(at(2026, 3, 16, 12, 30), 1) == at(2026, 3, 16, 13, 30)
    assert next_working_moment(at(2026, 3, 16, 8, 45)) == at(2026, 3, 16, 9, 0)


@pytest.mark.parametrize(
    "hours",
    [((8, 30, 12, 0), (11, 0, 17, 0)), ((17, 0, 9, 0),), ((8, 70, 12, 0),), ((8, 30, 12),), ()],
)
def test_bad_working_hours_setting_is_reported(settings, hours) -> None:
    settings.DANGQUN = {**settings.DANGQUN, "WORKDAY_HOURS": hours}

    with pytest.raises(ImproperlyConfigured, match="WORKDAY_HOURS"):
        add_working_hours(at(2026, 3, 16, 9, 0), 1)


# --- deadline lights --------------------------------------------------------------------------


def test_deadline_light_green_yellow_red() -> None:
    start = at(2026, 3, 16, 8, 30)
    due = add_working_hours(start, 8)  # Monday 17:30

    assert deadline_light(at(2026, 3, 16, 10, 0), due, DAY) == "green"
    assert deadline_light(at(2026, 3, 16, 15, 30), due, DAY) == "green"  # exactly 25 % left
    assert deadline_light(at(2026, 3, 16, 15, 31), due, DAY) == "yellow"
    assert deadline_light(due, due, DAY) == "yellow"
    assert deadline_light(at(2026, 3, 16, 17, 31), due, DAY) == "red"


def test_yellow_fraction_comes_from_settings(settings) -> None:
    settings.DANGQUN = {**settings.DANGQUN, "YELLOW_FRACTION": 0.5}
    due = at(2026, 3, 16, 17, 30)

    assert deadline_light(at(2026, 3, 16, 14, 0), due, DAY) == "yellow"  # 3.5 h of 8 h left


def test_deadline_light_counts_only_working_time_left() -> None:
    due = at(2026, 3, 16, 10, 30)  # Monday; 16 working hours were allowed

    # Friday 17:00: 2.5 working hours left of 16 (the weekend does not count) → yellow.
    assert deadline_light(at(2026, 3, 13, 17, 0), due, 2 * DAY) == "yellow"
    assert deadline_light(at(2026, 3, 12, 17, 0), due, 2 * DAY) == "green"


# --- administrator overrides ------------------------------------------------------------------


def test_override_turns_a_monday_into_a_holiday_and_a_saturday_into_a_workday(
    admin_user: User, django_capture_on_commit_callbacks
) -> None:
    monday, saturday = dt.date(2026, 3, 16), dt.date(2026, 3, 21)
    assert is_workday(monday)  # the year table is now cached
    assert not is_workday(saturday)

    with django_capture_on_commit_callbacks(execute=True):
        workcal_day_set(actor=admin_user, date=monday, is_workday=False, name="防汛停工")
        workcal_day_set(actor=admin_user, date=saturday, is_workday=True, name="调休上班", note="区政府通知")

    assert not is_workday(monday)
    assert is_workday(saturday)
    assert add_working_days(at(2026, 3, 13, 10, 0), 2) == at(2026, 3, 18, 10, 0)  # Tue 17, Wed 18
    assert add_working_days(at(2026, 3, 20, 10, 0), 1) == at(2026, 3, 21, 10, 0)  # the Saturday
    assert working_seconds_between(at(2026, 3, 13, 9, 0), at(2026, 3, 17, 9, 0)) == DAY


def test_override_is_audited_with_the_previous_state(admin_user: User) -> None:
    day = dt.date(2026, 10, 10)

    workcal_day_set(actor=admin_user, date=day, is_workday=False, name="取消调休")
    row = workcal_day_set(actor=admin_user, date=day, is_workday=True, name="调休上班")

    events = list(AuditEvent.objects.filter(event_type="core.calendar_day_set").order_by("id"))
    assert [e.data["is_workday"] for e in events] == [False, True]
    assert events[0].data["previous"] is None
    assert events[0].data["default_is_workday"] is True
    assert events[1].data["previous"] == {"is_workday": False, "name": "取消调休", "note": ""}
    assert events[1].actor == admin_user
    assert events[1].target_id == str(row.pk)
    assert WorkCalendarDay.objects.filter(date=day).count() == 1


def test_setting_the_same_override_again_writes_nothing(admin_user: User) -> None:
    day = dt.date(2026, 3, 16)
    workcal_day_set(actor=admin_user, date=day, is_workday=False, name="停工")

    workcal_day_set(actor=admin_user, date=day, is_workday=False, name="停工")

    assert AuditEvent.objects.filter(event_type="core.calendar_day_set").count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"date": "2026-03-16", "is_workday": False, "name": "停工"}, "date"),
        ({"date": at(2026, 3, 16, 9), "is_workday": False, "name": "停工"}, "date"),
        ({"date": dt.date(2026, 3, 16), "is_workday": False, "name": ""}, "name"),
        ({"date": dt.date(2026, 3, 16), "is_workday": "no", "name": "停工"}, "is_workday"),
        ({"date": dt.date(2026, 3, 16), "is_workday": False, "name": "停" * 33}, "name"),
    ],
)
def test_bad_override_is_refused_and_nothing_is_written(admin_user: User, kwargs: dict, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        workcal_day_set(actor=admin_user, **kwargs)

    assert field in caught.value.message_dict
    assert not WorkCalendarDay.objects.exists()
    assert not AuditEvent.objects.filter(event_type="core.calendar_day_set").exists()


def test_another_process_change_is_seen_after_the_check_interval(settings) -> None:
    monday = dt.date(2026, 3, 16)
    assert is_workday(monday)
    # Another process wrote a row: this one learns of it at its next check.
    WorkCalendarDay.objects.create(date=monday, is_workday=False, name="停工")
    settings.DANGQUN = {**settings.DANGQUN, "WORKCAL_CHECK_SECONDS": 0}

    assert not is_workday(monday)


def test_admin_add_and_change_go_through_the_service(
    admin_user: User, django_capture_on_commit_callbacks
) -> None:
    client = Client()
    client.force_login(admin_user)
    assert is_workday(dt.date(2026, 3, 16))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:core_workcalendarday_add"),
            {"date": "2026-03-16", "name": "防汛停工", "note": ""},
        )
    assert response.status_code == 302, response.content[:800]
    row = WorkCalendarDay.objects.get(date=dt.date(2026, 3, 16))
    assert not row.is_workday
    assert not is_workday(dt.date(2026, 3, 16))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:core_workcalendarday_change", args=[row.pk]),
            {"is_workday": "on", "name": "恢复上班", "note": "通知撤销"},
        )
    assert response.status_code == 302, response.content[:800]
    assert is_workday(dt.date(2026, 3, 16))
    events = AuditEvent.objects.filter(event_type="core.calendar_day_set", actor=admin_user)
    assert events.count() == 2

    listing = client.get(reverse("admin:core_workcalendarday_changelist"))
    assert "恢复上班" in listing.content.decode()


def test_admin_refuses_a_second_row_for_the_same_date(admin_user: User) -> None:
    workcal_day_set(actor=admin_user, date=dt.date(2026, 3, 16), is_workday=False, name="停工")
    client = Client()
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:core_workcalendarday_add"),
        {"date": "2026-03-16", "is_workday": "on", "name": "上班"},
    )

    assert response.status_code == 200  # the form again, with the error
    assert WorkCalendarDay.objects.count() == 1


# --- cost -------------------------------------------------------------------------------------


def test_thirty_working_days_cost_no_query_once_the_year_is_loaded(django_assert_num_queries) -> None:
    start = at(2026, 9, 1, 10, 0)
    with django_assert_num_queries(2):  # the version check and the year 2026
        first = add_working_days(start, 30)

    with django_assert_num_queries(0):
        assert add_working_days(start, 30) == first
        assert working_seconds_between(start, first) == 30 * DAY
        add_working_hours(start, 240)


# --- properties -------------------------------------------------------------------------------

_PROPERTY_SETTINGS = hsettings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_starts = st.datetimes(
    min_value=dt.datetime(2025, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive by design
    max_value=dt.datetime(2027, 6, 30),  # noqa: DTZ001
    timezones=st.just(SHANGHAI),
)


@_PROPERTY_SETTINGS
@given(start=_starts, hours=st.floats(min_value=0, max_value=500, allow_nan=False))
def test_adding_hours_then_measuring_gives_the_hours_back(start: dt.datetime, hours: float) -> None:
    due = add_working_hours(start, hours)

    assert due >= start
    assert abs(working_seconds_between(start, due) - hours * HOUR) <= 1


@_PROPERTY_SETTINGS
@given(
    start=_starts,
    h1=st.floats(min_value=0, max_value=500, allow_nan=False),
    h2=st.floats(min_value=0, max_value=500, allow_nan=False),
)
def test_more_hours_never_give_an_earlier_deadline(start: dt.datetime, h1: float, h2: float) -> None:
    low, high = sorted((h1, h2))

    assert add_working_hours(start, low) <= add_working_hours(start, high)


@_PROPERTY_SETTINGS
@given(start=_starts, days=st.integers(min_value=0, max_value=60))
def test_working_days_are_whole_working_days_of_working_time(start: dt.datetime, days: int) -> None:
    due = add_working_days(start, days)

    assert working_seconds_between(start, due) == days * DAY
    assert due == next_working_moment(due) or due.time() in (dt.time(12, 0), dt.time(17, 30))
    assert add_working_days(start, days) <= add_working_days(start, days + 1)
