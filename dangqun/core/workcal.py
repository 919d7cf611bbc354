"""The working calendar (工作日, 调休) and deadline arithmetic in working time.

Which days are workdays
    An administrator's ``WorkCalendarDay`` row for the date wins. Without one, the
    ``chinese_calendar`` package decides (public holidays and make-up workdays as the State Council
    publishes them). For a year the package does not cover yet, Monday to Friday are workdays:
    add override rows for that year's holidays until the package is upgraded.

Working time
    ``settings.DANGQUN["WORKDAY_HOURS"]`` lists the working spans of every workday as
    ``(start_hour, start_minute, end_hour, end_minute)`` in local wall-clock time
    (``settings.TIME_ZONE``), e.g. ``((8, 30, 12, 0), (13, 0, 17, 30))``: eight hours with a lunch
    break. Spans are half-open (``[08:30, 12:00)``), so 12:00 and 17:30 are outside working time.
    Time is measured on the wall clock: a day always holds the same working time.

Conventions
    Every function takes timezone-aware datetimes (a naive one raises ``ValueError``) and returns
    datetimes in ``settings.TIME_ZONE``. Arithmetic is done in whole microseconds, so
    ``working_seconds_between(a, add_working_hours(a, h))`` is exactly ``h`` hours. A deadline that
    falls where one span ends and the next begins is given as the end of the earlier span (17:30
    of one workday rather than 08:30 of the next; 12:00 rather than 13:00).

Cost
    Each year is turned into a table of workday flags and running counts, built once per process
    with one query for that year's override rows; a deadline 30 working days away is a few table
    look-ups, not a walk over minutes or days. ``workcal_day_set`` clears the table cache of the
    writing process after commit; other processes notice a change within
    ``settings.DANGQUN["WORKCAL_CHECK_SECONDS"]`` (default 60) through one cheap aggregate query.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import math
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import chinese_calendar
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dangqun.core.audit import record_event
from dangqun.core.errors import ConflictError
from dangqun.core.events import CoreEvent
from dangqun.core.models import WorkCalendarDay

__all__ = [
    "DeadlineLight",
    "add_working_days",
    "add_working_hours",
    "deadline_light",
    "default_is_workday",
    "invalidate_workcal_cache",
    "is_workday",
    "next_working_moment",
    "workcal_day_set",
    "workday_seconds",
    "working_seconds_between",
]

_US = 1_000_000  # microseconds per second: all arithmetic below is in whole microseconds
_DAY_US = 86_400 * _US
_ONE_DAY = dt.timedelta(days=1)
_DEFAULT_WORKDAY_HOURS = ((8, 30, 12, 0), (13, 0, 17, 30))
_DEFAULT_YELLOW_FRACTION = 0.25
_DEFAULT_CHECK_SECONDS = 60.0


class DeadlineLight(models.TextChoices):
    GREEN = "green", _("正常")
    YELLOW = "yellow", _("临期")
    RED = "red", _("超期")


def _setting(name: str, default: Any) -> Any:
    return settings.DANGQUN.get(name, default)


# --- working spans of a day -------------------------------------------------------------------


@dataclass(frozen=True)
class _Spans:
    """The working spans of a workday as ``(start, end)`` microseconds after local midnight."""

    bounds: tuple[tuple[int, int], ...]
    day_us: int

    @property
    def first_start(self) -> int:
        return self.bounds[0][0]

    @property
    def last_end(self) -> int:
        return self.bounds[-1][1]

    def worked_before(self, offset: int) -> int:
        """Working time of a workday that lies before ``offset``."""
        total = 0
        for start, end in self.bounds:
            if offset <= start:
                break
            total += min(offset, end) - start
        return total

    def offset_for(self, worked: int) -> int:
        """The earliest offset at which ``worked`` (``0 <= worked <= day_us``) has been worked."""
        for start, end in self.bounds:
            if worked <= end - start:
                return start + worked
            worked -= end - start
        return self.last_end

    def working_offset_from(self, offset: int) -> int | None:
        """``offset`` if it is inside a span, else the next span start that day (``None``: none left)."""
        for start, end in self.bounds:
            if offset < end:
                return max(offset, start)
        return None


@lru_cache(maxsize=8)
def _parse_spans(raw: tuple[tuple[int, ...], ...]) -> _Spans:
    bounds: list[tuple[int, int]] = []
    previous_end = 0
    for span in raw:
        if len(span) != 4 or not all(isinstance(part, int) for part in span):
            raise ImproperlyConfigured(
                f"DANGQUN['WORKDAY_HOURS']: spans are (hour, minute, hour, minute), got {span!r}"
            )
        h1, m1, h2, m2 = span
        if not (0 <= m1 < 60 and 0 <= m2 < 60 and 0 <= h1 <= 24 and 0 <= h2 <= 24):
            raise ImproperlyConfigured(f"DANGQUN['WORKDAY_HOURS']: not a time of day in {span!r}")
        start, end = (h1 * 60 + m1) * 60 * _US, (h2 * 60 + m2) * 60 * _US
        if not (previous_end <= start < end <= _DAY_US):
            raise ImproperlyConfigured(
                f"DANGQUN['WORKDAY_HOURS']: spans must be in order, not overlap and end by 24:00 ({span!r})"
            )
        bounds.append((start, end))
        previous_end = end
    if not bounds:
        raise ImproperlyConfigured("DANGQUN['WORKDAY_HOURS'] must list at least one span")
    return _Spans(bounds=tuple(bounds), day_us=sum(end - start for start, end in bounds))


def _spans() -> _Spans:
    raw = _setting("WORKDAY_HOURS", _DEFAULT_WORKDAY_HOURS)
    try:
        key = tuple(tuple(span) for span in raw)
    except TypeError as exc:
        raise ImproperlyConfigured("DANGQUN['WORKDAY_HOURS'] must be a sequence of 4-tuples") from exc
    return _parse_spans(key)


def workday_seconds() -> float:
    """Working seconds in one workday (28,800 for the default 8 hours)."""
    return _spans().day_us / _US


# --- per-year workday tables ------------------------------------------------------------------


@dataclass(frozen=True)
class _Year:
    flags: bytes  # flags[i] == 1 when day i (0 = 1 January) is a workday
    prefix: tuple[int, ...]  # prefix[i] = workdays among days 0 .. i-1; prefix[-1] = the year's total

    @property
    def total(self) -> int:
        return self.prefix[-1]


class _Cache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.years: dict[int, _Year] = {}
        self.version: tuple[int, str] | None = None
        self.checked_at = -math.inf
        self.generation = 0


_cache = _Cache()


def default_is_workday(day: dt.date) -> bool:
    """What the calendar says without override rows: the package, else Monday to Friday."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def _build_year(year: int) -> _Year:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    overrides = dict(
        WorkCalendarDay.objects.filter(date__gte=first, date__lte=last).values_list("date", "is_workday")
    )
    flags = bytearray()
    prefix = [0]
    for index in range(366 if calendar.isleap(year) else 365):
        day = first + dt.timedelta(days=index)
        flag = overrides[day] if day in overrides else default_is_workday(day)
        flags.append(1 if flag else 0)
        prefix.append(prefix[-1] + flags[-1])
    return _Year(flags=bytes(flags), prefix=tuple(prefix))


