"""Routing (分流交办): ``suggest_route`` picks the first active rule by order whose category subtree,
region subtree and keywords match; no match leaves the case with the dispatcher. Rules are written
through ``routing_rule_save``, which refuses rules that could never name a unit."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError

from dangqun.cases.events import CasesEvent
from dangqun.cases.models import Category, RoutingRule
from dangqun.cases.routing import suggest_route
from dangqun.cases.services.categories import category_create
from dangqun.cases.services.rules import routing_rule_save, sla_policy_save
from dangqun.core.models import AuditEvent
from dangqun.orgs.models import Department
from dangqun.regions.models import Region, RegionLevel


@dataclass
class Setup:
    root: Category
    lamps: Category
    noise: Category
    grid: Region
    other_grid: Region
    street: Region
    departments: list[Department]


@pytest.fixture
def setup(demo: None) -> Setup:
    RoutingRule.objects.update(is_active=False)  # the demo's rules stay out of the way (rolled back)
    root = category_create(actor=None, name="路由测试类", code="RT")
    facilities = category_create(actor=None, name="设施", parent=root)
    lamps = category_create(actor=None, name="路灯", parent=facilities)
    noise = category_create(actor=None, name="噪声", parent=root)
    grids = list(Region.objects.filter(level=RegionLevel.GRID).order_by("path"))
    first = grids[0]
    street_path = first.ancestor_paths()[1]
    other = next(g for g in grids if not g.path.startswith(street_path))
    return Setup(
        root=root,
        lamps=lamps,
        noise=noise,
        grid=first,
        other_grid=other,
        street=Region.objects.get(path=street_path),
        departments=list(Department.objects.order_by("code")[:5]),
    )


def _suggest(category: Category | None, region: Region, text: str = "一般问题"):  # type: ignore[no-untyped-def]
    return suggest_route(category=category, region=region, title=text, description="")


def test_a_rule_on_a_category_covers_its_subtree(setup: Setup) -> None:
    lead, co = setup.departments[0], setup.departments[1]
    rule = routing_rule_save(
        actor=None, name="整类", order=100, category=setup.root, lead_department=lead, co_departments=[co]
    )

    route = _suggest(setup.lamps, setup.grid)

    assert route.rule_id == rule.pk
    assert route.lead_department == lead
    assert route.co_departments == (co,)
    assert route.as_json()["co_departments"] == [co.code]


def test_a_region_rule_applies_only_inside_its_region(setup: Setup) -> None:
    general, local = setup.departments[0], setup.departments[1]
    routing_rule_save(actor=None, name="全区", order=100, category=setup.root, lead_department=general)
    routing_rule_save(
        actor=None, name="本街道", order=50, category=setup.root, region=setup.street, lead_department=local
    )

    assert _suggest(setup.lamps, setup.grid).lead_department == local
    assert _suggest(setup.lamps, setup.other_grid).lead_department == general


def test_a_keyword_rule_matches_any_of_its_words_in_title_or_description(setup: Setup) -> None:
    utility, general = setup.departments[2], setup.departments[0]
    routing_rule_save(actor=None, name="全类", order=100, category=setup.root, lead_department=general)
    routing_rule_save(actor=None, name="供暖词", order=10, keywords="暖气,供暖", lead_department=utility)

    assert _suggest(setup.noise, setup.grid, "家里暖气不热").lead_department == utility
    assert _suggest(setup.noise, setup.grid, "楼下噪音").lead_department == general
    assert _suggest(None, setup.grid, "冬季供暖温度低").lead_department == utility


def test_the_lower_order_wins_and_an_inactive_rule_is_skipped(setup: Setup) -> None:
    first, second = setup.departments[0], setup.departments[1]
    routing_rule_save(actor=None, name="后", order=20, category=setup.root, lead_department=second)
    early = routing_rule_save(actor=None, name="先", order=10, category=setup.root, lead_department=first)

    assert _suggest(setup.lamps, setup.grid).lead_department == first

    routing_rule_save(actor=None, rule=early, name="先", order=10, category=setup.root,
                      lead_department=first, is_active=False)  # fmt: skip
    assert _suggest(setup.lamps, setup.grid).lead_department == second


def test_a_rule_may_hand_the_case_to_its_community(setup: Setup) -> None:
    routing_rule_save(actor=None, name="邻里", order=10, category=setup.noise, lead_region_level=3)

    route = _suggest(setup.noise, setup.grid)

    community = Region.objects.get(path=setup.grid.ancestor_paths()[2])
    assert route.lead_region == community
    assert route.lead_department is None
    assert route.as_json()["lead_region"] == community.code


def test_no_matching_rule_leaves_the_case_with_the_dispatcher(setup: Setup) -> None:
    routing_rule_save(
        actor=None, name="只管噪声", order=10, category=setup.noise, lead_department=setup.departments[0]
    )

    route = _suggest(setup.lamps, setup.grid)

    assert not route.matched
    assert route.as_json() == {}
    assert not _suggest(None, setup.grid).matched


def test_routing_rule_save_refuses_rules_that_name_no_unit_or_two(setup: Setup) -> None:
    lead = setup.departments[0]

    with pytest.raises(ValidationError, match="主办"):
        routing_rule_save(actor=None, name="无主办", category=setup.root)
    with pytest.raises(ValidationError, match="属地层级"):
        routing_rule_save(actor=None, name="两个", lead_department=lead, lead_region_level=3)
    with pytest.raises(ValidationError, match="主办部门"):
        routing_rule_save(actor=None, name="自协办", lead_department=lead, co_departments=[lead])
    assert not RoutingRule.objects.filter(name__in=["无主办", "两个", "自协办"]).exists()


def test_routing_rule_save_audits_and_normalises_keywords(setup: Setup) -> None:
    rule = routing_rule_save(
        actor=None, name="审计", keywords="暖气， 供暖 暖气", lead_department=setup.departments[0]
    )

    assert rule.keywords == "暖气,供暖"
    assert AuditEvent.objects.filter(
        event_type=CasesEvent.ROUTING_RULE_SAVED.value, target_id=str(rule.pk)
    ).exists()


def test_sla_policy_save_refuses_a_second_default_and_bad_numbers(setup: Setup) -> None:
    sla_policy_save(actor=None, category=setup.noise, priority="normal", sign_hours=2, resolve_days=3)

    with pytest.raises(ValidationError, match="已有"):
        sla_policy_save(actor=None, category=setup.noise, priority="normal", sign_hours=1, resolve_days=1)
    with pytest.raises(ValidationError, match="签收时限"):
        sla_policy_save(actor=None, category=setup.lamps, priority="normal", sign_hours=0, resolve_days=1)
    with pytest.raises(ValidationError, match="办结时限"):
        sla_policy_save(actor=None, category=setup.lamps, priority="normal", sign_hours=1, resolve_days="x")
