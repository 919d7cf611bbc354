"""The KPI rollup (analytics.kpi_rollup, analytics.kpi_read): the figures read from ``KpiDaily`` equal the
direct computation over the cases, for every filter and grouping, on the demo district and the
``story`` cases of test_kpis, before and after later transitions, and through the API."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from dangqun.analytics.kpi_read import covered_days
from dangqun.analytics.kpi_rollup import (
    CLOSE_MARGIN,
    dirty_days,
    kpi_rollup_run,
    last_closed_day,
    local_day,
)
from dangqun.analytics.kpis import KpiGroupBy, KpiReport, case_kpis
from dangqun.analytics.models import KpiEventMark
from dangqun.cases.enums import CaseStatus, Satisfaction
from dangqun.cases.models import Case, Category, KpiDaily, KpiDirtyDay, KpiRolledDay
from dangqun.cases.workflow import Action
from dangqun.regions.models import Region
from tests.cases.test_kpis import (  # noqa: F401 - the fixtures are used by name
    MARCH,
    T0,
    YEAR,
    D,
    H,
    Story,
    _assert_figures,
    _step,
    clock,
    story,
)

ROLL_AT = T0 + 40 * D  # every day of the story is closed by then
GROUPINGS = [None, *KpiGroupBy]


def _assert_same(rolled: KpiReport, direct: KpiReport, context: object) -> None:
    _assert_figures(rolled.figures, direct.figures)
    assert [(g.key, g.label) for g in rolled.groups] == [(g.key, g.label) for g in direct.groups], context
    for a, b in zip(rolled.groups, direct.groups, strict=True):
        _assert_figures(a.figures, b.figures)


def _filters(told: Story) -> list[dict[str, Any]]:
    w = told.world
    paths = w.grid.ancestor_paths()
    regions = [Region.objects.get(path=p) for p in paths]
    demo_categories = list(
        Category.objects.filter(pk__in=Case.objects.values("category_id")).order_by("path")[:3]
    )
    categories = {c.pk: c for c in [w.category, *demo_categories]}
    for c in list(categories.values()):
        if c.parent_id is not None:
            categories.setdefault(c.parent_id, Category.objects.get(pk=c.parent_id))
    return [
        {},
        *({"region": r} for r in regions),
        {"department": w.lead_department},
        *({"category": c} for c in categories.values()),
        {"region": regions[1], "department": w.lead_department},  # two filters: the cases answer
    ]


def _periods() -> list[dict[str, Any]]:
    demo_day = local_day(Case.objects.order_by("submitted_at").first().submitted_at)  # type: ignore[union-attr]
    demo_start = dt.datetime.combine(demo_day, dt.time(13, 0), tzinfo=T0.tzinfo)
    return [
        YEAR,
        {"start": MARCH[0], "end": MARCH[1]},
        {"start": T0 - 20 * D + 0.5 * H, "end": T0 + 0.5 * H},  # partial days at both edges
        {"start": demo_start, "end": YEAR["start"]},  # the demo district's year
        {},  # everything up to now
    ]


def _compare_all(told: Story) -> int:
    compared = 0
    for filters, group_by, period in itertools.product(_filters(told), GROUPINGS, _periods()):
        kwargs = {**filters, **period, "group_by": group_by}
        _assert_same(case_kpis(**kwargs), case_kpis(use_rollup=False, **kwargs), kwargs)
        compared += 1
    return compared


def test_rollup_figures_equal_the_direct_computation(story):  # noqa: F811 - the imported fixture
    result = kpi_rollup_run(at=ROLL_AT, max_days=10_000)

    assert result["days"] > 0
    assert result["rows"] > 0
    assert KpiRolledDay.objects.filter(day=T0.date()).exists()
    assert T0.date() in covered_days(YEAR["start"], YEAR["end"])
    assert _compare_all(story) > 300


def test_the_report_really_reads_the_rollup(story):  # noqa: F811 - the imported fixture
    kpi_rollup_run(at=ROLL_AT, max_days=10_000)
    before = case_kpis(**YEAR).figures.submitted

    KpiDaily.objects.filter(day=T0.date(), dim="all").update(submitted=1000)

    assert case_kpis(**YEAR).figures.submitted == before - 10 + 1000
    assert case_kpis(use_rollup=False, **YEAR).figures.submitted == before


def test_changes_after_the_rollup_are_read_live_until_the_job_reruns(story, clock):  # noqa: F811 - the imported fixture
    w = story.world
    kpi_rollup_run(at=ROLL_AT, max_days=10_000)
    before = case_kpis(start=MARCH[0], end=MARCH[1]).figures
    g, h, k = story.cases["G"], story.cases["H"], story.cases["K"]

    later = ROLL_AT + D
    _step(clock, later, g, Action.ACCEPT, w.dispatcher)
    _step(clock, later, h, Action.SIGN, w.lead_staff)
    _step(clock, later + H, h, Action.RESOLVE, w.lead_staff, reason="已处理")
    _step(clock, later + 2 * H, h, Action.REVIEW, w.dispatcher)
    _step(clock, later + 3 * H, h, Action.RATE, w.citizen, satisfaction=Satisfaction.SATISFIED)
    _step(clock, later, k, Action.REJECT, w.dispatcher, reason="不属于受理范围")

    # cases wrote events only; analytics reads the days they changed from them until the job runs
    dirty = dirty_days(YEAR["start"].date(), YEAR["end"].date())
    assert {T0.date(), local_day(k.submitted_at)} <= dirty
    assert T0.date() not in covered_days(YEAR["start"], YEAR["end"])
    after = case_kpis(start=MARCH[0], end=MARCH[1]).figures
    assert (after.accepted, after.resolved, after.satisfied) == (
        before.accepted + 1,
        before.resolved + 1,
        before.satisfied + 1,
    )
    assert Case.objects.get(pk=h.pk).status == CaseStatus.CLOSED
    _compare_all(story)

    rerun = kpi_rollup_run(at=later + D, max_days=10_000)

    assert rerun["days"] >= 2
    assert not KpiDirtyDay.objects.filter(day__lte=last_closed_day(later + D)).exists()
    assert T0.date() in covered_days(YEAR["start"], YEAR["end"])
    _compare_all(story)


def test_cases_tell_analytics_through_their_events_and_the_job_reads_past_its_mark(story, clock):  # noqa: F811 - the imported fixture
    w = story.world
    kpi_rollup_run(at=ROLL_AT, max_days=10_000)
    assert KpiEventMark.objects.get().before == ROLL_AT - CLOSE_MARGIN
    assert T0.date() not in dirty_days(T0.date(), T0.date())

    _step(clock, ROLL_AT + D, story.cases["G"], Action.ACCEPT, w.dispatcher)

    # The move wrote its event and nothing of analytics': the day is dirty because of the event.
    assert not KpiDirtyDay.objects.filter(day=T0.date()).exists()
    assert dirty_days(T0.date(), T0.date()) == {T0.date()}
    assert T0.date() not in covered_days(YEAR["start"], YEAR["end"])

    run_at = ROLL_AT + D + H
    rerun = kpi_rollup_run(at=run_at, max_days=10_000)

    assert rerun["days"] >= 1
    assert KpiEventMark.objects.get().before == run_at - CLOSE_MARGIN
    assert dirty_days(T0.date(), T0.date()) == set()
    assert T0.date() in covered_days(YEAR["start"], YEAR["end"])
    _compare_all(story)
    assert kpi_rollup_run(at=run_at, max_days=10_000) == {"days": 0, "rows": 0}


def test_the_job_is_idempotent_and_rolls_only_closed_days(story):  # noqa: F811 - the imported fixture
    first = kpi_rollup_run(at=T0 + 5 * D, max_days=10_000)
    rows = sorted(KpiDaily.objects.values_list("day", "dim", "depth", "key", "submitted", "accepted"))

    again = kpi_rollup_run(at=T0 + 5 * D, max_days=10_000)

    assert first["days"] > 0
    assert again == {"days": 0, "rows": 0}
    assert sorted(KpiDaily.objects.values_list("day", "dim", "depth", "key", "submitted", "accepted")) == rows
    # A day is closed ten minutes after it ended: intakes of that day have committed by then.
    midnight = dt.datetime.combine(T0.date() + D, dt.time.min, tzinfo=T0.tzinfo)
    assert last_closed_day(midnight + 5 * dt.timedelta(minutes=1)) == T0.date() - D
    assert last_closed_day(midnight + 10 * dt.timedelta(minutes=1)) == T0.date()


@pytest.mark.parametrize("persona", ["leader", "street_staff", "department_staff"])
def test_api_figures_are_the_same_with_and_without_the_rollup(story, api_as, persona):  # noqa: F811 - the imported fixture
    client = api_as(persona)
    url = "/api/v1/kpis?from=2030-01-01&to=2030-12-31&group_by=street"
    direct = client.get(url)
    assert direct.status_code == 200

    kpi_rollup_run(at=ROLL_AT, max_days=10_000)
    rolled = client.get(url)

    assert rolled.status_code == 200
    assert rolled.json() == direct.json()
    if persona == "leader":
        assert rolled.json()["figures"]["submitted"] == 11


def test_the_scheduler_enqueues_the_rollup_beside_the_sweep(demo):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    call_command("run_scheduler", "--once")

    paths = set(DBTaskResult.objects.filter(status="READY").values_list("task_path", flat=True))
    assert {
        "dangqun.analytics.jobs.rollup_kpis",
        "dangqun.cases.jobs.sweep_cases",
        "dangqun.triage.jobs.retrain_triage",
        "dangqun.triage.jobs.refresh_hotspots",
    } <= paths
