"""A living demo (``demo.calendar``, ``demo.live``): its calendar ends where it is anchored and moves
forward when seeded again on a later day; the cases open at its end read like a working district's;
``demo_tick`` (off unless set) brings new cases and moves open ones through the services."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections import Counter

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from dangqun.cases import selectors
from dangqun.cases.enums import CaseEventType, CaseStatus
from dangqun.cases.models import Case, CaseCodeCounter, CaseEvent, CaseTask
from dangqun.core.audit import record_event
from dangqun.demo.build_cases import demo_end, history_split
from dangqun.demo.calendar import anchor_end
from dangqun.demo.events import DemoEvent
from dangqun.demo.jobs import demo_tick
from dangqun.demo.live import demo_tick_run
from dangqun.demo.seed import active_demo, demo_seed, demo_seed_history
from tests.conftest import DEMO_CASE_SCALE, DEMO_SCALE, DEMO_SEED

OPEN = (CaseStatus.ACCEPTED, CaseStatus.DISPATCHED, CaseStatus.IN_PROGRESS)
EVENT_OF = {
    "accept": CaseEventType.ACCEPTED,
    "dispatch": CaseEventType.DISPATCHED,
    "sign": CaseEventType.SIGNED,
    "note": CaseEventType.NOTE,
    "resolve": CaseEventType.RESOLVED,
    "review": CaseEventType.REVIEWED,
    "rate": CaseEventType.RATED,
}


def _again(anchor: str) -> object:
    return demo_seed(
        actor=None,
        scale=DEMO_SCALE,
        seed=DEMO_SEED,
        case_scale=DEMO_CASE_SCALE,
        taxonomy="builtin",
        anchor=anchor,
    )


def test_the_suite_pins_the_anchor_and_the_marker_keeps_the_end(demo: None) -> None:
    assert settings.DANGQUN["DEMO_ANCHOR"] == "2026-11-22"
    assert demo_end() == anchor_end("2026-11-22")
    assert active_demo()["end"] == demo_end().isoformat()  # type: ignore[index]


def test_today_ends_at_the_current_hour_and_a_future_day_is_refused() -> None:
    end = anchor_end("today")
    now = timezone.localtime()

    assert end <= now < end + dt.timedelta(hours=1)
    assert (end.minute, end.second) == (0, 0)
    with pytest.raises(ValidationError, match="anchor"):
        anchor_end((now + dt.timedelta(days=2)).date())
    with pytest.raises(ValidationError, match="anchor"):
        anchor_end("yesterday")


def test_seeding_again_on_a_later_day_moves_the_whole_demo_forward(demo: None) -> None:
    before = {c.pk: (c.code, c.submitted_at, c.resolve_due_at) for c in Case.objects.all()}
    events_before = dict(CaseEvent.objects.values_list("pk", "created_at"))
    tasks_before = dict(CaseTask.objects.values_list("pk", "resolve_due_at"))
    week = dt.timedelta(days=7)

    result = _again("2026-11-29")

    assert result.created is False  # type: ignore[attr-defined]
    assert result.shifted_days == 7  # type: ignore[attr-defined]
    assert active_demo()["end"] == (demo_end() + week).isoformat()  # type: ignore[index]
    for case in Case.objects.all():
        code, submitted, due = before[case.pk]
        assert case.submitted_at == submitted + week
        assert case.resolve_due_at == (due + week if due else None)
        number = code.rsplit("-", 1)[1]
        assert case.code == f"YB-{timezone.localtime(case.submitted_at):%Y%m%d}-{number}"
        assert CaseCodeCounter.objects.get(day=timezone.localtime(case.submitted_at).date()).last >= int(
            number
        )
    for pk, created_at in CaseEvent.objects.values_list("pk", "created_at"):
        assert created_at == events_before[pk] + week
    for pk, due in CaseTask.objects.values_list("pk", "resolve_due_at"):
        assert due == tasks_before[pk] + week
    # the same day again: nothing moves
    assert _again("2026-11-29").shifted_days == 0  # type: ignore[attr-defined]


def test_the_cases_open_at_the_end_are_mostly_within_their_deadline(demo: None) -> None:
    end = demo_end()
    lights = Counter(
        selectors.case_light(case, list(case.tasks.all()), at=end)
        for case in Case.objects.filter(status__in=OPEN).prefetch_related("tasks")
    )

    assert sum(lights.values()) >= 3
    assert lights["green"] > lights["red"]
    assert lights["green"] + lights["yellow"] >= 0.6 * sum(lights.values())


def test_units_asked_for_more_time_on_some_open_cases(demo: None) -> None:
    extended = CaseEvent.objects.filter(
        event_type=CaseEventType.EXTENSION_APPROVED, case__status__in=OPEN
    ).values_list("case_id", flat=True)

    assert set(extended)
    for case in Case.objects.filter(pk__in=extended):
        assert case.resolve_due_at > demo_end()


def test_the_tick_is_off_unless_set(demo: None) -> None:
    count = Case.objects.count()

    result = demo_tick.call()

    assert result["skipped"]
    assert Case.objects.count() == count
    assert "dangqun.demo.jobs.demo_tick" not in [path for path, _ in settings.DANGQUN["PERIODIC_JOBS"]]


@override_settings(DANGQUN={**settings.DANGQUN, "DEMO_TICK": True})
def test_the_tick_brings_new_cases_and_moves_open_ones_through_the_services(demo: None, api_as) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(5)  # noqa: S311 - the demo's texture
    created: list[str] = []
    moved: list[tuple[str, str]] = []

    for _ in range(12):
        result = demo_tick_run(rng=rng)
        created += result.created
        moved += result.moved

    assert created
    assert {action for _, action in moved} >= {"accept", "dispatch"}
    dispatcher = api_as("dispatcher")
    for code in created:
        body = dispatcher.get(f"/api/v1/cases/{code}").json()
        assert body["code"] == code
        assert body["timeline"][0]["type"] == "created"
    for code, action in moved:  # each move is on the case's timeline, by a person (not the system)
        events = CaseEvent.objects.filter(case__code=code, event_type=EVENT_OF[action])
        assert events.exclude(actor=None).exists(), (code, action)


def _cases_fingerprint() -> list[tuple[object, ...]]:
    return sorted(
        Case.objects.values_list(
            "code", "title", "channel", "status", "category__code", "lead_department__code", "satisfaction",
            "submitted_at", "resolve_due_at", "closed_at",
        )
    )  # fmt: skip


def _events_fingerprint() -> list[tuple[object, ...]]:
    return sorted(
        CaseEvent.objects.values_list("case__code", "event_type", "from_status", "to_status", "created_at")
    )


def test_a_first_run_serves_the_recent_weeks_and_the_history_makes_the_same_year(demo: None) -> None:
    whole, events = _cases_fingerprint(), _events_fingerprint()
    split = history_split(demo_end())

    first = demo_seed(
        actor=None, scale=DEMO_SCALE, seed=DEMO_SEED, case_scale=DEMO_CASE_SCALE, taxonomy="builtin",
        reset=True, history="later",
    )  # fmt: skip

    assert first.created
    assert active_demo()["history"] == "pending"  # type: ignore[index]
    assert Case.objects.filter(submitted_at__lt=split).count() == 0
    recent = [row for row in whole if row[7] >= split]
    assert _cases_fingerprint() == recent
    # the same arguments again while the history is pending: nothing moves
    assert _again("2026-11-29").shifted_days == 0  # type: ignore[attr-defined]

    played = demo_seed_history(actor=None)

    assert played is not None
    assert active_demo()["history"] == "played"  # type: ignore[index]
    assert _cases_fingerprint() == whole
    assert _events_fingerprint() == events
    assert demo_seed_history(actor=None) is None


def test_an_interrupted_history_is_played_again_from_its_start(demo: None) -> None:
    whole = _cases_fingerprint()
    demo_seed(
        actor=None, scale=DEMO_SCALE, seed=DEMO_SEED, case_scale=DEMO_CASE_SCALE, taxonomy="builtin",
        reset=True, history="later",
    )  # fmt: skip
    pending = active_demo()
    demo_seed_history(actor=None)
    # as if the history had stopped half-way: its cases are there, its marker is not
    record_event(actor=None, event_type=DemoEvent.SEEDED, data=pending)

    demo_seed_history(actor=None)

    assert _cases_fingerprint() == whole


def test_the_summary_names_every_count_in_chinese(demo: None) -> None:
    out = io.StringIO()

    call_command(
        "seed_demo",
        scale=DEMO_SCALE,
        seed=DEMO_SEED,
        case_scale=DEMO_CASE_SCALE,
        taxonomy="builtin",
        stdout=out,
    )

    text = out.getvalue()
    assert "年度指标·受理" in text
    assert "热点问题" in text
    counts = active_demo()["counts"]  # type: ignore[index]
    for key in counts:
        assert f"\n{key} " not in text, key  # a label, never the raw key
    assert "kpi." not in text
