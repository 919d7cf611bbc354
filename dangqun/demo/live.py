"""A demo that is alive: ``demo_tick`` (run by the scheduler on a demo server, every 20 s) lets new
submissions trickle in and the district's people move cases on, through the same services a citizen,
a dispatcher and a unit use, so the screens change while someone watches.

Gated by ``settings.DANGQUN["DEMO_TICK"]`` (``DANGQUN_DEMO_TICK=1``): off by default, on for
``make run`` (``scripts/serve.sh``), never on a real district. A tick does nothing without a seeded demo.

Each tick, with probability ``NEW_CASE_CHANCE``, one new case arrives (a citizen's app report or a
hotline call, on a topic of the season, at a building of the district); then up to ``MOVES_PER_TICK``
open cases, the newest most likely, take their next step: 受理 → 派单 (to the suggested unit) → 签收 →
办结 → 审核 → 评价. Everything is real: deadlines, lights, the timeline, KPIs and notifications follow.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from dangqun.accounts.models import Membership, Role, User
from dangqun.cases.enums import (
    ACTIVE_TASK_STATUSES,
    CaseChannel,
    CaseStatus,
    Satisfaction,
    TaskRole,
    TaskStatus,
)
from dangqun.cases.models import Case, CaseTask, Category
from dangqun.cases.routing import suggest_route
from dangqun.cases.services.intake import case_create
from dangqun.cases.services.transition import Unit, case_transition
from dangqun.cases.workflow import Action
from dangqun.core import clock
from dangqun.core.errors import DomainError
from dangqun.demo import identifiers, names
from dangqun.demo.case_topics import TOPICS, Topic
from dangqun.demo.context import DISTRICT_CODE
from dangqun.regions.models import Region, RegionLevel
from dangqun.registry.models import Building

__all__ = ["TickResult", "demo_tick_enabled", "demo_tick_run"]

NEW_CASE_CHANCE = 0.4
MOVES_PER_TICK = 2
RECENT_POOL = 40  # the next steps are taken among the newest open cases
MOVABLE = (
    CaseStatus.SUBMITTED,
    CaseStatus.ACCEPTED,
    CaseStatus.DISPATCHED,
    CaseStatus.IN_PROGRESS,
    CaseStatus.RESOLVED,
    CaseStatus.REVIEWED,
)
NOTES = ("已安排工作人员到现场核实情况", "已与诉求人电话联系,约定上门时间", "已制定处置方案,正在组织处置")


@dataclass
class TickResult:
    created: list[str] = field(default_factory=list)  # codes of the new cases
    moved: list[tuple[str, str]] = field(default_factory=list)  # (code, action)
    skipped: str = ""  # why nothing happened

    def as_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "moved": [f"{c}:{a}" for c, a in self.moved],
            "skipped": self.skipped,
        }


def demo_tick_enabled() -> bool:
    return bool(settings.DANGQUN.get("DEMO_TICK", False))


def demo_tick_run(*, rng: random.Random | None = None, force: bool = False) -> TickResult:
    """One tick of the living demo (see the module docstring); ``force`` ignores the setting."""
    result = TickResult()
    if not (force or demo_tick_enabled()):
        result.skipped = "DEMO_TICK is off"
        return result
    district = Region.objects.filter(code=DISTRICT_CODE, level=RegionLevel.DISTRICT).first()
    if district is None:
        result.skipped = "no demo district"
        return result
    r = rng or random.Random()
    if r.random() < NEW_CASE_CHANCE:
        case = _new_case(r, district)
        if case is not None:
            result.created.append(case.code)
    open_cases = list(
        Case.objects.filter(region_path__subtree=district.path, status__in=MOVABLE)
        .order_by("-submitted_at", "-id")
        .values_list("pk", flat=True)[:RECENT_POOL]
    )
    for _ in range(MOVES_PER_TICK):
        if not open_cases:
            break
        # the newest most likely: screens show the case that just arrived moving on
        case_id = open_cases[min(int(r.expovariate(0.25)), len(open_cases) - 1)]
        moved = _advance(r, case_id)
        if moved is not None:
            result.moved.append(moved)
    return result


# --- new cases -----------------------------------------------------------------------------------------


def _members(role: str, **scope: Any) -> list[User]:
    rows = Membership.objects.filter(role=role, is_active=True, user__is_active=True, **scope)
    return [m.user for m in rows.select_related("user").order_by("user_id")[:50]]


def _topic(r: random.Random) -> Topic:
    month = clock.local_today().month
    weights = [0.0 if (t.months and month not in t.months) or t.village else t.weight for t in TOPICS]
    return r.choices(TOPICS, weights=weights)[0]


def _category(topic: Topic) -> Category | None:
    by_key = {(c.parent_id, c.name): c for c in Category.objects.filter(is_active=True)}
    for names_path in (topic.builtin, topic.shared):
        found: Category | None = None
        for depth, name in enumerate(names_path):
            node = by_key.get((found.pk if found else None, name))
            if node is None:
                found = found if depth >= 2 else None
                break
            found = node
        if found is not None:
            return found
    return None


def _building(r: random.Random, district: Region) -> Building | None:
    buildings = Building.objects.filter(
        grid__path__subtree=district.path, lng__isnull=False, lat__isnull=False
    )
    count = buildings.count()
    if not count:
        return None
    return buildings.order_by("pk")[r.randrange(count)]


def _text(r: random.Random, template: str, place: str) -> str:
    return template.format(
        place=place,
        road=names.road_address(r),
        shop=names.shop_name(r)[0],
        firm=names.firm_name(r)[0],
        n=r.randint(2, 9),
        days=r.randint(2, 15),
        temp=r.randint(12, 16),
        unit=f"{r.randint(1, 6)}单元",
        floor=r.randint(1, 18),
    )


def _new_case(r: random.Random, district: Region) -> Case | None:
    building = _building(r, district)
    if building is None or building.lng is None or building.lat is None:
        return None
    topic = _topic(r)
    place = building.name or building.address
    by_app = r.random() < 0.4
    citizens = _members(Role.CITIZEN)
    operators = _members(Role.DISPATCHER, region=district)
    if by_app and citizens:
        actor = r.choice(citizens)
        channel, reporter_name, reporter_phone = CaseChannel.APP, actor.display_name, actor.phone
    elif operators:
        actor = r.choice(operators)
        channel = CaseChannel.HOTLINE_12345
        reporter_name = names.person_name(r, gender=r.choice("MF"), birth_year=r.randint(1950, 2000))
        reporter_phone = identifiers.mobile(r)
    else:
        return None
    kinds, weights = zip(*topic.types, strict=True)
    try:
        return case_create(
            actor=actor,
            channel=channel,
            title=_text(r, r.choice(topic.titles), place)[:120],
            description=_text(r, r.choice(topic.details), place),
            case_type=r.choices(kinds, weights=weights)[0],
            category=_category(topic),
            address=building.address,
            lng=building.lng,
            lat=building.lat,
            reporter_name=reporter_name,
            reporter_phone=reporter_phone,
        ).case
    except (DomainError, ValidationError):
        return None


# --- moving cases on -----------------------------------------------------------------------------------


def _dispatcher(r: random.Random, case: Case) -> User | None:
    region = case.handling_region
    if region is None or region.level == RegionLevel.DISTRICT:
        people = _members(Role.DISPATCHER, region=region) if region else []
    elif region.level == RegionLevel.STREET:
        people = _members(Role.STREET_STAFF, region=region)
    else:
        people = _members(Role.COMMUNITY_STAFF, region=region)
    return r.choice(people) if people else None


def _unit_staff(r: random.Random, task: CaseTask) -> User | None:
    if task.department_id is not None:
        people = _members(Role.DEPARTMENT_STAFF, department_id=task.department_id)
    else:
        region = task.region
        role = Role.STREET_STAFF if region and region.level == RegionLevel.STREET else Role.COMMUNITY_STAFF
        people = _members(role, region=region)
    return r.choice(people) if people else None


def _units(case: Case) -> tuple[Unit, list[Unit]] | None:
    """The suggested route; else the topic's usual unit: the case's community."""
    region = case.grid or case.region
    if region is None:
        return None
    route = suggest_route(
        category=case.category, region=region, title=case.title, description=case.description
    )
    co = [Unit(department=d) for d in route.co_departments]
    if route.lead_department is not None:
        return Unit(department=route.lead_department), co
    if route.lead_region is not None:
        return Unit(region=route.lead_region), co
    community = Region.objects.filter(
        path__in=region.ancestor_paths(), level=RegionLevel.COMMUNITY
    ).first() or (region if region.level == RegionLevel.COMMUNITY else None)
    if community is None:
        return None
    return Unit(region=community), []


def _advance(r: random.Random, case_id: int) -> tuple[str, str] | None:
    """The case's next step by the person whose turn it is; ``None`` when nobody could move it."""
    case = Case.objects.select_related("handling_region", "grid", "region", "category", "reporter").get(
        pk=case_id
    )
    tasks = list(CaseTask.objects.filter(case=case, status__in=ACTIVE_TASK_STATUSES).select_related("region"))
    pending = [t for t in tasks if t.status == TaskStatus.PENDING]
    lead = next((t for t in tasks if t.role == TaskRole.LEAD), None)
    action: Action
    params: dict[str, Any] = {}
    reason = ""
    actor: User | None
    if case.status == CaseStatus.SUBMITTED:
        action, actor = Action.ACCEPT, _dispatcher(r, case)
    elif case.status == CaseStatus.ACCEPTED:
        units = _units(case)
        if units is None:
            return None
        action, actor = Action.DISPATCH, _dispatcher(r, case)
        params = {"lead": units[0], "co_units": [u for u in units[1] if u.key != units[0].key]}
    elif pending:
        task = pending[0]
        action, actor, params = Action.SIGN, _unit_staff(r, task), {"task_id": task.pk}
    elif case.status == CaseStatus.IN_PROGRESS and lead is not None:
        actor = _unit_staff(r, lead)
        if r.random() < 0.3:
            action, reason, params = Action.NOTE, r.choice(NOTES), {"task_id": lead.pk}
        else:
            action, reason = Action.RESOLVE, "已现场处置完毕,问题已解决,已向诉求人反馈"
    elif case.status == CaseStatus.RESOLVED:
        action, actor = Action.REVIEW, _dispatcher(r, case)
    elif case.status == CaseStatus.REVIEWED:
        # the citizen rates their own case; otherwise the dispatcher's follow-up call records it
        by_reporter = case.channel == CaseChannel.APP and case.reporter_id is not None
        action, actor = Action.RATE, case.reporter if by_reporter else _dispatcher(r, case)
        params = {"satisfaction": Satisfaction.SATISFIED if r.random() < 0.9 else Satisfaction.BASICALLY}
    else:
        return None
    if actor is None:
        return None
    try:
        moved = case_transition(case=case.pk, action=action, actor=actor, reason=reason, **params)
    except (DomainError, ValidationError):
        return None
    return moved.code, str(action)
