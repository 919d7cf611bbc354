"""The demo's year of cases (``seed_demo --scale 0.02 --seed 7 --taxonomy builtin``): made through the
services, every timeline replays to the case's status, a realistic mix, deterministic per seed."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict

from django.utils import timezone

from dangqun.cases.enums import CaseEventType, CaseStatus, Satisfaction, TaskRole, TaskStatus
from dangqun.cases.models import Case, CaseConfig, CaseEvent, CaseTask, Category, RoutingRule, SlaPolicy
from dangqun.demo.build_cases import MIN_CASES, demo_end
from dangqun.demo.seed import active_demo, demo_seed
from tests.conftest import DEMO_CASE_SCALE, DEMO_SCALE, DEMO_SEED


def _fingerprint() -> list[tuple[object, ...]]:
    return sorted(
        Case.objects.values_list(
            "code", "title", "channel", "status", "category__code", "lead_department__code", "satisfaction",
            "submitted_at", "closed_at",
        )
    )  # fmt: skip


def test_the_demo_has_its_cases_and_reports_them(demo: None) -> None:
    counts = active_demo()["counts"]  # type: ignore[index]
    total = Case.objects.count()

    assert total == counts["cases"] >= MIN_CASES
    assert sum(v for k, v in counts.items() if k.startswith("cases.")) == total
    assert counts.get("case_scripts_stopped", 0) == 0
    assert CaseEvent.objects.count() == counts["case_events"]


def test_every_timeline_replays_to_the_status_of_its_case(demo: None) -> None:
    events: dict[int, list[CaseEvent]] = defaultdict(list)
    for event in CaseEvent.objects.order_by("id"):
        events[event.case_id].append(event)

    for case in Case.objects.all():
        timeline = events[case.pk]
        assert timeline[0].event_type == CaseEventType.CREATED, case.code
        assert (timeline[0].from_status, timeline[0].to_status) == ("", CaseStatus.SUBMITTED)
        assert timeline[0].created_at == case.submitted_at
        for before, after in itertools.pairwise(timeline):
            assert after.from_status == before.to_status, (case.code, after.event_type)
            assert after.created_at >= before.created_at, (case.code, after.event_type)
        assert timeline[-1].to_status == case.status, case.code


def test_the_cases_lie_in_the_demo_year_with_codes_of_their_day(demo: None) -> None:
    end = demo_end()

    for case in Case.objects.all():
        assert end - dt.timedelta(days=366) <= case.submitted_at < end
        assert case.code.split("-")[1] == f"{timezone.localtime(case.submitted_at):%Y%m%d}"
        assert "{" not in case.title
        assert "{" not in case.description
    assert CaseEvent.objects.filter(created_at__gte=end).count() == 0


def test_the_mix_looks_like_a_district_hotline(demo: None) -> None:
    statuses = Counter(Case.objects.values_list("status", flat=True))
    total = sum(statuses.values())
    rated = Case.objects.filter(
        satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASICALLY, Satisfaction.UNSATISFIED]
    )
    channels = set(Case.objects.values_list("channel", flat=True))

    assert 0.8 <= statuses[CaseStatus.CLOSED] / total < 1
    assert rated.filter(satisfaction=Satisfaction.SATISFIED).count() / rated.count() >= 0.85
    assert {"hotline_12345", "app", "grid_worker"} <= channels
    assert Case.objects.exclude(category=None).count() == total
    assert Case.objects.filter(grid=None).count() == 0


def test_closed_handled_cases_have_a_finished_lead_task(demo: None) -> None:
    closed = Case.objects.filter(status=CaseStatus.CLOSED, dispatched_at__isnull=False)

    assert closed.exists()
    for case in closed:
        lead = [t for t in case.tasks.all() if t.role == TaskRole.LEAD]
        assert lead, case.code
        assert lead[-1].status == TaskStatus.DONE, case.code
        assert case.resolved_at is not None
        assert case.reviewed_at is not None


def test_the_reference_data_is_there(demo: None) -> None:
    assert Category.objects.filter(level=1).count() >= 15
    assert SlaPolicy.objects.filter(category=None).count() == 3
    assert RoutingRule.objects.filter(lead_region_level=3).exists()
    assert RoutingRule.objects.exclude(keywords="").exists()
    assert CaseConfig.objects.count() == 1
    assert CaseTask.objects.filter(role=TaskRole.CO).exists()


def test_the_same_seed_gives_the_same_cases_after_a_reset(demo: None) -> None:
    first = _fingerprint()

    demo_seed(
        actor=None,
        scale=DEMO_SCALE,
        seed=DEMO_SEED,
        reset=True,
        taxonomy="builtin",
        case_scale=DEMO_CASE_SCALE,
    )

    assert _fingerprint() == first