def _calendar_version() -> tuple[int, str]:
    row = WorkCalendarDay.objects.aggregate(rows=Count("id"), last=Max("updated_at"))
    return row["rows"], row["last"].isoformat() if row["last"] else ""


def _refresh_if_due() -> None:
    """Drop the tables when another process changed the override rows (checked every few seconds)."""
    check_seconds = float(_setting("WORKCAL_CHECK_SECONDS", _DEFAULT_CHECK_SECONDS))
    if time.monotonic() - _cache.checked_at < check_seconds:
        return
    version = _calendar_version()
    with _cache.lock:
        if version != _cache.version:
            _cache.years = {}
            _cache.version = version
            _cache.generation += 1
        _cache.checked_at = time.monotonic()


def invalidate_workcal_cache() -> None:
    """Forget every year table; the next call re-reads the override rows."""
    with _cache.lock:
        _cache.years = {}
        _cache.version = None
        _cache.checked_at = -math.inf
        _cache.generation += 1


def _year(year: int) -> _Year:
    table = _cache.years.get(year)
    if table is None:
        if not dt.MINYEAR <= year <= dt.MAXYEAR:
            raise ValueError(f"working time beyond the supported calendar (year {year})")
        generation = _cache.generation
        table = _build_year(year)
        with _cache.lock:
            if _cache.generation == generation:
                _cache.years[year] = table
    return table


def _flag(day: dt.date) -> bool:
    return bool(_year(day.year).flags[day.timetuple().tm_yday - 1])


def _rank_before(day: dt.date) -> int:
    """Workdays in ``day``'s year before ``day``."""
    return _year(day.year).prefix[day.timetuple().tm_yday - 1]


def _nth_workday(day: dt.date, n: int) -> dt.date:
    """The first workday on or after ``day`` when ``n == 0``; the n-th workday after that one otherwise."""
    year, rank = day.year, _rank_before(day) + n
    table = _year(year)
    while rank >= table.total:
        rank -= table.total
        year += 1
        table = _year(year)
    index = bisect.bisect_left(table.prefix, rank + 1) - 1
    return dt.date(year, 1, 1) + dt.timedelta(days=index)


