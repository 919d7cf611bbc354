"""Stages 6 and 7: the case domain's reference data and a year of citizen requests (诉求).

Reference data (``seed_case_reference``): the category tree (the contest taxonomy when this machine
has it, else our built-in tree), default and category deadlines, routing rules for the demo's
departments, and the workflow settings, all written through the ``cases`` services.

Cases (``seed_cases``): seed 000's year at scale 1 — 受理 8,879, 办结 8,128, 满意率 95 %, exactly as the
KPI dashboard counts them (the quotas are in ``demo.case_plan``; at least 60 accepted at tiny scales) —
over the twelve months before the reference day. Up to scale 1's count (``PLAYED_CASES_MAX``) are
played through the services; above scale 1 the rest are copies of the played ones moved to other grids
(``case_copies``: a case through the services costs ~0.1 s of CPU), so the copies keep scale 1's KPI
rates. The played cases are made THROUGH the services, ``case_create`` and
``case_transition``, with the demo's people as actors (hotline operators, citizens, grid workers,
community and street staff, department staff), so every timeline, task and deadline is one the real
workflow would have written. The overdue sweep
(``cases.jobs.sweep``) runs on a four-hour tick after every deadline and rating window: it marks
breaches, escalates, and closes cases left unrated.

Time travel: the services read the one clock, ``dangqun.core.clock.now()``. While this stage runs, and
only here, ``dangqun.core.clock.now`` is patched (``unittest.mock.patch``) to a simulated clock that
an event queue moves forward: every case is a script of steps at simulated times, and all the
scripts and the hourly sweeps run interleaved in time order. ``Case.updated_at`` (``auto_now``) keeps
the real time. Notifications are switched off for the same span (``queue_notifications`` patched to
do nothing): a year of history must not fill today's inboxes.

Everything is drawn from ``ctx.rng``: the same seed gives the same cases, codes and timelines.
"""

from __future__ import annotations

import datetime as dt
import heapq
import logging
import math
import random
import sys
from collections import defaultdict
from collections.abc import Generator
from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from shapely.geometry import shape
from tqdm import tqdm

from dangqun.accounts.models import Membership, Role, User
from dangqun.analytics.kpi_rollup import kpi_rollup_reset
from dangqun.analytics.kpis import case_kpis
from dangqun.cases import sla, taxonomy
from dangqun.cases.enums import (
    ACTIVE_TASK_STATUSES,
    CaseChannel,
    CaseStatus,
    Priority,
    Satisfaction,
    TaskRole,
    TaskStatus,
)
from dangqun.cases.jobs import sweep
from dangqun.cases.models import Case, CaseConfig, CaseEvent, CaseTask, Category, RoutingRule, SlaPolicy
from dangqun.cases.services.intake import case_create
from dangqun.cases.services.rules import case_config_save, routing_rule_save, sla_policy_save
from dangqun.cases.services.transition import Unit, case_transition
from dangqun.cases.workflow import Action
from dangqun.core import workcal
from dangqun.core.errors import DomainError
from dangqun.demo import identifiers, names
from dangqun.demo.calendar import anchor_end, reference_end
from dangqun.demo.case_copies import copy_cases
from dangqun.demo.case_plan import (
    CITIZEN_CHANNELS,
    GRID_CHANNELS,
    MIN_ACCEPTED,
    Place,
    Plan,
    Targets,
    case_targets,
    settle,
)
from dangqun.demo.case_topics import (
    CATEGORY_SLA,
    COMMUNITY,
    DEFAULT_SLA,
    KEYWORD_RULES,
    TOPICS,
    TOWN,
    Topic,
)
from dangqun.demo.context import SeedContext
from dangqun.demo.personas import DEMO_PASSWORD
from dangqun.demo.points import PointSampler
from dangqun.demo.tree import RegionTree
from dangqun.orgs.models import Department
from dangqun.regions.geoindex import invalidate_grid_index
from dangqun.regions.models import Region, RegionKind, RegionLevel
from dangqun.registry.models import Building

__all__ = [
    "DEMO_STAFF_PREFIXES",
    "TAXONOMY_CHOICES",
    "check_taxonomy_choice",
    "demo_end",
    "history_split",
    "seed_case_reference",
    "seed_cases",
]

# Seed 000 reports 受理 8,879, 办结 8,128, 满意率 95 %: the scale-1 year has exactly those KPIs
# (``case_plan.case_targets``); a tiny demo still gets at least ``MIN_CASES`` accepted cases.
MIN_CASES = MIN_ACCEPTED
SPAN_DAYS = 365
TAXONOMY_CHOICES = ("auto", "builtin")
# Usernames of the people this stage adds (the reset deletes them).
DEMO_STAFF_PREFIXES = ("op_", "ds_", "ss_", "cs_", "cz_")
OPERATORS = 3  # hotline operators beside the dispatcher persona
STAFF_PER_DEPARTMENT = 2
CITIZENS_AT_SCALE_1 = 600
SWEEP_HOURS = 4  # the simulated worker runs the overdue sweep this often
# A first run plays the cases of the last two weeks and serves (about 350 cases at scale 1: the
# latest, the ones still within their deadline, some overdue); the rest of the year follows in the
# background (``part``), the older open cases with it.
HISTORY_SPLIT_DAYS = 14
HISTORY_COMMIT_STEPS = 1  # each service call commits: the write lock is held for one call at a time

# Channel mix of the public channels (the rest come from grid workers, by topic).
PUBLIC_CHANNELS: tuple[tuple[str, float], ...] = (
    (CaseChannel.HOTLINE_12345, 0.52),
    (CaseChannel.HOTLINE_8890, 0.12),
    (CaseChannel.APP, 0.21),
    (CaseChannel.WEB, 0.08),
    (CaseChannel.DEPARTMENT, 0.05),
    (CaseChannel.INTERNAL, 0.02),
)
# Hour-of-day weights for public submissions (0–23 h, local time).
HOUR_WEIGHTS = (1, 1, 0.5, 0.5, 0.5, 1, 2, 5, 9, 10, 10, 9, 6, 7, 9, 10, 9, 8, 7, 7, 6, 5, 3, 2)

