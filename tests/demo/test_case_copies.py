"""Above scale 1 the demo copies its played cases to other grids (``dangqun.demo.case_copies``): each copy
is a whole case (tasks, timeline) in one place, numbered like intake would number it."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict

from django.utils import timezone
from shapely.geometry import Point, shape

from dangqun.accounts.models import Membership, Role
from dangqun.cases.enums import CaseChannel, CaseEventType, CaseStatus
from dangqun.cases.models import Case, CaseCodeCounter, CaseEvent, CaseTask
from dangqun.demo.case_copies import copy_cases
from dangqun.demo.context import SeedContext, SeedOptions
from dangqun.demo.tree import RegionTree
from tests.conftest import DEMO_SCALE, DEMO_SEED


def _copy(extra_beyond_one_round: int) -> tuple[list[int], int]:
    played = list(Case.objects.order_by("id").values_list("pk", flat=True))
    ctx = SeedContext(options=SeedOptions(scale=DEMO_SCALE, seed=DEMO_SEED))
    made = copy_cases(ctx, RegionTree.load(), played, len(played) + extra_beyond_one_round)
    return played, made


def test_copies_keep_the_mix_and_the_timelines_of_the_played_cases(demo: None) -> None:
    played, made = _copy(5)
    sources = Case.objects.filter(pk__in=played)
    copies = Case.objects.exclude(pk__in=played)
    first_five = list(sources.order_by("id").values_list("pk", flat=True)[:5])

    assert made == len(played) + 5 == copies.count()
    expected = Counter(sources.values_list("status", flat=True))
    expected.update(Case.objects.filter(pk__in=first_five).values_list("status", flat=True))
    assert Counter(copies.values_list("status", flat=True)) == expected
    source_events = CaseEvent.objects.filter(case_id__in=played).count()
    extra_events = CaseEvent.objects.filter(case_id__in=first_five).count()
    assert CaseEvent.objects.filter(case__in=copies).count() == source_events + extra_events
    events: dict[int, list[CaseEvent]] = defaultdict(list)
    for event in CaseEvent.objects.filter(case__in=copies).order_by("id"):
        events[event.case_id].append(event)
    for case in copies:
        timeline = events[case.pk]
        assert timeline[0].event_type == CaseEventType.CREATED
        assert timeline[0].created_at == case.submitted_at
        for before, after in itertools.pairwise(timeline):
            assert after.from_status == before.to_status, case.code
        assert timeline[-1].to_status == case.status, case.code


def test_a_copy_lies_wholly_in_its_new_place(demo: None) -> None:
    played, _ = _copy(0)
    grid_staff = defaultdict(set)
    for region_id, user_id in Membership.objects.filter(
        role__in=[Role.GRID_WORKER, Role.GRID_LEADER]
    ).values_list("region_id", "user_id"):
        grid_staff[region_id].add(user_id)
    copies = Case.objects.exclude(pk__in=played).select_related("grid", "region", "handling_region")

    for case in copies:
        assert case.grid is not None
        assert case.region_path == case.region.path
        assert case.grid.path.startswith(case.handling_region.path), case.code
        if case.lng is not None:
            assert shape(case.grid.boundary).buffer(1e-9).contains(Point(case.lng, case.lat)), case.code
        if case.channel in (CaseChannel.GRID_WORKER, CaseChannel.PROACTIVE):
            created = CaseEvent.objects.get(case=case, event_type=CaseEventType.CREATED)
            assert created.actor_id in grid_staff[case.grid_id], case.code
        for task in CaseTask.objects.filter(case=case).select_related("region"):
            if task.region is not None:
                assert case.grid.path.startswith(task.region.path), case.code
    by_grid = Counter(copies.values_list("grid_id", flat=True))
    assert by_grid != Counter(Case.objects.filter(pk__in=played).values_list("grid_id", flat=True))
    assert len(by_grid) > 1


def test_copies_are_numbered_on_from_the_day_counter(demo: None) -> None:
    played, _ = _copy(3)
    last_by_day: dict[str, int] = defaultdict(int)

    for code, submitted_at in Case.objects.values_list("code", "submitted_at"):
        _, day, number = code.rsplit("-", 2)
        assert day == f"{timezone.localtime(submitted_at):%Y%m%d}"
        last_by_day[day] = max(last_by_day[day], int(number))
    counters = {f"{c.day:%Y%m%d}": c.last for c in CaseCodeCounter.objects.all()}
    assert Case.objects.values("code").distinct().count() == Case.objects.count()
    assert all(counters[day] >= last for day, last in last_by_day.items())
    assert Case.objects.exclude(pk__in=played).filter(status=CaseStatus.CLOSED).exists()


def test_nothing_to_copy_makes_nothing(demo: None) -> None:
    ctx = SeedContext(options=SeedOptions(scale=DEMO_SCALE, seed=DEMO_SEED))
    before = Case.objects.count()

    assert copy_cases(ctx, RegionTree.load(), [], 10) == 0
    assert copy_cases(ctx, RegionTree.load(), [1], 0) == 0
    assert Case.objects.count() == before
