"""Fixtures for the case workflow: the demo district's personas and units, a category, a co-unit."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from dangqun.accounts.models import Membership, Role, User
from dangqun.accounts.services import membership_grant, user_create
from dangqun.cases.models import Case, Category
from dangqun.cases.services.intake import case_create
from dangqun.cases.services.transition import Unit, case_transition
from dangqun.cases.workflow import Action
from dangqun.core.fields import join_path
from dangqun.orgs.models import Department
from dangqun.regions.models import Region


@dataclass
class World:
    citizen: User
    other_citizen: User
    grid_worker: User
    community_staff: User
    street_staff: User
    dispatcher: User
    leader: User
    lead_staff: User
    co_staff: User
    outsider_staff: User
    party_admin: User
    grid: Region
    lead_department: Department
    co_department: Department
    category: Category


def _user(username: str) -> User:
    return User.objects.get(username=username)


@pytest.fixture
def world(demo) -> World:  # type: ignore[no-untyped-def]
    lead = Membership.objects.get(user__username="department_staff", role=Role.DEPARTMENT_STAFF).department
    others = list(Department.objects.exclude(pk=lead.pk).order_by("code")[:2])
    co_staff = user_create(actor=None, username="co_staff", password=None, display_name="协办人员")
    membership_grant(actor=None, user=co_staff, role=Role.DEPARTMENT_STAFF, department=others[0])
    outsider = user_create(actor=None, username="outsider_staff", password=None, display_name="无关部门")
    membership_grant(actor=None, user=outsider, role=Role.DEPARTMENT_STAFF, department=others[1])
    other_citizen = user_create(
        actor=None, username="other_citizen", password=None, display_name="另一位居民"
    )
    category = Category.objects.create(code="T01", name="市政设施", level=1, path=join_path(None, "T01"))
    grid = Membership.objects.get(user__username="grid_worker", role=Role.GRID_WORKER).region
    assert grid is not None
    return World(
        citizen=_user("citizen"),
        other_citizen=other_citizen,
        grid_worker=_user("grid_worker"),
        community_staff=_user("community_staff"),
        street_staff=_user("street_staff"),
        dispatcher=_user("dispatcher"),
        leader=_user("leader"),
        lead_staff=_user("department_staff"),
        co_staff=co_staff,
        outsider_staff=outsider,
        party_admin=_user("party_admin"),
        grid=grid,
        lead_department=lead,
        co_department=others[0],
        category=category,
    )


def submit(world: World, **overrides: object) -> Case:
    fields: dict[str, object] = {
        "actor": world.citizen,
        "channel": "app",
        "title": "路灯不亮",
        "description": "小区门口的路灯连续三晚不亮,夜里出行不便。",
        "category": world.category,
        "lng": world.grid.centroid_lng,
        "lat": world.grid.centroid_lat,
        "reporter_phone": "13800001234",
    }
    fields.update(overrides)
    return case_create(**fields).case  # type: ignore[arg-type]


def dispatched(world: World, case: Case | None = None) -> Case:
    case = case or submit(world)
    case_transition(case=case, action=Action.ACCEPT, actor=world.dispatcher)
    return case_transition(
        case=case,
        action=Action.DISPATCH,
        actor=world.dispatcher,
        lead=Unit(department=world.lead_department),
        co_units=[Unit(department=world.co_department)],
    )


def in_progress(world: World) -> Case:
    case = dispatched(world)
    return case_transition(case=case, action=Action.SIGN, actor=world.lead_staff)


def resolved(world: World) -> Case:
    case = in_progress(world)
    return case_transition(case=case, action=Action.RESOLVE, actor=world.lead_staff, reason="已更换灯泡")


def reviewed(world: World) -> Case:
    case = resolved(world)
    return case_transition(case=case, action=Action.REVIEW, actor=world.dispatcher)