REJECT_REASONS = (
    "诉求人反映的问题属于司法诉讼程序,不属于热线受理范围,已告知通过法律途径解决",
    "诉求内容不完整,多次回拨电话无人接听,无法核实具体地点",
    "该问题属于民事合同纠纷,已告知诉求人向人民法院起诉",
)
NOTES = (
    "已安排工作人员到现场核实情况",
    "已与诉求人电话联系,约定上门时间",
    "已制定处置方案,正在组织施工",
    "已协调相关单位共同现场会商",
)
CO_NOTES = ("已配合主办单位现场核查", "已按主办单位要求提供相关资料", "已派员参加现场联合处置")
MISROUTE_REASON = "经核实,该诉求不属于本单位职责范围,请重新派单"
REVIEW_FAIL_REASON = "办理结果未回应诉求人的主要诉求,请重新核实办理"
SUPERVISE_REASON = "群众多次反映,请主办单位加快办理并及时反馈进展"
EXTENSION_REASON = "需协调多个单位并等待施工条件,申请延期办理"


def demo_end() -> dt.datetime:
    """The simulated 'now' at which a demo seeded now would end its year (``demo.calendar``: the
    ``DEMO_ANCHOR`` setting; 10:00 on the reference day in the test suite)."""
    return anchor_end()


def check_taxonomy_choice(choice: str) -> None:
    """``auto``, ``builtin`` or the path of a CSV file; anything else is a clear error."""
    if choice in TAXONOMY_CHOICES:
        return
    if not Path(choice).is_file():
        raise ValidationError(
            "分类来源 taxonomy 须为 auto、builtin 或一个存在的CSV文件路径,收到:%(value)s",
            code="invalid_taxonomy",
            params={"value": choice},
        )


# --- reference data ------------------------------------------------------------------------------------


def _load_taxonomy(choice: str) -> taxonomy.TaxonomyLoadResult:
    if choice == "builtin":
        return taxonomy.taxonomy_load_builtin(actor=None)
    if choice == "auto":
        path = taxonomy.default_taxonomy_csv()
        if path is None:
            return taxonomy.taxonomy_load_builtin(actor=None)
        return taxonomy.taxonomy_load_csv(actor=None, path=path)
    return taxonomy.taxonomy_load_csv(actor=None, path=choice)


