"""Case KPIs (cases.kpis and GET /api/v1/kpis).

Two kinds of fixture:

- ``story``: eleven cases driven through ``case_create`` / ``case_transition`` on a controlled clock
  (the services' ``now`` is patched), so every outcome comes from the real workflow: closed with each
  rating, reopened after an unsatisfied rating, resolved late and closed unrated, refused after
  acceptance, merged, resolved on the spot, untouched, in another street, in an earlier month.
- ``_row``: Case rows written directly with the ORM, for the pure arithmetic (fractional hours,
  local-time month/day boundaries, period bounds, category subtrees), where exact timestamps matter
  and going through the workflow would add nothing.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from dangqun.accounts.scope import get_scope
from dangqun.cases.enums import CaseStatus, Satisfaction
from dangqun.cases.kpis import KpiFigures, KpiGroupBy, PathSegment, case_kpis
from dangqun.cases.models import Case, Category
from dangqun.cases.permissions import visible_cases_q
from dangqun.cases.services import intake
from dangqun.cases.services.transition import Unit, case_transition
from dangqun.cases.workflow import Action
from dangqun.core import clock as core_clock
from dangqun.core.fields import join_path
from dangqun.regions.models import Region, RegionLevel
from tests.cases.conftest import World, submit

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2030, 3, 4, 9, 0, tzinfo=SHANGHAI)  # a Monday, a working day
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
MARCH = (dt.datetime(2030, 3, 1, tzinfo=SHANGHAI), dt.datetime(2030, 4, 1, tzinfo=SHANGHAI))
# Every query names a period in a year of its own, so cases other fixtures may add never count.
YEAR = {"start": dt.datetime(2030, 1, 1, tzinfo=SHANGHAI), "end": dt.datetime(2031, 1, 1, tzinfo=SHANGHAI)}


class Clock:
    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at


@pytest.fixture
def clock(monkeypatch) -> Clock:  # type: ignore[no-untyped-def]
    c = Clock(T0)
    monkeypatch.setattr(intake, "now", c)
    monkeypatch.setattr(core_clock, "now", c)
    return c


@dataclass
class Story:
    world: World
    cases: dict[str, Case]
    other_grid: Region

    def ids(self, *names: str) -> set[int]:
        return {self.cases[n].pk for n in names}


def _step(clock: Clock, at: dt.datetime, case: Case, action: Action, actor: object, **kw: object) -> Case:
    clock.at = at
    return case_transition(case=case, action=action, actor=actor, **kw)


def _dispatch(clock: Clock, w: World, case: Case, at: dt.datetime) -> None:
    _step(clock, at, case, Action.ACCEPT, w.dispatcher)
    _step(
        clock,
        at,
        case,
        Action.DISPATCH,
        w.dispatcher,
        lead=Unit(department=w.lead_department),
        co_units=[Unit(department=w.co_department)],
    )


def _handle(
    clock: Clock, w: World, case: Case, *, dispatch: dt.datetime, sign: dt.datetime, resolve: dt.datetime
) -> None:
    _dispatch(clock, w, case, dispatch)
    _step(clock, sign, case, Action.SIGN, w.lead_staff)
    _step(clock, resolve, case, Action.RESOLVE, w.lead_staff, reason="已处理")


def _rate(clock: Clock, w: World, case: Case, at: dt.datetime, satisfaction: str) -> Case:
    _step(clock, at, case, Action.REVIEW, w.dispatcher)
    return _step(clock, at, case, Action.RATE, w.citizen, satisfaction=satisfaction)


@pytest.fixture
def story(world: World, clock: Clock) -> Story:
    """Eleven cases with known outcomes. A–I and K are in the demo grid (first community of the first
    street), J in a grid of another street; K was registered in February, the rest on T0 in March."""
    w = world
    street_path = Region.objects.get(path=w.grid.ancestor_paths()[1]).path
    other_grid = (
        Region.objects.filter(level=RegionLevel.GRID).exclude(path__startswith=street_path).order_by("path")
    ).first()
    assert other_grid is not None
    clock.at = T0
    names = "ABCDEFGHI"
    cases = {name: submit(w) for name in names}
    cases["J"] = submit(w, actor=w.other_citizen, lng=None, lat=None, region=other_grid)
    clock.at = T0 - 20 * D
    cases["K"] = submit(w)

    # A: signed after 2 h, resolved after 10 h, rated 满意.
    _handle(clock, w, cases["A"], dispatch=T0 + H, sign=T0 + 3 * H, resolve=T0 + 10 * H)
    _rate(clock, w, cases["A"], T0 + 11 * H, Satisfaction.SATISFIED)
    # B: signed after 4 h, resolved after 26 h, rated 基本满意.
    _handle(clock, w, cases["B"], dispatch=T0 + 2 * H, sign=T0 + 6 * H, resolve=T0 + 26 * H)
    _rate(clock, w, cases["B"], T0 + 27 * H, Satisfaction.BASICALLY)
    # C: signed after 1 h, resolved, rated 不满意 → reopened (重办): not resolved any more.
    _handle(clock, w, cases["C"], dispatch=T0 + H, sign=T0 + 2 * H, resolve=T0 + 5 * H)
    reopened = _rate(clock, w, cases["C"], T0 + 6 * H, Satisfaction.UNSATISFIED)
    assert reopened.status == CaseStatus.IN_PROGRESS
    # D: signed after 0.5 h, resolved after 20 days (past its 5-working-day deadline), closed 未评价.
    _handle(clock, w, cases["D"], dispatch=T0 + H, sign=T0 + 1.5 * H, resolve=T0 + 20 * D)
    _step(clock, T0 + 20 * D, cases["D"], Action.REVIEW, w.dispatcher)
    _step(clock, T0 + 28 * D, cases["D"], Action.CLOSE_UNRATED, w.dispatcher)
    # E: accepted, then refused (不予受理): not accepted in the KPIs.
    _step(clock, T0 + H, cases["E"], Action.ACCEPT, w.dispatcher)
    _step(clock, T0 + 2 * H, cases["E"], Action.REJECT, w.dispatcher, reason="不属于受理范围")
    # H: dispatched, not signed yet.
    _dispatch(clock, w, cases["H"], T0 + H)
    # F: merged into H (并单).
    _step(clock, T0 + 2 * H, cases["F"], Action.MERGE, w.dispatcher, main_case=cases["H"])
    # G: registered only.
    # I: resolved on the spot by the grid worker after half an hour (现场办结).
    _step(clock, T0 + 0.5 * H, cases["I"], Action.RESOLVE_ON_SPOT, w.grid_worker, reason="现场劝离")
    # J (another street): signed after 1 h, resolved after 3 h, awaiting review.
    _handle(clock, w, cases["J"], dispatch=T0 + H, sign=T0 + 2 * H, resolve=T0 + 3 * H)
    # K (February): accepted only.
    _step(clock, T0 - 20 * D + H, cases["K"], Action.ACCEPT, w.dispatcher)

    fresh = {name: Case.objects.get(pk=case.pk) for name, case in cases.items()}
    return Story(world=w, cases=fresh, other_grid=other_grid)


MARCH_FIGURES = KpiFigures(
    submitted=10,
    accepted=7,  # A B C D H I J
    resolved=5,  # A B D I J
    resolved_on_time=4,  # D was late
    satisfied=1,
    basically_satisfied=1,
    unsatisfied=1,
    unrated=1,
    signed=5,  # A 2 h, B 4 h, C 1 h, D 0.5 h, J 1 h
    sign_hours_total=8.5,
    resolve_hours_total=519.5,  # A 10, B 26, D 480, I 0.5, J 3
)


def _assert_figures(actual: KpiFigures, expected: KpiFigures) -> None:
    for name in KpiFigures.__dataclass_fields__:
        value = getattr(actual, name)
        if name.endswith("_total"):
            assert value == pytest.approx(getattr(expected, name), abs=1e-6), name
        else:
            assert value == getattr(expected, name), name


def test_every_figure_of_a_month_from_the_workflow(story):
    report = case_kpis(start=MARCH[0], end=MARCH[1])

    _assert_figures(report.figures, MARCH_FIGURES)
    figures = report.figures
    assert figures.rated == 3
    assert figures.resolution_rate == round(5 / 7, 4)
    assert figures.on_time_rate == 0.8
    assert figures.satisfaction_rate == round(2 / 3, 4)
    assert figures.mean_sign_hours == 1.7
    assert figures.mean_resolve_hours == 103.9


def test_the_period_is_by_registration_time_and_end_exclusive(story):
    everything = case_kpis(**YEAR)
    february = case_kpis(start=YEAR["start"], end=MARCH[0])
    from_t0 = case_kpis(start=T0, end=YEAR["end"])
    before_t0 = case_kpis(start=MARCH[0], end=T0)

    assert (everything.figures.submitted, everything.figures.accepted) == (11, 8)
    assert (february.figures.submitted, february.figures.accepted, february.figures.resolved) == (1, 1, 0)
    assert february.figures.resolution_rate == 0.0
    assert february.figures.satisfaction_rate is None
    assert february.figures.mean_resolve_hours is None
    assert from_t0.figures.submitted == 10
    assert before_t0.figures == KpiFigures()


def test_region_department_and_category_filters(story):
    w = story.world
    street = Region.objects.get(path=w.grid.ancestor_paths()[1])
    other_street = Region.objects.get(path=story.other_grid.ancestor_paths()[1])

    in_street = case_kpis(region=street, start=MARCH[0], end=MARCH[1]).figures
    in_other = case_kpis(region=other_street, **YEAR).figures
    by_lead = case_kpis(department=w.lead_department, start=MARCH[0], end=MARCH[1]).figures
    by_co = case_kpis(department=w.co_department, **YEAR).figures
    by_category = case_kpis(category=w.category, **YEAR).figures

    assert (in_street.submitted, in_street.accepted, in_street.resolved) == (9, 6, 4)
    assert (in_other.submitted, in_other.resolved, in_other.mean_resolve_hours) == (1, 1, 3.0)
    assert (by_lead.submitted, by_lead.accepted, by_lead.resolved, by_lead.signed) == (6, 6, 4, 5)
    assert by_co.submitted == 0  # the department filter is the lead unit (主办)
    assert by_category.submitted == 11


def test_group_by_street_and_community_sums_to_the_total(story):
    w = story.world
    street_code = w.grid.ancestor_paths()[1].strip("/").split("/")[-1]
    community_code = w.grid.ancestor_paths()[2].strip("/").split("/")[-1]
    other_street_code = story.other_grid.ancestor_paths()[1].strip("/").split("/")[-1]

    by_street = case_kpis(start=MARCH[0], end=MARCH[1], group_by="street")
    by_community = case_kpis(start=MARCH[0], end=MARCH[1], group_by=KpiGroupBy.COMMUNITY)

    _assert_figures(by_street.figures, MARCH_FIGURES)
    streets = {g.key: g for g in by_street.groups}
    assert set(streets) == {street_code, other_street_code}
    assert streets[street_code].label == Region.objects.get(code=street_code).name
    assert streets[street_code].figures.submitted == 9
    assert streets[other_street_code].figures.resolved == 1
    communities = {g.key: g.figures.submitted for g in by_community.groups}
    assert communities[community_code] == 9
    assert sum(communities.values()) == 10
    assert [g.key for g in by_street.groups] == sorted(streets)  # tree order (codes nest)


def test_group_by_department_category_month_and_day(story):
    w = story.world

    by_department = case_kpis(group_by="department", **YEAR)
    by_category = case_kpis(group_by="category", **YEAR)
    by_month = case_kpis(group_by="month", **YEAR)
    by_day = case_kpis(start=MARCH[0], end=MARCH[1], group_by="day")

    departments = {g.key: (g.label, g.figures.submitted, g.figures.resolved) for g in by_department.groups}
    assert departments == {
        w.lead_department.code: (w.lead_department.name, 6, 4),  # A B C D H J (K is not dispatched)
        "": ("无主办部门", 5, 1),  # E F G I K; I resolved on the spot
    }
    assert by_department.groups[-1].key == ""
    assert [(g.key, g.label, g.figures.submitted) for g in by_category.groups] == [
        (w.category.code, w.category.name, 11)
    ]
    assert [(g.key, g.figures.submitted, g.figures.accepted) for g in by_month.groups] == [
        ("2030-02", 1, 1),
        ("2030-03", 10, 7),
    ]
    assert [(g.key, g.figures.submitted) for g in by_day.groups] == [("2030-03-04", 10)]
    _assert_figures(by_day.figures, MARCH_FIGURES)


def test_scope_community_staff_sees_only_its_community(story):
    w = story.world
    scope_q = visible_cases_q(w.community_staff)

    mine = case_kpis(scope_q=scope_q, start=MARCH[0], end=MARCH[1], group_by="street")

    assert mine.figures.submitted == 9  # J is in another street
    assert [g.figures.submitted for g in mine.groups] == [9]
    assert mine.figures.resolved == 4


def test_scope_department_sees_the_cases_it_holds_a_task_in(story):
    w = story.world

    lead = case_kpis(scope_q=visible_cases_q(w.lead_staff), **YEAR).figures
    co = case_kpis(scope_q=visible_cases_q(w.co_staff), **YEAR).figures
    outsider = case_kpis(scope_q=visible_cases_q(w.outsider_staff), **YEAR).figures

    assert (lead.submitted, lead.resolved) == (6, 4)  # A B C D H J
    assert co.submitted == 6  # co-tasks on the same cases
    assert outsider == KpiFigures()


def test_one_query_per_report_and_one_more_for_group_names(story, django_assert_num_queries):
    w = story.world
    get_scope(w.dispatcher), get_scope(w.lead_staff)  # the scope is computed once per request

    with django_assert_num_queries(1):
        case_kpis(scope_q=visible_cases_q(w.dispatcher), start=MARCH[0], end=MARCH[1])
    with django_assert_num_queries(1):
        case_kpis(scope_q=visible_cases_q(w.lead_staff), group_by="month", **YEAR)
    with django_assert_num_queries(2):
        case_kpis(scope_q=visible_cases_q(w.dispatcher), group_by="street", **YEAR)


# --- pure arithmetic on direct rows ------------------------------------------------------------------

_codes = itertools.count(1)


def _row(region: Region, submitted_at: dt.datetime, **fields: object) -> Case:
    return Case.objects.create(
        code=f"KPI-{next(_codes):06d}",
        channel="app",
        case_type="help",
        title="测试",
        description="测试",
        region=region,
        region_path=region.path,
        handling_region=region,
        submitted_at=submitted_at,
        **fields,
    )


def _accepted(at: dt.datetime) -> dict[str, object]:
    return {"status": CaseStatus.IN_PROGRESS, "accepted_at": at}


def test_fractional_hours_are_computed_by_the_database(world):
    t = dt.datetime(2030, 5, 6, 8, 0, tzinfo=SHANGHAI)
    _row(
        world.grid,
        t,
        **_accepted(t),
        dispatched_at=t,
        signed_at=t + dt.timedelta(minutes=75),
        resolved_at=t + dt.timedelta(hours=36),
        resolved_on_time=True,
    )
    _row(
        world.grid,
        t,
        **_accepted(t),
        dispatched_at=t + H,
        signed_at=t + dt.timedelta(hours=3, minutes=45),
        resolved_at=t + dt.timedelta(hours=12, seconds=0.36),
        resolved_on_time=False,
    )
    # Dispatched again after a return and not signed since: no sign time.
    _row(world.grid, t, **_accepted(t), dispatched_at=t + 5 * H, signed_at=t + 2 * H)

    figures = case_kpis(**YEAR).figures

    assert (figures.signed, figures.resolved, figures.resolved_on_time) == (2, 2, 1)
    assert figures.sign_hours_total == pytest.approx(1.25 + 2.75, abs=1e-6)
    assert figures.mean_sign_hours == 2.0
    assert figures.resolve_hours_total == pytest.approx(48.0001, abs=1e-6)
    assert figures.mean_resolve_hours == 24.0


def test_months_and_days_are_cut_at_local_midnight(world):
    _row(world.grid, dt.datetime(2030, 1, 31, 23, 30, tzinfo=SHANGHAI))  # 15:30 UTC
    _row(world.grid, dt.datetime(2030, 2, 1, 0, 10, tzinfo=SHANGHAI))  # Jan 31 16:10 UTC
    _row(world.grid, dt.datetime(2030, 2, 1, 7, 59, tzinfo=SHANGHAI))

    by_month = case_kpis(group_by="month", **YEAR)
    by_day = case_kpis(group_by="day", **YEAR)

    assert [(g.key, g.figures.submitted) for g in by_month.groups] == [("2030-01", 1), ("2030-02", 2)]
    assert [(g.key, g.figures.submitted) for g in by_day.groups] == [("2030-01-31", 1), ("2030-02-01", 2)]


def test_category_filter_takes_the_subtree_and_groups_one_level_down(world):
    top = Category.objects.create(code="KP", name="城市管理", level=1, path=join_path(None, "KP"))
    roads = Category.objects.create(
        code="KP01", name="道路", level=2, parent=top, path=join_path(top.path, "KP01")
    )
    lights = Category.objects.create(
        code="KP02", name="路灯", level=2, parent=top, path=join_path(top.path, "KP02")
    )
    pothole = Category.objects.create(
        code="KP0101", name="坑洼", level=3, parent=roads, path=join_path(roads.path, "KP0101")
    )
    t = dt.datetime(2030, 6, 1, 9, 0, tzinfo=SHANGHAI)
    for category in (top, roads, pothole, pothole, lights):
        _row(world.grid, t, category=category)
    _row(world.grid, t, category=world.category)

    under_top = case_kpis(category=top, group_by="category", **YEAR)
    under_roads = case_kpis(category=roads, group_by="category", **YEAR)
    everything = case_kpis(group_by="category", **YEAR)

    assert under_top.figures.submitted == 5
    assert [(g.key, g.label, g.figures.submitted) for g in under_top.groups] == [
        ("KP01", "道路", 3),
        ("KP02", "路灯", 1),
        ("", "未分类", 1),  # filed on the first level itself: no second-level class
    ]
    assert [(g.key, g.figures.submitted) for g in under_roads.groups] == [("KP0101", 2), ("", 1)]
    assert {g.key: g.figures.submitted for g in everything.groups} == {"KP": 5, world.category.code: 1}


def test_path_segment_reads_every_level_of_every_region(demo):
    regions = Region.objects.annotate(
        street=PathSegment("path", 2), community=PathSegment("path", 3), grid=PathSegment("path", 5)
    ).values_list("path", "street", "community", "grid")

    checked = 0
    for path, street, community, grid in regions:
        parts = path.strip("/").split("/")
        assert street == (parts[1] if len(parts) > 1 else ""), path
        assert community == (parts[2] if len(parts) > 2 else ""), path
        assert grid == (parts[4] if len(parts) > 4 else ""), path
        checked += 1
    assert checked > 10


def test_path_segment_does_not_assume_fixed_width_codes(world):
    root = Region.objects.get(path=world.grid.ancestor_paths()[0])
    short = Region.objects.create(
        code="S", name="短码街道", kind="street", level=2, parent=root, path=join_path(root.path, "S")
    )
    longer = Region.objects.create(
        code="S-community-0001",
        name="长码社区",
        kind="community",
        level=3,
        parent=short,
        path=join_path(short.path, "S-community-0001"),
    )
    _row(longer, dt.datetime(2030, 7, 1, tzinfo=SHANGHAI))
    _row(root, dt.datetime(2030, 7, 1, tzinfo=SHANGHAI))

    streets = case_kpis(group_by="street", **YEAR).groups
    communities = case_kpis(group_by="community", **YEAR).groups

    assert [(g.key, g.label) for g in streets] == [("S", "短码街道"), ("", "区级(未定位到街道)")]
    assert [(g.key, g.label) for g in communities] == [("S-community-0001", "长码社区"), ("", "未定位到社区")]


def test_bad_arguments_are_named(world):
    t = dt.datetime(2030, 7, 1, tzinfo=SHANGHAI)

    with pytest.raises(ValidationError, match="未知分组方式"):
        case_kpis(group_by="week")
    with pytest.raises(ValidationError, match="晚于开始时间"):
        case_kpis(start=t, end=t)
    with pytest.raises(ValidationError, match="时区"):
        case_kpis(start=dt.datetime(2030, 7, 1))  # noqa: DTZ001 - the naive value under test


# --- the API -------------------------------------------------------------------------------------------


def test_api_answers_the_callers_scope(story, api_as):
    street_code = story.world.grid.ancestor_paths()[1].strip("/").split("/")[-1]

    as_dispatcher = api_as("dispatcher").get("/api/v1/kpis?from=2030-03-01&to=2030-03-31&group_by=street")
    as_community = api_as("community_staff").get("/api/v1/kpis?from=2030-03-01&to=2030-03-31")
    as_department = api_as("department_staff").get("/api/v1/kpis?from=2030-01-01&to=2030-12-31")

    assert as_dispatcher.status_code == 200, as_dispatcher.content
    body = as_dispatcher.json()
    assert body["figures"] == {
        "submitted": 10,
        "accepted": 7,
        "resolved": 5,
        "resolved_on_time": 4,
        "rated": 3,
        "satisfied": 1,
        "basically_satisfied": 1,
        "unsatisfied": 1,
        "unrated": 1,
        "resolution_rate": 0.7143,
        "on_time_rate": 0.8,
        "satisfaction_rate": 0.6667,
        "mean_sign_hours": 1.7,
        "mean_resolve_hours": 103.9,
    }
    assert body["group_by"] == "street"
    assert body["start"].startswith("2030-03-01T00:00:00")
    assert body["end"].startswith("2030-04-01T00:00:00")
    assert {g["key"]: g["figures"]["submitted"] for g in body["groups"]}[street_code] == 9
    assert as_community.json()["figures"]["submitted"] == 9
    assert as_department.json()["figures"]["submitted"] == 6


def test_api_filters_by_codes(story, api_as):
    w = story.world
    client = api_as("leader")
    street_code = w.grid.ancestor_paths()[1].strip("/").split("/")[-1]

    by_region = client.get(f"/api/v1/kpis?region={street_code}&from=2030-03-01&to=2030-03-31")
    by_department = client.get(
        f"/api/v1/kpis?department={w.lead_department.code}&group_by=month&from=2030-01-01"
    )
    by_category = client.get(f"/api/v1/kpis?category={w.category.code}&from=2030-01-01&to=2030-12-31")

    assert by_region.json()["figures"]["submitted"] == 9
    assert [(g["key"], g["figures"]["submitted"]) for g in by_department.json()["groups"]] == [("2030-03", 6)]
    assert by_category.json()["figures"]["submitted"] == 11


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("region=NOPE", "region"),
        ("department=NOPE", "department"),
        ("category=NOPE", "category"),
        ("from=2030-03-31&to=2030-03-01", "to"),
    ],
)
def test_api_bad_filters_are_422_naming_the_field(world, api_as, query, field):
    response = api_as("dispatcher").get(f"/api/v1/kpis?{query}")

    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]


@pytest.mark.parametrize("query", ["group_by=week", "from=yesterday"])
def test_api_malformed_parameters_are_422(world, api_as, query):
    assert api_as("dispatcher").get(f"/api/v1/kpis?{query}").status_code == 422


def test_api_needs_a_login(demo, client):
    assert client.get("/api/v1/kpis").status_code == 401
