"""A small world for the web pages, built with plain ORM creates.

元宝区 (district) ─ 六道口街道 ─ 锦江社区 ─ 锦江花园小区 ─ 锦江一网格, 锦江二网格
                 └ 金山街道   ─ 春江社区 ─ 春江一网格 (directly under the community)

Boundaries are small squares near 110.35°E 30.0°N (WGS-84), far from the seeded demo district, and
codes start with ``W`` and usernames with ``web_``, so this world sits beside the demo data when a
session has loaded it. Every role has a user here (password ``Dangqun@2026``), keyed by role name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from dangqun.accounts.models import Membership, Role, User
from dangqun.core.fields import join_path
from dangqun.core.models import AuditEvent
from dangqun.orgs.models import Department, PartyOrg, PartyOrgKind
from dangqun.party.models import PartyMember
from dangqun.regions.geoindex import invalidate_grid_index
from dangqun.regions.models import KIND_LEVEL, Region, RegionKind
from dangqun.registry.models import (
    Building,
    Facility,
    FacilityKind,
    FacilityStatus,
    Household,
    Resident,
    ResidentTag,
)

PASSWORD = "Dangqun@2026"
BASE_LNG, BASE_LAT = 110.35, 30.0


def square(x0: float, y0: float, size: float) -> dict[str, Any]:
    """A GeoJSON square with its south-west corner ``size`` degrees from (BASE + offsets)."""
    lng, lat = BASE_LNG + x0, BASE_LAT + y0
    ring = [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def make_region(
    code: str, name: str, kind: str, parent: Region | None, box: tuple[float, float, float] | None = None
) -> Region:
    boundary = square(*box) if box else None
    centre = (BASE_LNG + box[0] + box[2] / 2, BASE_LAT + box[1] + box[2] / 2) if box else (None, None)
    return Region.objects.create(
        code=code,
        name=name,
        kind=kind,
        level=KIND_LEVEL[kind],
        parent=parent,
        path=join_path(parent.path if parent else None, code),
        boundary=boundary,
        centroid_lng=centre[0],
        centroid_lat=centre[1],
        area_km2=round((box[2] * 111) ** 2, 3) if box else None,
    )


def make_user(username: str, display_name: str, phone: str = "", **membership: Any) -> User:
    user = User.objects.create_user(
        username=f"web_{username}", password=PASSWORD, display_name=display_name, phone=phone
    )
    if membership:
        Membership.objects.create(user=user, **membership)
    return user


@dataclass
class World:
    district: Region
    streets: list[Region]
    communities: list[Region]
    compound: Region
    grids: list[Region]  # 锦江一网格, 锦江二网格, 春江一网格
    orgs: dict[str, PartyOrg]
    departments: list[Department]
    buildings: list[Building]
    residents: list[Resident]
    users: dict[str, User] = field(default_factory=dict)


@pytest.fixture
def world(db: Any) -> Iterator[World]:
    district = make_region("W210603", "元宝区", RegionKind.DISTRICT, None, (0, 0, 0.4))
    s1 = make_region("W210603001", "六道口街道", RegionKind.STREET, district, (0, 0, 0.2))
    s2 = make_region("W210603002", "金山街道", RegionKind.STREET, district, (0.2, 0, 0.2))
    c1 = make_region("W210603001001", "锦江社区", RegionKind.COMMUNITY, s1, (0, 0, 0.1))
    c2 = make_region("W210603002001", "春江社区", RegionKind.COMMUNITY, s2, (0.2, 0, 0.1))
    p1 = make_region("W210603001001C01", "锦江花园小区", RegionKind.COMPOUND, c1, (0, 0, 0.1))
    g1 = make_region("W210603001001C01G01", "锦江一网格", RegionKind.GRID, p1, (0, 0, 0.05))
    g2 = make_region("W210603001001C01G02", "锦江二网格", RegionKind.GRID, p1, (0.05, 0, 0.05))
    g3 = make_region("W210603002001G01", "春江一网格", RegionKind.GRID, c2, (0.2, 0, 0.05))
    invalidate_grid_index()

    def org(
        code: str, name: str, kind: str, parent: PartyOrg | None, region: Region | None, **kw: Any
    ) -> PartyOrg:
        return PartyOrg.objects.create(
            code=code,
            name=name,
            kind=kind,
            parent=parent,
            region=region,
            path=join_path(parent.path if parent else None, code),
            **kw,
        )

    district_org = org("WD01", "中共元宝区委", PartyOrgKind.COMMITTEE, None, district)
    s1_org = org(
        "WS01",
        "六道口街道党工委",
        PartyOrgKind.WORKING_COMMITTEE,
        district_org,
        s1,
        secretary_name="王书记",
        contact_phone="0415-2100001",
    )
    s2_org = org("WS02", "金山街道党工委", PartyOrgKind.WORKING_COMMITTEE, district_org, s2)
    c1_org = org(
        "WC01",
        "锦江社区党委",
        PartyOrgKind.COMMITTEE,
        s1_org,
        c1,
        secretary_name="李书记",
        contact_phone="0415-2100002",
    )
    c2_org = org("WC02", "春江社区党委", PartyOrgKind.COMMITTEE, s2_org, c2)
    p1_org = org("WP01", "锦江花园小区党支部", PartyOrgKind.BRANCH, c1_org, p1, secretary_name="赵支书")
    for i in range(3):
        PartyMember.objects.create(party_org=p1_org, name=f"党员甲{i}", gender="M")
    PartyMember.objects.create(party_org=c1_org, name="党员乙", gender="F")
    PartyMember.objects.create(party_org=c2_org, name="党员丙", gender="F")

    city = Department.objects.create(
        code="WCG",
        name="区城市管理局",
        region=district,
        duties="市容环境、路灯管理",
        contact_phone="0415-2200001",
        sort_order=1,
    )
    water = Department.objects.create(
        code="WSW", name="区水务局", region=district, duties="供排水", sort_order=2
    )
    for i, (kind, status) in enumerate(
        [
            (FacilityKind.STREET_LAMP, FacilityStatus.NORMAL),
            (FacilityKind.STREET_LAMP, FacilityStatus.DAMAGED),
            (FacilityKind.MANHOLE, FacilityStatus.REPAIRING),
        ]
    ):
        Facility.objects.create(
            code=f"WF{i}", kind=kind, name=f"设施{i}", status=status, grid=g1, owner_department=city
        )
    Facility.objects.create(
        code="WFW", kind=FacilityKind.HYDRANT, name="消火栓", grid=g3, owner_department=water
    )

    alone = ResidentTag.objects.create(code="w_elderly_alone", name="独居老人", needs_visits=True)
    disabled = ResidentTag.objects.create(code="w_disabled", name="残疾人", needs_visits=True)
    ResidentTag.objects.create(code="w_veteran", name="退役军人", needs_visits=False)

    b1 = Building.objects.create(code="WB-G1-1", name="锦江花园1号楼", grid=g1, floors=6, units=2)
    b3 = Building.objects.create(code="WB-G3-1", name="春江小区8号楼", grid=g3, floors=18)
    h1 = Household.objects.create(code="WH-G1-101", building=b1, grid=g1, room="1单元101", head_name="张大爷")
    h3 = Household.objects.create(code="WH-G3-801", building=b3, grid=g3, room="801", head_name="陈女士")
    r1 = Resident.objects.create(
        household=h1, grid=g1, name="张大爷", gender="M", id_number="210603194501011234", phone="13812345678"
    )
    r1.tags.add(alone)
    r2 = Resident.objects.create(
        household=h1,
        grid=g1,
        name="张小明",
        gender="M",
        id_number="210603199001015678",
        phone="13900001111",
        is_party_member=True,
    )
    r3 = Resident.objects.create(
        household=h3, grid=g3, name="陈女士", gender="F", id_number="210603198001019999", phone="13700002222"
    )
    r3.tags.add(disabled)

    users = {
        "citizen": make_user("citizen", "市民小王"),
        "grid_worker": make_user("grid_worker", "刘网格", "13600000001", role=Role.GRID_WORKER, region=g1),
        "grid_leader": make_user("grid_leader", "周网格长", "13600000002", role=Role.GRID_LEADER, region=g1),
        "community_staff": make_user("community_staff", "社区小孙", role=Role.COMMUNITY_STAFF, region=c1),
        "street_staff": make_user("street_staff", "街道小钱", role=Role.STREET_STAFF, region=s1),
        "department_staff": make_user(
            "department_staff", "城管小吴", role=Role.DEPARTMENT_STAFF, department=city
        ),
        "dispatcher": make_user("dispatcher", "调度小郑", role=Role.DISPATCHER, region=district),
        "leader": make_user("leader", "区领导", role=Role.LEADER, region=district),
        "party_admin": make_user("party_admin", "党务小冯", role=Role.PARTY_ADMIN, party_org=c1_org),
        "sysadmin": make_user("sysadmin", "管理员", role=Role.SYSADMIN),
    }
    make_user("other_worker", "春江网格员", "13600000009", role=Role.GRID_WORKER, region=g3)
    AuditEvent.objects.create(
        event_type="regions.boundary_changed",
        actor_label="sysadmin 管理员",
        target_type="regions.region",
        target_id=str(g1.pk),
    )
    yield World(
        district=district,
        streets=[s1, s2],
        communities=[c1, c2],
        compound=p1,
        grids=[g1, g2, g3],
        orgs={"district": district_org, "s1": s1_org, "s2": s2_org, "c1": c1_org, "c2": c2_org, "p1": p1_org},
        departments=[city, water],
        buildings=[b1, b3],
        residents=[r1, r2, r3],
        users=users,
    )
    # The world's grids lived only in this test's transaction: the process's grid index must not
    # answer the next test from them.
    invalidate_grid_index()


@pytest.fixture
def client_as(world: World) -> Callable[[str], Client]:
    """A test client signed in as one of the personas (session login, no password round trip)."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(world.users[username])
        return client

    return make