class CategoryIndex:
    """Active categories by (parent id, name), to find a topic's category in whichever tree is loaded."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[int | None, str], Category] = {
            (c.parent_id, c.name): c for c in Category.objects.filter(is_active=True)
        }

    def find(self, names_path: tuple[str, ...]) -> Category | None:
        """The deepest category along ``names_path`` if at least the first two levels exist."""
        found: Category | None = None
        for depth, name in enumerate(names_path):
            node = self.by_key.get((found.pk if found else None, name))
            if node is None:
                return found if depth >= 2 else None
            found = node
        return found

    def for_topic(self, topic: Topic) -> Category | None:
        return self.find(topic.builtin) or self.find(topic.shared)


def _departments() -> dict[str, Department]:
    return {d.short_name: d for d in Department.objects.filter(is_active=True)}


def _rule(existing: dict[str, RoutingRule], name: str, order: int, **fields: Any) -> RoutingRule:
    return routing_rule_save(actor=None, rule=existing.get(name), name=name, order=order, **fields)


def seed_case_reference(ctx: SeedContext, tree: RegionTree, taxonomy_choice: str) -> None:
    """Categories, deadlines, routing rules and settings (idempotent: existing rows are updated)."""
    loaded = _load_taxonomy(taxonomy_choice)
    ctx.counts["categories"] += loaded.created
    index = CategoryIndex()
    departments = _departments()

    for priority, sign, resolve in DEFAULT_SLA:
        _sla(None, priority, sign, resolve)
    for builtin_path, shared_path, priority, sign, resolve in CATEGORY_SLA:
        category = index.find(builtin_path) or index.find(shared_path)
        if category is not None:
            _sla(category, priority, sign, resolve)

    existing = {r.name: r for r in RoutingRule.objects.all()}
    for position, (name, words, lead, co) in enumerate(KEYWORD_RULES, start=1):
        if lead in departments:
            _rule(existing, name, 10 + position, keywords=words, lead_department=departments[lead],
                  co_departments=[departments[c] for c in co if c in departments])  # fmt: skip
    rural = index.by_key.get((None, "农村农业"))
    for town in (s for s in tree.streets() if s.kind == RegionKind.TOWN):
        _rule(existing, f"{town.name}农村事务→所在乡镇", 20, category=rural, region=town, lead_region_level=2)
    seen: set[int] = set()
    for position, topic in enumerate(TOPICS, start=1):
        category = index.for_topic(topic)
        if category is None or category.pk in seen or topic.lead == TOWN:
            continue
        seen.add(category.pk)
        co_departments = [departments[c] for c in topic.co if c in departments]
        if topic.lead == COMMUNITY:
            _rule(existing, f"{category.name}→所在社区", 30 + position, category=category,
                  lead_region_level=3, co_departments=co_departments)  # fmt: skip
        elif topic.lead in departments:
            _rule(existing, f"{category.name}→{topic.lead}", 100 + position, category=category,
                  lead_department=departments[topic.lead], co_departments=co_departments)  # fmt: skip
        else:
            continue
    if not CaseConfig.objects.exists():
        case_config_save(actor=None, rating_timeout_days=7, max_reopen=2, auto_dispatch=False)
    ctx.counts["sla_policies"] = SlaPolicy.objects.count()
    ctx.counts["routing_rules"] = RoutingRule.objects.filter(is_active=True).count()


def _sla(category: Category | None, priority: str, sign: str, resolve: str) -> None:
    policy = SlaPolicy.objects.filter(category=category, priority=priority).first()
    if policy is not None and (policy.sign_hours, policy.resolve_days) == (Decimal(sign), Decimal(resolve)):
        return
    sla_policy_save(
        actor=None, policy=policy, category=category, priority=priority, sign_hours=sign, resolve_days=resolve
    )


# --- people --------------------------------------------------------------------------------------------


@dataclass
class People:
    district_dispatchers: list[User]
    leader: User
    street_staff: dict[int, list[User]]
    community_staff: dict[int, list[User]]
    department_staff: dict[int, list[User]]
    grid_staff: dict[int, list[User]]  # grid workers first, then the grid leader
    citizens: list[User]


def _seed_people(ctx: SeedContext, tree: RegionTree, departments: list[Department]) -> People:
    """Hotline operators, staff for every street, community and department, and citizen accounts."""
    rng = ctx.rng("case-people")
    password = make_password(DEMO_PASSWORD)
    users: list[User] = []
    memberships: list[Membership] = []

    def add(username: str, role: str, title: str, **scope: Any) -> None:
        gender = "F" if rng.random() < 0.55 else "M"
        user = User(
            username=username,
            display_name=names.person_name(rng, gender=gender, birth_year=rng.randint(1965, 1999)),
            phone=identifiers.mobile(rng),
            password=password,
        )
        users.append(user)
        membership = Membership(user=user, role=role, title=title, **scope)
        membership.clean()
        memberships.append(membership)

    district = tree.district
    for number in range(1, OPERATORS + 1):
        add(f"op_{number:02d}", Role.DISPATCHER, "12345热线话务员", region=district)
    for street in tree.streets():
        add(f"ss_{street.code}", Role.STREET_STAFF, f"{street.name}综治中心工作人员", region=street)
    for community in tree.communities():
        add(f"cs_{community.code}", Role.COMMUNITY_STAFF, f"{community.name}社区工作者", region=community)
    for department in departments:
        for number in range(1, STAFF_PER_DEPARTMENT + 1):
            add(f"ds_{department.code}_{number}", Role.DEPARTMENT_STAFF,
                f"{department.short_name}热线联络员", department=department)  # fmt: skip
    for number in range(1, max(5, round(CITIZENS_AT_SCALE_1 * ctx.options.scale)) + 1):
        add(f"cz_{number:05d}", Role.CITIZEN, "居民")
    ctx.insert(User, users)
    for membership in memberships:
        membership.user_id = membership.user.pk
    ctx.insert(Membership, memberships)
    return _load_people(tree)


def _load_people(tree: RegionTree) -> People:
    """The people of the case stage, as ``_seed_people`` wrote them (or a later run finds them)."""
    district = tree.district
    rows = Membership.objects.filter(is_active=True, user__is_active=True).select_related("user")
    first = rows.filter(role=Role.DISPATCHER, region=district).order_by("user__username").first()
    if first is None:
        raise ValidationError("演示区没有指挥中心调度员账号,无法生成诉求", code="no_dispatcher")
    people = People(
        [], first.user, defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list), []
    )
    workers: dict[int, list[User]] = defaultdict(list)
    leaders: dict[int, list[User]] = defaultdict(list)
    for m in rows.order_by("user__username"):
        if m.role == Role.DISPATCHER and m.region_id == district.pk:
            people.district_dispatchers.append(m.user)
        elif m.role == Role.LEADER and m.region_id == district.pk:
            people.leader = m.user
        elif m.role == Role.STREET_STAFF and m.region_id:
            people.street_staff[m.region_id].append(m.user)
        elif m.role == Role.COMMUNITY_STAFF and m.region_id:
            people.community_staff[m.region_id].append(m.user)
        elif m.role == Role.DEPARTMENT_STAFF and m.department_id:
            people.department_staff[m.department_id].append(m.user)
        elif m.role == Role.GRID_WORKER and m.region_id:
            workers[m.region_id].append(m.user)
        elif m.role == Role.GRID_LEADER and m.region_id:
            leaders[m.region_id].append(m.user)
        elif m.role == Role.CITIZEN:
            people.citizens.append(m.user)
    for grid in tree.grids():
        people.grid_staff[grid.pk] = workers[grid.pk] + leaders[grid.pk]
    return people


# --- plans ---------------------------------------------------------------------------------------------


class Planner:
    def __init__(self, ctx: SeedContext, tree: RegionTree, people: People) -> None:
        self.ctx = ctx
        self.tree = tree
        self.people = people
        self.end = ctx.end or reference_end()
        index = CategoryIndex()
        self.categories = {topic.key: index.for_topic(topic) for topic in TOPICS}
        self.departments = list(Department.objects.filter(is_active=True).order_by("code"))
        self.grids = tree.grids()
        self.village_grids = [g for g in self.grids if tree.is_village(g)]
        self.urban_grids = [g for g in self.grids if not tree.is_village(g)] or self.grids
        self.buildings: dict[int, list[tuple[str, str, float, float]]] = defaultdict(list)
        for grid_id, name, address, lng, lat in (
            Building.objects.filter(grid__path__subtree=tree.district.path)
            .order_by("code")
            .values_list("grid_id", "name", "address", "lng", "lat")
        ):
            if lng is not None and lat is not None:
                self.buildings[grid_id].append((name, address, lng, lat))
        self.samplers: dict[int, PointSampler] = {}
        self.deadlines: dict[tuple[int | None, str], float] = {}

    def count(self) -> int:
        """All the cases of the year: those played through the services and their copies."""
        return case_targets(self.ctx.options.cases_scale).submitted

    def played_targets(self) -> Targets:
        """The KPI quotas of the played cases: all of them up to scale 1; above it, scale 1's (the copies
        repeat the played cases' fates, so the district keeps scale 1's rates)."""
        return case_targets(min(self.ctx.options.cases_scale, 1.0))

    def played(self) -> int:
        return min(self.count(), self.played_targets().submitted)

    def _time(self, rng: random.Random) -> dt.datetime:
        local_end = self.end
        while True:
            day = local_end.date() - dt.timedelta(days=rng.randrange(SPAN_DAYS))
            hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
            at = dt.datetime.combine(day, dt.time(hour, rng.randrange(60), rng.randrange(60)),
                                     tzinfo=local_end.tzinfo)  # fmt: skip
            if at < local_end:
                return at

    def _grid_time(self, rng: random.Random, at: dt.datetime) -> dt.datetime:
        """Grid workers report while on their rounds: move the moment into working time."""
        moment = workcal.next_working_moment(at)
        moment += dt.timedelta(minutes=rng.uniform(0, 240))
        return moment if moment < self.end else at

    def _topic(self, rng: random.Random, month: int) -> Topic:
        weights = [
            0.0
            if (t.months and month not in t.months) or (t.village and not self.village_grids)
            else t.weight
            for t in TOPICS
        ]
        return rng.choices(TOPICS, weights=weights)[0]

    def _place(self, rng: random.Random, grid: Region, community: Region) -> Place:
        buildings = self.buildings.get(grid.pk)
        if buildings:
            name, address, lng, lat = rng.choice(buildings)
            text = address.split(community.name, 1)[-1] or name
            return Place(text, address, (lng, lat))
        if grid.pk not in self.samplers:
            self.samplers[grid.pk] = PointSampler(shape(grid.boundary))
        point = self.samplers[grid.pk].inside(rng)
        return Place(community.name, f"{community.address or community.name}{grid.name}", point)

    def _text(self, rng: random.Random, template: str, place: Place) -> str:
        return template.format(
            place=place.text,
            road=names.road_address(rng),
            shop=names.shop_name(rng)[0],
            firm=names.firm_name(rng)[0],
            n=rng.randint(2, 9),
            days=rng.randint(2, 15),
            temp=rng.randint(12, 16),
            unit=f"{rng.randint(1, 6)}单元",
            floor=rng.randint(1, 18),
        )

    def plans(self) -> list[Plan]:
        rng = self.ctx.rng("case-plan")
        drafts = [(self._time(rng), i) for i in range(self.played())]
        drafts.sort()
        plans = [self._plan(position, at) for position, (at, _) in enumerate(drafts)]
        plans.sort(key=lambda p: (p.t0, p.index))
        settle(
            plans, self.played_targets(), self.end, self.ctx.rng("case-fates"), split=history_split(self.end)
        )
        return sorted(plans, key=lambda p: p.index)

    def _plan(self, index: int, at: dt.datetime) -> Plan:
        r = self.ctx.rng("case", index)
        topic = self._topic(r, at.month)
        pool = (
            self.village_grids if topic.village else (self.urban_grids if r.random() < 0.85 else self.grids)
        )
        grid = r.choice(pool)
        community = self.tree.ancestor(grid, RegionLevel.COMMUNITY)
        street = self.tree.ancestor(grid, RegionLevel.STREET)
        staff = self.people.grid_staff.get(grid.pk) or []
        channel: str
        if staff and r.random() < topic.grid_share:
            channel = CaseChannel.PROACTIVE if r.random() < 0.15 else CaseChannel.GRID_WORKER
            creator = staff[0] if r.random() < 0.8 else r.choice(staff)
            at = self._grid_time(r, at)
        else:
            channel = r.choices([c for c, _ in PUBLIC_CHANNELS], weights=[w for _, w in PUBLIC_CHANNELS])[0]
            creator = self._public_creator(r, channel)
        place = self._place(r, grid, community)
        kinds, weights = zip(*topic.types, strict=True)
        priority = Priority.NORMAL
        roll = r.random()
        if roll < topic.critical:
            priority = Priority.CRITICAL
        elif roll < topic.critical + topic.urgent:
            priority = Priority.URGENT
        plan = Plan(
            index=index, rng=r, t0=at, topic=topic, category=self.categories[topic.key], channel=channel,
            case_type=r.choices(kinds, weights=weights)[0], priority=priority, grid=grid,
            community=community, street=street, place=place,
            title=self._text(r, r.choice(topic.titles), place)[:120],
            description=self._text(r, r.choice(topic.details), place),
            result=self._text(r, r.choice(topic.results), place), creator=creator,
        )  # fmt: skip
        plan.resolve_days = self._resolve_days(plan.category, priority)
        if channel in CITIZEN_CHANNELS:
            plan.reporter_name, plan.reporter_phone = creator.display_name, creator.phone
        elif channel in (CaseChannel.HOTLINE_12345, CaseChannel.HOTLINE_8890):
            plan.anonymous = r.random() < 0.06
            gender = r.choice("MF")
            plan.reporter_name = names.person_name(r, gender=gender, birth_year=r.randint(1950, 2000))
            plan.reporter_phone = identifiers.mobile(r)
            plan.located = r.random() < 0.55  # the operator found the address on the map
        self._fate(plan)
        return plan

    def _resolve_days(self, category: Category | None, priority: str) -> float:
        key = (category.pk if category else None, priority)
        if key not in self.deadlines:
            self.deadlines[key] = float(sla.policy_for(category, priority)[1])
        return self.deadlines[key]

    def _public_creator(self, r: random.Random, channel: str) -> User:
        if channel in CITIZEN_CHANNELS:
            return r.choice(self.people.citizens)
        if channel == CaseChannel.DEPARTMENT:
            staff = [u for users in self.people.department_staff.values() for u in users]
            return r.choice(staff) if staff else r.choice(self.people.district_dispatchers)
        if channel == CaseChannel.INTERNAL:
            return self.people.leader
        return r.choice(self.people.district_dispatchers)

    def _fate(self, plan: Plan) -> None:
        r, topic = plan.rng, plan.topic
        if plan.channel in GRID_CHANNELS:
            plan.on_spot = r.random() < topic.on_spot
            plan.rated = r.random() < (0.55 if plan.on_spot else 0.75)
        else:
            plan.rated = r.random() < 0.9
        if plan.on_spot:
            self._satisfaction(plan, reopen=False)
            return
        roll = r.random()  # below 0.035: no slow fate (stuck cases are chosen by quota, case_plan)
        if 0.035 <= roll < 0.065:
            plan.late_resolve = True
        elif 0.065 <= roll < 0.105:
            plan.extension = True
        elif 0.105 <= roll < 0.12:
            plan.review_fail = True
        plan.late_sign = r.random() < 0.03
        if topic.lead not in (COMMUNITY, TOWN) and r.random() < 0.035 and len(self.departments) > 2:
            plan.misroute = r.choice([d for d in self.departments if d.short_name != topic.lead])
        plan.follow_up = plan.channel not in CITIZEN_CHANNELS and r.random() < 0.35
        self._satisfaction(plan, reopen=True)

    @staticmethod
    def _satisfaction(plan: Plan, *, reopen: bool) -> None:
        roll = plan.rng.random()
        if reopen and roll < 0.04:
            plan.unsatisfied_first = True
            plan.satisfaction = Satisfaction.SATISFIED if plan.rng.random() < 0.6 else Satisfaction.BASICALLY
        elif roll < 0.97:
            plan.satisfaction = Satisfaction.SATISFIED
        else:
            plan.satisfaction = Satisfaction.BASICALLY


# --- scripts --------------------------------------------------------------------------------------------

ActorSpec = tuple[str, ...]  # ("creator",) ("dispatcher",) ("unit", "d", id) ("unit", "r", id) …


@dataclass
class Step:
    at: dt.datetime
    action: Action | None  # None: create the case
    actor: ActorSpec
    reason: str = ""
    params: dict[str, Any] = field(default_factory=dict)


Script = Generator[Step, Case, None]


def _hours(r: random.Random, low: float, high: float) -> dt.timedelta:
    return dt.timedelta(hours=r.uniform(low, high))


def _working(at: dt.datetime, hours: float) -> dt.datetime:
    return workcal.add_working_hours(at, max(hours, 0.05))


def _spec(task: CaseTask) -> ActorSpec:
    """The staff of a task's unit."""
    if task.department_id is not None:
        return ("unit", "d", str(task.department_id))
    return ("unit", "r", str(task.region_id))


