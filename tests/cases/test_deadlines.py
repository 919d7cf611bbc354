"""Deadlines on the working calendar, lights, the overdue sweep, breach escalation and rating timeout."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

from dangqun.cases.enums import CaseEventType, CaseStatus, Satisfaction
from dangqun.cases.models import CaseConfig, SlaPolicy
from dangqun.cases.services.transition import Unit, case_transition
from dangqun.cases.tasks import sweep
from dangqun.cases.workflow import Action
from tests.cases.conftest import World, reviewed, submit

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def _default_policy() -> None:
    SlaPolicy.objects.update_or_create(
        category=None, priority="normal", defaults={"sign_hours": Decimal(4), "resolve_days": Decimal(5)}
    )


def _dispatch_at(world: World, when: dt.datetime, **params: object):  # type: ignore[no-untyped-def]
    case = submit(world)
    with mock.patch("dangqun.core.clock.now", return_value=when):
        case_transition(case=case, action=Action.ACCEPT, actor=world.dispatcher)
        return case_transition(
            case=case,
            action=Action.DISPATCH,
            actor=world.dispatcher,
            lead=Unit(department=world.lead_department),
            **params,
        )


def test_resolve_deadline_skips_national_day_and_counts_the_make_up_saturday(world):
    _default_policy()

    case = _dispatch_at(world, _at(2026, 9, 30, 15, 0))

    # Working days after 30 Sep: 8, 9, 10 (Saturday, make-up workday), 12, 13 October.
    assert case.resolve_due_at.astimezone(SHANGHAI) == _at(2026, 10, 13, 15, 0)
    # 4 working hours from 15:00 on the eve of the holiday: 2.5 h that day, 1.5 h after the break.
    assert case.sign_due_at.astimezone(SHANGHAI) == _at(2026, 10, 8, 10, 0)


def test_category_policy_beats_the_default(world):
    _default_policy()
    SlaPolicy.objects.create(
        category=world.category, priority="normal", sign_hours=Decimal(1), resolve_days=Decimal(1)
    )

    case = _dispatch_at(world, _at(2026, 11, 23, 9, 0))

    assert case.resolve_due_at.astimezone(SHANGHAI) == _at(2026, 11, 24, 9, 0)


def test_sweep_marks_a_breach_once_and_escalates_one_level(world, django_capture_on_commit_callbacks):
    case = submit(world, actor=world.grid_worker, channel="grid_worker")
    with mock.patch("dangqun.core.clock.now", return_value=_at(2026, 11, 23, 9, 0)):
        case_transition(case=case, action=Action.ACCEPT, actor=world.community_staff)
        case_transition(
            case=case,
            action=Action.DISPATCH,
            actor=world.community_staff,
            lead=Unit(department=world.lead_department),
        )
    later = _at(2026, 12, 31, 9, 0)

    with mock.patch("dangqun.core.clock.now", return_value=later):
        first = sweep(at=later)
        second = sweep(at=later)

    case.refresh_from_db()
    assert first["breached"] >= 1  # the demo district has overdue cases of its own
    assert second["breached"] == 0
    assert case.events.filter(event_type=CaseEventType.BREACHED).count() == 1
    assert case.handling_region.level == 3  # grid → community
    assert case.status == CaseStatus.DISPATCHED  # the unit keeps working on it
    assert case.tasks.get().sign_breached


def test_unrated_cases_close_as_unrated_after_the_timeout(world):
    CaseConfig.objects.all().delete()
    CaseConfig.objects.create(rating_timeout_days=7)
    case = reviewed(world)
    eight_days = case.reviewed_at + dt.timedelta(days=8)

    with mock.patch("dangqun.core.clock.now", return_value=eight_days):
        result = sweep(at=eight_days)

    case.refresh_from_db()
    assert result["closed_unrated"] >= 1
    assert case.status == CaseStatus.CLOSED
    assert case.satisfaction == Satisfaction.UNRATED


def test_rating_window_still_open_keeps_the_case(world):
    case = reviewed(world)

    sweep(at=case.reviewed_at + dt.timedelta(days=1))

    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEWED
