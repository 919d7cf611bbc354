"""The demo year has seed 000's KPIs (受理 8,879, 办结 8,128, 满意率 95 % at scale 1): the quotas of
``demo.case_plan`` hold after the cases were played through the services, as the district's leader
reads them from ``GET /api/v1/kpis`` on the suite's demo (``seed_demo --scale 0.02 --case-scale
0.007``)."""

from __future__ import annotations

import datetime as dt

import pytest

from dangqun.analytics.kpi_rollup import kpi_rollup_run
from dangqun.demo.build_cases import demo_end
from dangqun.demo.case_plan import case_targets
from dangqun.demo.context import REFERENCE_DATE
from tests.conftest import DEMO_CASE_SCALE


def test_scale_1_is_the_district_of_seed_000():
    targets = case_targets(1)

    assert (targets.accepted, targets.resolved) == (8_879, 8_128)
    assert targets.unsatisfied_share == pytest.approx(0.05)
    assert targets.submitted > targets.accepted  # some are rejected, merged or not accepted yet


def test_small_scales_keep_the_shape():
    for scale in (0.02, 0.1, 0.5):
        targets = case_targets(scale)

        assert targets.resolved / targets.accepted == pytest.approx(8_128 / 8_879, abs=0.01)
    assert case_targets(0.001).accepted == 60  # the floor: every path still shows


def _year(api_as, *, rollup: bool):  # type: ignore[no-untyped-def]
    if rollup:
        kpi_rollup_run(at=demo_end() + dt.timedelta(days=1), max_days=10_000)
    first = REFERENCE_DATE - dt.timedelta(days=366)
    response = api_as("leader").get(f"/api/v1/kpis?from={first}&to={REFERENCE_DATE}")
    assert response.status_code == 200, response.content
    return response.json()["figures"]


@pytest.mark.parametrize("rollup", [False, True])
def test_the_seeded_year_reports_the_targets_exactly(api_as, rollup):
    targets = case_targets(DEMO_CASE_SCALE)

    figures = _year(api_as, rollup=rollup)

    assert figures["accepted"] == targets.accepted
    assert figures["resolved"] == targets.resolved
    assert figures["satisfaction_rate"] == pytest.approx(0.95, abs=0.02)
    assert figures["unsatisfied"] > 0
    assert figures["submitted"] > figures["accepted"]