def _window_hours(start: dt.datetime, due: dt.datetime) -> float:
    return max(workcal.working_seconds_between(start, due) / 3600, 0.25)


class Runner:
    """Plays every plan's script and the hourly sweep in simulated time order."""

    def __init__(self, ctx: SeedContext, tree: RegionTree, people: People, planner: Planner) -> None:
        self.ctx = ctx
        self.tree = tree
        self.people = people
        self.planner = planner
        self.departments = {d.short_name: d for d in planner.departments}
        self.department_by_id = {d.pk: d for d in planner.departments}
        self.clock = planner.end - dt.timedelta(days=SPAN_DAYS + 1)
        self.stopped = 0
        self.sequence = 0
        self.queue: list[tuple[dt.datetime, int, int]] = []
        self.ticks: set[dt.datetime] = set()
        first_day = planner.end.date() - dt.timedelta(days=SPAN_DAYS + 1)
        self.origin = dt.datetime.combine(first_day, dt.time(0, 0), tzinfo=planner.end.tzinfo)
        config = CaseConfig.objects.order_by("id").first() or CaseConfig()
        self.rating_timeout = dt.timedelta(days=config.rating_timeout_days, minutes=1)
        self.max_reopen = config.max_reopen

    # -- who acts

    def _dispatcher_at(self, plan: Plan, region: Region) -> User:
        r = plan.rng
        if region.level == RegionLevel.DISTRICT:
            return r.choice(self.people.district_dispatchers)
        if region.level == RegionLevel.STREET:
            return r.choice(self.people.street_staff[region.pk])
        community = self.tree.ancestor(region, RegionLevel.COMMUNITY)
        return r.choice(self.people.community_staff[community.pk])

    def actor(self, plan: Plan, spec: ActorSpec) -> User | None:
        kind = spec[0]
        if kind == "rater":  # the citizen rates their own case; otherwise the dispatcher's follow-up call
            kind = "creator" if plan.by_citizen else "dispatcher"
        if kind == "creator":
            return plan.creator
        if kind == "leader":
            return self.people.leader
        if kind == "dispatcher":
            case_id = plan.case_id or 0
            handling_id = Case.objects.values_list("handling_region_id", flat=True).get(pk=case_id)
            return self._dispatcher_at(plan, self.tree.by_id[handling_id])
        if kind != "unit":
            raise ValueError(f"unknown actor {spec}")
        unit_id = int(spec[2])
        if spec[1] == "d":
            return plan.rng.choice(self.people.department_staff[unit_id])
        region = self.tree.by_id[unit_id]
        staff = (
            self.people.street_staff if region.level == RegionLevel.STREET else self.people.community_staff
        )
        return plan.rng.choice(staff[unit_id])

    # -- units

    def _unit(self, plan: Plan, name: str) -> Unit:
        if name == COMMUNITY:
            return Unit(region=plan.community)
        if name == TOWN:
            return Unit(region=plan.street)
        return Unit(department=self.departments[name])

    def units(self, plan: Plan) -> tuple[Unit, list[Unit]]:
        """The topic's lead and co-units. Routing suggests the same units for the demo's own rules; where
        it does not (another taxonomy, a keyword rule), the dispatcher overrides the suggestion."""
        lead = self._unit(plan, plan.topic.lead)
        co = [
            self._unit(plan, name) for name in plan.topic.co if name in self.departments or name == COMMUNITY
        ]
        return lead, [u for u in co if u.key != lead.key]

    # -- scripts

    def script(self, plan: Plan) -> Script:
        """One case's life: intake, dispatch, the units' work, review and rating."""
        yield Step(plan.t0, None, ("creator",))
        if plan.pending:
            return  # submitted just before the end: waiting to be accepted
        t = yield from self.intake(plan, plan.t0)
        if t is None:
            return
        t, lead, signed_at = yield from self.dispatch(plan, t)
        if plan.stuck:  # still being handled at the end
            if plan.open_kind == "extended":
                yield from self.extend(plan, t)
            elif plan.open_kind == "overdue" and plan.rng.random() < 0.6:
                yield Step(_working(t, plan.rng.uniform(16, 60)), Action.SUPERVISE, ("leader",),
                           reason=SUPERVISE_REASON)  # fmt: skip
            return  # an overdue one: the sweep marks the breach and escalates
        t = yield from self.resolve(plan, t, lead, signed_at)
        yield from self.rate(plan, t, lead=_spec(lead))

    def intake(self, plan: Plan, t: dt.datetime) -> Generator[Step, Case, dt.datetime | None]:
        """Up to 待派单 at the level that dispatches it; ``None`` when the case ends at intake."""
        r = plan.rng
        if plan.channel in GRID_CHANNELS:
            if plan.on_spot:  # 小事不出网格
                t += dt.timedelta(minutes=r.uniform(10, 120))
                yield Step(t, Action.RESOLVE_ON_SPOT, ("creator",), reason=plan.result)
                t = _working(t, r.uniform(0.5, 8))
                yield Step(t, Action.REVIEW, ("dispatcher",))
                yield from self.rate(plan, t, lead=None)
                return None
            t += dt.timedelta(minutes=r.uniform(5, 90))
            yield Step(t, Action.ESCALATE, ("creator",), reason="网格内无法解决,上报社区协调处置")
            if plan.topic.lead != COMMUNITY:
                t = _working(t, r.uniform(0.3, 4))
                yield Step(t, Action.ESCALATE, ("dispatcher",), reason="需职能部门或街道处置,上报街道")
            return t
        quick = plan.channel in (CaseChannel.HOTLINE_12345, CaseChannel.HOTLINE_8890)
        t += dt.timedelta(minutes=r.uniform(1, 8) if quick else r.uniform(10, 180))
        if plan.reject:
            yield Step(t, Action.REJECT, ("dispatcher",), reason=r.choice(REJECT_REASONS))
            return None
        if plan.merge_into is not None and plan.merge_into.case_id is not None:
            try:
                yield Step(t, Action.MERGE, ("dispatcher",), reason="与已受理的诉求反映同一问题,并单办理",
                           params={"main_case_id": plan.merge_into.case_id})  # fmt: skip
                return None
            except DomainError:
                pass  # the main case finished meanwhile: this one is handled on its own
        yield Step(t, Action.ACCEPT, ("dispatcher",))
        return t

    def dispatch(
        self, plan: Plan, t: dt.datetime
    ) -> Generator[Step, Case, tuple[dt.datetime, CaseTask, dt.datetime]]:
        """派单 (after a wrong unit's 退单, sometimes), then every unit signs; (time, lead task, signed)."""
        r = plan.rng
        t = _working(t, r.uniform(0.1, 1.5))
        lead, co = self.units(plan)
        if plan.misroute is not None:
            wrong = Unit(department=plan.misroute)
            yield Step(t, Action.DISPATCH, ("dispatcher",), params={"lead": wrong})
            t = _working(t, r.uniform(0.5, 6))
            yield Step(t, Action.RETURN, ("unit", "d", str(plan.misroute.pk)), reason=MISROUTE_REASON)
            t = _working(t, r.uniform(0.2, 2))
        yield Step(t, Action.DISPATCH, ("dispatcher",), params={"lead": lead, "co_units": co})
        pending = CaseTask.objects.filter(case_id=plan.case_id or 0, status=TaskStatus.PENDING)
        tasks = list(pending.order_by("id"))
        signs = []
        for task in tasks:
            window = _window_hours(task.assigned_at, task.sign_due_at)
            late = plan.late_sign and task.role == TaskRole.LEAD
            share = r.uniform(1.2, 2.5) if late else r.uniform(0.05, 0.85)
            signs.append((_working(task.assigned_at, window * share), task))
        signs.sort(key=lambda item: item[0])
        for at, task in signs:
            t = max(t, at)
            yield Step(t, Action.SIGN, _spec(task), params={"task_id": task.pk})
        signed_at = t
        for _, task in signs:
            if task.role == TaskRole.CO and r.random() < 0.3:
                t = _working(t, r.uniform(0.5, 6))
                yield Step(
                    t, Action.NOTE, _spec(task), reason=r.choice(CO_NOTES), params={"task_id": task.pk}
                )
        lead_task = next(task for task in tasks if task.role == TaskRole.LEAD)
        return t, lead_task, signed_at

    def extend(self, plan: Plan, t: dt.datetime) -> Script:
        """A hard case open at the end: every unit asks for more time before its deadline and the
        dispatcher grants it, so that the new deadline falls after the end (some of them soon after)."""
        r = plan.rng
        tasks = CaseTask.objects.filter(case_id=plan.case_id or 0, status__in=ACTIVE_TASK_STATUSES)
        workday = workcal.workday_seconds()
        for task in list(tasks.order_by("id")):
            start = task.signed_at or t
            asked = max(t, _working(start, _window_hours(start, task.resolve_due_at) * r.uniform(0.5, 0.85)))
            wanted = workcal.add_working_hours(self.planner.end, r.uniform(0.3, 12) * workday / 3600)
            days = min(
                30, max(1, math.ceil(workcal.working_seconds_between(task.resolve_due_at, wanted) / workday))
            )
            try:
                yield Step(asked, Action.REQUEST_EXTENSION, _spec(task), reason=EXTENSION_REASON,
                           params={"days": days, "task_id": task.pk})  # fmt: skip
                t = _working(asked, r.uniform(0.5, 4))
                yield Step(t, Action.APPROVE_EXTENSION, ("dispatcher",), params={"task_id": task.pk})
            except (DomainError, ValidationError):
                t = asked  # this unit may not ask (or no longer): the others still do

    def resolve(
        self, plan: Plan, t: dt.datetime, lead: CaseTask, signed_at: dt.datetime
    ) -> Generator[Step, Case, dt.datetime]:
        """Notes, an extension perhaps, 办结 (on time or late), 审核 (failed once, sometimes)."""
        r = plan.rng
        spec = _spec(lead)
        if r.random() < 0.25:
            t = _working(t, r.uniform(0.5, 8))
            yield Step(t, Action.NOTE, spec, reason=r.choice(NOTES), params={"task_id": lead.pk})
        window = _window_hours(signed_at, lead.resolve_due_at)
        if plan.extension:
            t = max(t, _working(signed_at, window * r.uniform(0.4, 0.8)))
            days = r.choice((2, 3, 5))
            yield Step(t, Action.REQUEST_EXTENSION, spec, reason=EXTENSION_REASON,
                       params={"days": days, "task_id": lead.pk})  # fmt: skip
            t = _working(t, r.uniform(0.5, 4))
            if r.random() < 0.85:
                yield Step(t, Action.APPROVE_EXTENSION, ("dispatcher",))
                window += days * workcal.workday_seconds() / 3600
            else:
                yield Step(t, Action.REFUSE_EXTENSION, ("dispatcher",), reason="请按原时限办结")
        share = r.uniform(1.1, 1.8) if plan.late_resolve else r.uniform(0.1, 0.9)
        planned = _working(signed_at, window * share)
        if plan.finish_by is not None:
            planned = min(planned, plan.finish_by)
        t = max(_working(t, 0.5), planned)
        yield Step(t, Action.RESOLVE, spec, reason=plan.result)
        t = _working(t, r.uniform(0.3, 6))
        if plan.review_fail:
            yield Step(t, Action.REVIEW_FAIL, ("dispatcher",), reason=REVIEW_FAIL_REASON)
            t = _working(t, r.uniform(2, 16))
            yield Step(t, Action.RESOLVE, spec, reason="经重新核实办理:" + plan.result)
            t = _working(t, r.uniform(0.3, 4))
        yield Step(t, Action.REVIEW, ("dispatcher",))
        return t

    def rate(self, plan: Plan, t: dt.datetime, *, lead: ActorSpec | None) -> Script:
        r = plan.rng
        if not plan.rated:
            return  # the sweep closes it as 未评价 when the rating window ends
        if plan.follow_up:
            t += _hours(r, 1, 30)
            yield Step(t, Action.FOLLOW_UP, ("dispatcher",), reason="电话回访诉求人,诉求人表示问题已处理",
                       params={"method": "phone", "satisfaction": plan.satisfaction})  # fmt: skip
        t += _hours(r, 0.5, 48)
        redo = 1 if plan.unsatisfied_first else (self.max_reopen if plan.unsatisfied_last else 0)
        if lead is not None:
            for _ in range(redo):
                yield Step(t, Action.RATE, ("rater",), params={"satisfaction": Satisfaction.UNSATISFIED,
                                                              "comment": "问题没有根本解决"})  # fmt: skip
                t = _working(t, r.uniform(4, 24))
                yield Step(t, Action.RESOLVE, lead, reason="再次上门处理:" + plan.result)
                t = _working(t, r.uniform(0.3, 4))
                yield Step(t, Action.REVIEW, ("dispatcher",))
                t += _hours(r, 0.5, 48)
        comment = "问题仍未解决" if plan.satisfaction == Satisfaction.UNSATISFIED else ""
        yield Step(t, Action.RATE, ("rater",), params={"satisfaction": plan.satisfaction, "comment": comment})

    # -- the clock

    def now(self) -> dt.datetime:
        return self.clock

    def execute(self, plan: Plan, step: Step) -> Case:
        actor = self.actor(plan, step.actor)
        if step.action is None:
            where: dict[str, Any] = (
                {"lng": plan.place.point[0], "lat": plan.place.point[1]}
                if plan.located
                else {"region": plan.grid}
            )
            case = case_create(
                actor=actor, channel=plan.channel, title=plan.title, description=plan.description,
                case_type=plan.case_type, category=plan.category, priority=plan.priority,
                address=plan.place.address, reporter_name=plan.reporter_name,
                reporter_phone=plan.reporter_phone, is_anonymous=plan.anonymous, **where,
            ).case  # fmt: skip
            plan.case_id = case.pk
            return case
        params = dict(step.params)
        if "main_case_id" in params:
            params["main_case"] = Case.objects.get(pk=params.pop("main_case_id"))
        assert plan.case_id is not None  # noqa: S101 - created by the first step
        case = case_transition(
            case=plan.case_id, action=step.action, actor=actor, reason=step.reason, **params
        )
        self._watch(case)
        return case

    def _queue(self, plans: list[Plan]) -> list[tuple[dt.datetime, int, int]]:
        """Every case's first step, in time order; sweeps (index -1) are added as deadlines appear."""
        queue = [(plan.t0, plan.index, plan.index) for plan in plans]
        heapq.heapify(queue)
        self.sequence = len(plans)
        self.queue = queue
        return queue

    def _sweep_after(self, moment: dt.datetime) -> None:
        """Run the sweep at the first tick (every ``SWEEP_HOURS``) after ``moment``: the worker would find
        the breach or the ended rating window then. Ticks with nothing due are skipped, which changes
        nothing (the sweep is idempotent) and saves thousands of empty sweeps."""
        step = dt.timedelta(hours=SWEEP_HOURS)
        tick = self.origin + step * (int((moment - self.origin) / step) + 1)
        if tick < self.planner.end and tick not in self.ticks:
            self.ticks.add(tick)
            heapq.heappush(self.queue, (tick, self.sequence, -1))
            self.sequence += 1

    def _watch(self, case: Case) -> None:
        for due in (case.sign_due_at, case.resolve_due_at):
            if due is not None:
                self._sweep_after(due)
        if case.status == CaseStatus.REVIEWED and case.reviewed_at is not None:
            self._sweep_after(case.reviewed_at + self.rating_timeout)

    def _advance(self, plan: Plan, scripts: dict[int, Script], pending: dict[int, Step]) -> Step | None:
        """Run the plan's due step; its next step, or ``None`` when the script is over."""
        script = scripts.get(plan.index)
        try:
            if script is None:
                script = scripts[plan.index] = self.script(plan)
                case = self.execute(plan, next(script))
            else:
                try:
                    case = self.execute(plan, pending.pop(plan.index))
                except (DomainError, ValidationError) as error:
                    return script.throw(error)  # the script may take another path
            return script.send(case)
        except StopIteration:
            return None
        except (DomainError, ValidationError):
            self.stopped += 1
            return None

    def run(self, plans: list[Plan], *, only: set[int] | None = None, commit_every: int = 0) -> None:
        """Play the plans (those whose index is in ``only``, when given) and the sweeps in time order.
        ``commit_every``: commit after that many steps (a history played beside a running server must
        not hold the database's write lock for long; 1: every service call commits on its own, as it
        does for a user); 0: the caller's transaction holds it all."""
        end = self.planner.end
        queue = self._queue([p for p in plans if only is None or p.index in only])
        self.sequence = len(plans)
        scripts: dict[int, Script] = {}
        pending: dict[int, Step] = {}
        bar = tqdm(total=len(queue), desc="诉求", file=sys.stderr, disable=not self.ctx.show_progress,
                   unit="", leave=False)  # fmt: skip
        done = False
        while queue and not done:
            with transaction.atomic() if commit_every > 1 else nullcontext():
                for _ in range(commit_every or sys.maxsize):
                    if not queue:
                        break
                    at, _, index = heapq.heappop(queue)
                    if at >= end:
                        done = True
                        break
                    self.clock = at
                    if index < 0:
                        sweep(at=at)
                        continue
                    plan = plans[index]
                    if index not in scripts:
                        bar.update(1)
                    following = self._advance(plan, scripts, pending)
                    if following is not None:
                        pending[index] = following
                        heapq.heappush(queue, (max(following.at, at), self.sequence, index))
                        self.sequence += 1
        bar.close()