def _workdays_between(first: dt.date, last: dt.date) -> int:
    """Workdays in ``[first, last)`` (``first <= last``)."""
    if first.year == last.year:
        return _rank_before(last) - _rank_before(first)
    count = _year(first.year).total - _rank_before(first)
    for year in range(first.year + 1, last.year):
        count += _year(year).total
    return count + _rank_before(last)


def _next_day(day: dt.date) -> dt.date:
    try:
        return day + _ONE_DAY
    except OverflowError as exc:
        raise ValueError("working time beyond the supported calendar") from exc


# --- conversions ------------------------------------------------------------------------------


def _local(value: dt.datetime, name: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if timezone.is_naive(value):
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")
    return value.astimezone(timezone.get_default_timezone())


def _offset(local: dt.datetime) -> int:
    return ((local.hour * 60 + local.minute) * 60 + local.second) * _US + local.microsecond


def _at(day: dt.date, offset: int) -> dt.datetime:
    midnight = dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())
    # Adding a timedelta to an aware datetime is wall-clock arithmetic: 08:30 stays 08:30.
    return midnight + dt.timedelta(microseconds=offset)


def _position(local: dt.datetime) -> tuple[dt.date, int]:
    """The workday on which working time next runs at ``local``, and the time worked that day before it."""
    spans = _spans()
    day = local.date()
    if _flag(day):
        worked = spans.worked_before(_offset(local))
        if worked < spans.day_us:
            return day, worked
    return _nth_workday(_next_day(day), 0), 0


def _worked_upto(local: dt.datetime) -> tuple[dt.date, int]:
    """``local``'s date and the working time of that date before ``local`` (0 on a day off)."""
    day = local.date()
    return day, _spans().worked_before(_offset(local)) if _flag(day) else 0


def _hours_to_us(hours: float) -> int:
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not math.isfinite(hours):
        raise ValueError(f"hours must be a finite number, got {hours!r}")
    if hours < 0:
        raise ValueError(f"hours must not be negative, got {hours!r}")
    return round(hours * 3600 * _US)


# --- public functions -------------------------------------------------------------------------


def is_workday(day: dt.date) -> bool:
    """Whether ``day`` is a workday (override row, else the package, else Monday to Friday).

    An aware datetime is taken at its local date; a naive datetime raises ``ValueError``.
    """
    if isinstance(day, dt.datetime):
        day = _local(day, "day").date()
    elif not isinstance(day, dt.date):
        raise TypeError(f"day must be a date, got {type(day).__name__}")
    _refresh_if_due()
    return _flag(day)


def next_working_moment(value: dt.datetime) -> dt.datetime:
    """``value`` itself when it is working time, else the start of the next working span."""
    local = _local(value, "value")
    _refresh_if_due()
    spans = _spans()
    day = local.date()
    if _flag(day):
        offset = _offset(local)
        working = spans.working_offset_from(offset)
        if working == offset:
            return local
        if working is not None:
            return _at(day, working)
    return _at(_nth_workday(_next_day(day), 0), spans.first_start)


def add_working_hours(start: dt.datetime, hours: float) -> dt.datetime:
    """The moment at which ``hours`` of working time have passed since ``start``.

    Only time inside the working spans of workdays counts; from a ``start`` outside working time
    the count begins at the next span's start. The result is the earliest such moment, so a
    deadline that ends a span is given as that span's end (17:30, not 08:30 the next workday).
    ``hours == 0`` gives ``next_working_moment(start)``. Negative hours raise ``ValueError``.
    """
    amount = _hours_to_us(hours)
    local = _local(start, "start")
    if amount == 0:
        return next_working_moment(local)
    _refresh_if_due()
    spans = _spans()
    day, worked = _position(local)
    whole_days, rest = divmod(worked + amount, spans.day_us)
    if rest == 0:
        whole_days, rest = whole_days - 1, spans.day_us
    return _at(_nth_workday(day, whole_days), spans.offset_for(rest))


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """The deadline ``days`` workdays after ``start``.

    The exact rule. Let ``s = next_working_moment(start)`` (``start`` itself inside working time,
    else the start of the next working span, which may be after the lunch break of the same day).

    - ``days == 0``: ``s``.
    - ``s`` is the start of its day's first span (08:30): the end of the last span (17:30) of the
      ``days``-th workday counting ``s``'s day as the first. A request that arrives at 19:00 on
      Friday with one working day is due at 17:30 on Monday, not at 08:30 on Tuesday.
    - otherwise: the same local clock time as ``s`` on the ``days``-th workday after ``s``'s day.
      A request at 15:00 on 30 September 2026 with five working days is due at 15:00 on
      13 October (8, 9, 10 (the 调休 Saturday), 12, 13 October).

    The result always lies inside the workday's spans (every workday has the same spans, so no
    clamping is ever needed), and in working time it is exactly ``days`` × ``workday_seconds()``
    after ``start``: ``working_seconds_between(start, result) == days * workday_seconds()``.
    """
    if isinstance(days, bool) or not isinstance(days, int):
        raise ValueError(f"days must be an integer, got {days!r}")
    if days < 0:
        raise ValueError(f"days must not be negative, got {days!r}")
    begin = next_working_moment(start)
    if days == 0:
        return begin
    spans = _spans()
    offset = _offset(begin)
    if offset == spans.first_start:
        return _at(_nth_workday(begin.date(), days - 1), spans.last_end)
    return _at(_nth_workday(begin.date(), days), offset)