def _notify_nobody(**_: Any) -> None:
    """Stands in for ``queue_notifications`` while the demo's past is written."""


def seed_cases(ctx: SeedContext, tree: RegionTree, part: str = "all") -> None:
    """A year of cases through the services (see the module docstring for the simulated clock).

    ``part``: ``all``; ``recent`` — only the cases of the last ``HISTORY_SPLIT_DAYS`` (a first run serves
    these at once); ``history`` — the rest, later, beside the running server (``demo_seed_history``),
    committing as it goes. The two parts together are exactly ``all``: the same plans and fates (no
    merge crosses the split), and every case's script touches only its own case.
    """
    if part not in ("all", "recent", "history"):
        raise ValueError(f"unknown part {part!r}")
    invalidate_grid_index()  # the grids were written by bulk inserts in this process
    departments = list(Department.objects.filter(region=tree.district).order_by("code"))
    people = _load_people(tree) if part == "history" else _seed_people(ctx, tree, departments)
    planner = Planner(ctx, tree, people)
    plans = planner.plans()
    split = history_split(planner.end)
    only = None
    if part == "recent":
        only = {p.index for p in plans if p.t0 >= split}
    elif part == "history":
        only = {p.index for p in plans if p.t0 < split}
    runner = Runner(ctx, tree, people, planner)
    quiet_sweep = logging.getLogger(sweep.__module__)
    with (
        mock.patch("dangqun.core.clock.now", runner.now),
        mock.patch("dangqun.cases.notifications.queue_notifications", _notify_nobody),
    ):
        level = quiet_sweep.level
        quiet_sweep.setLevel(logging.WARNING)  # "no new breach" per case would flood the progress bar
        try:
            runner.run(plans, only=only, commit_every=HISTORY_COMMIT_STEPS if part == "history" else 0)
        finally:
            quiet_sweep.setLevel(level)
    if part != "recent":
        played = list(
            Case.objects.filter(region_path__subtree=tree.district.path).values_list("pk", flat=True)
        )
        with transaction.atomic() if part == "history" else nullcontext():
            copy_cases(ctx, tree, sorted(played), planner.count() - planner.played())
    kpi_rollup_reset()  # the past was written under a simulated clock: the next rollup run computes it
    _count_cases(ctx, tree, planner.end)
    if runner.stopped:
        ctx.counts["case_scripts_stopped"] = runner.stopped


def _count_cases(ctx: SeedContext, tree: RegionTree, end: dt.datetime) -> None:
    in_district = tree.district.path
    cases = Case.objects.filter(region_path__subtree=in_district)
    ctx.counts["cases"] = cases.count()
    for row in cases.values("status").annotate(number=Count("id")).order_by("status"):
        ctx.counts[f"cases.{row['status']}"] = row["number"]
    ctx.counts["case_events"] = CaseEvent.objects.filter(case__region_path__subtree=in_district).count()
    # What the KPI dashboard shows for the demo year (seed 000: 受理 8,879, 办结 8,128, 满意率 95 %).
    start = end - dt.timedelta(days=SPAN_DAYS + 1)
    year = case_kpis(region=tree.district, start=start, end=end)
    ctx.counts["kpi.accepted"] = year.figures.accepted
    ctx.counts["kpi.resolved"] = year.figures.resolved
    ctx.counts["kpi.rated"] = year.figures.rated
    ctx.counts["kpi.rated_satisfied"] = year.figures.satisfied + year.figures.basically_satisfied
    ctx.counts["case_tasks"] = CaseTask.objects.filter(case__region_path__subtree=in_district).count()


def history_split(end: dt.datetime) -> dt.datetime:
    """Local midnight ``HISTORY_SPLIT_DAYS`` before the end: no day's cases straddle it (codes count per
    day), and no merge crosses it (``case_plan.settle``)."""
    day = end.date() - dt.timedelta(days=HISTORY_SPLIT_DAYS)
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=end.tzinfo)