def working_seconds_between(a: dt.datetime, b: dt.datetime) -> float:
    """Working seconds from ``a`` to ``b``; negative when ``b`` is before ``a``."""
    local_a, local_b = _local(a, "a"), _local(b, "b")
    if local_b < local_a:
        return -working_seconds_between(local_b, local_a)
    _refresh_if_due()
    day_a, worked_a = _worked_upto(local_a)
    day_b, worked_b = _worked_upto(local_b)
    total = _workdays_between(day_a, day_b) * _spans().day_us + worked_b - worked_a
    return total / _US


def yellow_fraction() -> float:
    fraction = _setting("YELLOW_FRACTION", _DEFAULT_YELLOW_FRACTION)
    if isinstance(fraction, bool) or not isinstance(fraction, int | float) or not 0 <= fraction <= 1:
        raise ImproperlyConfigured(f"DANGQUN['YELLOW_FRACTION'] must be a number in [0, 1], got {fraction!r}")
    return float(fraction)


def deadline_light(now: dt.datetime, due_at: dt.datetime, total_seconds: float) -> str:
    """The light of a deadline: ``"red"`` past due, ``"yellow"`` when less than
    ``DANGQUN["YELLOW_FRACTION"]`` (default 0.25) of the ``total_seconds`` of working time allowed
    is left, else ``"green"``. Returns a ``DeadlineLight`` member (a ``str``).
    """
    if isinstance(total_seconds, bool) or not isinstance(total_seconds, int | float):
        raise ValueError(f"total_seconds must be a number, got {total_seconds!r}")
    if not math.isfinite(total_seconds) or total_seconds < 0:
        raise ValueError(f"total_seconds must be finite and not negative, got {total_seconds!r}")
    local_now, local_due = _local(now, "now"), _local(due_at, "due_at")
    if local_now > local_due:
        return DeadlineLight.RED
    if working_seconds_between(local_now, local_due) < yellow_fraction() * total_seconds:
        return DeadlineLight.YELLOW
    return DeadlineLight.GREEN


# --- the one write: an administrator's override -----------------------------------------------


def _row_state(row: WorkCalendarDay) -> dict[str, Any]:
    return {"is_workday": row.is_workday, "name": row.name, "note": row.note}


@transaction.atomic
def workcal_day_set(
    *, actor: Any, date: dt.date, is_workday: bool, name: str, note: str = ""
) -> WorkCalendarDay:
    """Make ``date`` a workday or a day off whatever the package says; audited; caches cleared on commit."""
    if isinstance(date, dt.datetime) or not isinstance(date, dt.date):
        raise ValidationError({"date": gettext("请填写日期(年-月-日),不含时间")})
    if not isinstance(is_workday, bool):
        raise ValidationError({"is_workday": gettext("请选择是否工作日")})
    row = WorkCalendarDay.objects.select_for_update().filter(date=date).first()
    previous = None if row is None else _row_state(row)
    if row is None:
        row = WorkCalendarDay(date=date)
    row.is_workday, row.name, row.note = is_workday, name, note
    if previous is not None and _row_state(row) == previous:
        return row
    row.full_clean()
    try:
        with transaction.atomic():
            if previous is None:
                row.save()
            else:
                row.save(update_fields=["is_workday", "name", "note", "updated_at"])
    except IntegrityError as exc:
        raise ConflictError(
            gettext("%(date)s 的工作日历刚被他人设置,请刷新后重试") % {"date": format(date, "%Y-%m-%d")}
        ) from exc
    record_event(
        actor=actor,
        event_type=CoreEvent.CALENDAR_DAY_SET,
        target=row,
        data={
            "date": date.isoformat(),
            **_row_state(row),
            "previous": previous,
            "default_is_workday": default_is_workday(date),
        },
    )
    transaction.on_commit(invalidate_workcal_cache)
    return row
