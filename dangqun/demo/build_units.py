"""Businesses and institutions of each grid, and the party branches of those that are resident
units (驻区单位), placed under the working committee of their street."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass

from dangqun.demo import identifiers, names
from dangqun.demo.build_orgs import PartyOrgBuilder, party_org_code
from dangqun.demo.context import DISTRICT_CODE, SeedContext
from dangqun.demo.points import PointSampler
from dangqun.demo.tree import RegionTree
from dangqun.orgs.models import PartyOrg, PartyOrgKind
from dangqun.regions.models import Region, RegionKind, RegionLevel
from dangqun.registry.models import Business, BusinessKind, Institution, InstitutionKind

# Enterprise head-counts: (low, high, weight).
_EMPLOYEES = ((8, 29, 5), (30, 49, 2), (50, 120, 2), (121, 400, 1))
# Credit-code registrar and kind per institution kind (GB 32100: 1 机构编制 1 机关/2 事业, 5 民政 2 民非).
_INSTITUTION_CODE = {
    InstitutionKind.GOVERNMENT: ("1", "1"),
    InstitutionKind.PUBLIC: ("1", "2"),
    InstitutionKind.SCHOOL: ("1", "2"),
    InstitutionKind.HOSPITAL: ("1", "2"),
    InstitutionKind.SOCIAL_ORG: ("5", "2"),
}


@dataclass(frozen=True)
class InstitutionPlan:
    name: str
    kind: InstitutionKind
    staff: tuple[int, int]
    has_party_org: bool
    is_resident_unit: bool = True


def _district_institutions(district: str) -> list[InstitutionPlan]:
    g, p, s, h, o = (InstitutionKind.GOVERNMENT, InstitutionKind.PUBLIC, InstitutionKind.SCHOOL,
                     InstitutionKind.HOSPITAL, InstitutionKind.SOCIAL_ORG)  # fmt: skip
    return [
        InstitutionPlan(f"{district}人民政府", g, (260, 320), False),
        InstitutionPlan(f"{district}人民医院", h, (380, 460), True),
        InstitutionPlan(f"{district}中医院", h, (150, 200), True),
        InstitutionPlan("丹东市第六中学", s, (130, 170), True),
        InstitutionPlan("丹东市第十四中学", s, (110, 150), True),
        InstitutionPlan(f"{district}实验小学", s, (80, 110), True),
        InstitutionPlan(f"{district}图书馆", p, (18, 26), True),
        InstitutionPlan(f"{district}文化馆", p, (15, 22), True),
        InstitutionPlan(f"{district}人才建设和社会保障服务中心", p, (30, 40), True),
        InstitutionPlan(f"{district}退役军人服务中心", p, (10, 14), False),
        InstitutionPlan(f"{district}老年大学", p, (8, 12), False),
        InstitutionPlan("小萌希望儿童动态能力提升中心", o, (10, 16), False),
        InstitutionPlan(f"{district}志愿者协会", o, (6, 10), True),
        InstitutionPlan(f"{district}阳光社会工作服务中心", o, (12, 20), True),
    ]


def _level2_institutions(unit: Region) -> list[InstitutionPlan]:
    if unit.kind == RegionKind.TOWN:
        return [
            InstitutionPlan(f"{unit.name}人民政府", InstitutionKind.GOVERNMENT, (45, 70), False),
            InstitutionPlan(f"{unit.name}中心卫生院", InstitutionKind.HOSPITAL, (30, 50), True),
            InstitutionPlan(f"{unit.name}中心小学", InstitutionKind.SCHOOL, (40, 60), True),
        ]
    return [
        InstitutionPlan(f"{unit.name}办事处", InstitutionKind.GOVERNMENT, (40, 80), False),
        InstitutionPlan(f"{unit.name}社区卫生服务中心", InstitutionKind.HOSPITAL, (25, 60), True),
    ]


def _level3_institutions(rng: random.Random, unit: Region, district: str) -> list[InstitutionPlan]:
    base = unit.name.removesuffix("社区").removesuffix("村")
    if unit.kind == RegionKind.VILLAGE:
        return [
            InstitutionPlan(f"{unit.name}党群服务中心", InstitutionKind.PUBLIC, (3, 6), False, False),
            InstitutionPlan(f"{unit.name}卫生室", InstitutionKind.HOSPITAL, (2, 4), False, False),
        ]
    plans = [InstitutionPlan(f"{unit.name}党群服务中心", InstitutionKind.PUBLIC, (6, 12), False, False)]
    if rng.random() < 0.35:
        plans.append(InstitutionPlan(f"{district}{base}小学", InstitutionKind.SCHOOL, (40, 90), True))
    if rng.random() < 0.5:
        plans.append(
            InstitutionPlan(f"{base}幼儿园", InstitutionKind.SCHOOL, (10, 25), False, rng.random() < 0.5)
        )
    return plans


class UnitPlanner:
    def __init__(self, ctx: SeedContext, tree: RegionTree) -> None:
        self.ctx = ctx
        self.tree = tree
        self.orgs = PartyOrgBuilder(ctx)
        self.street_orgs = {
            org.region_id: org
            for org in PartyOrg.objects.filter(
                region__level=RegionLevel.STREET, region__path__subtree=tree.district.path
            )
        }
        self.org_numbers: dict[int, int] = defaultdict(int)
        self.institution_plans = self._place_institutions()

    def _place_institutions(self) -> dict[int, list[InstitutionPlan]]:
        """Which grid each institution sits in: district-wide ones anywhere in town communities,
        the others inside their own street or community."""
        placed: dict[int, list[InstitutionPlan]] = defaultdict(list)
        district = self.tree.district
        rng = self.ctx.rng("institutions", district.code)
        urban = [g for g in self.tree.grids() if not self.tree.is_village(g)] or self.tree.grids()
        for plan in _district_institutions(district.name):
            placed[rng.choice(urban).pk].append(plan)
        for unit in self.tree.streets():
            for plan in _level2_institutions(unit):
                placed[rng.choice(self.tree.grids_under(unit)).pk].append(plan)
        for unit in self.tree.communities():
            r = self.ctx.rng("institutions", unit.code)
            grids = self.tree.grids_under(unit)
            for position, plan in enumerate(_level3_institutions(r, unit, district.name)):
                placed[(grids[0] if position == 0 else r.choice(grids)).pk].append(plan)
        return placed

    def _branch(self, rng: random.Random, grid: Region, unit_name: str, address: str) -> PartyOrg:
        street = self.tree.ancestor(grid, RegionLevel.STREET)
        self.org_numbers[street.pk] += 1
        return self.orgs.add(
            rng, code=party_org_code(street.code, f"U{self.org_numbers[street.pk]:03d}"),
            name=f"中共{unit_name}支部委员会", short_name=f"{unit_name}党支部", kind=PartyOrgKind.BRANCH,
            parent=self.street_orgs[street.pk], region=None, address=address, founded=(1998, 2023),
        )  # fmt: skip

    def flush_party_orgs(self) -> None:
        self.orgs.flush()

    def businesses(
        self, rng: random.Random, grid: Region, sampler: PointSampler, *, village: bool
    ) -> list[Business]:
        rows = []
        for _ in range(rng.randint(0, 2) if village else rng.randint(1, 6)):
            name, industry = names.shop_name(rng)
            individual = rng.random() < 0.45
            rows.append(
                self._business(
                    rng,
                    grid=grid,
                    point=sampler.near_edge(rng),
                    name=name,
                    kind=BusinessKind.INDIVIDUAL if individual else BusinessKind.SHOP,
                    industry=industry,
                    employees=rng.randint(1, 4) if individual else rng.randint(2, 8),
                )
            )
        if not village and rng.random() < 0.03:
            community = self.tree.ancestor(grid, RegionLevel.COMMUNITY)
            rows.append(
                self._business(
                    rng,
                    grid=grid,
                    point=sampler.inside(rng),
                    name=f"{community.name.removesuffix('社区')}农贸市场",
                    kind=BusinessKind.MARKET,
                    industry="批发零售",
                    employees=rng.randint(20, 60),
                )
            )
        if rng.random() < (0.12 if village else 0.25):
            name, industry = names.firm_name(rng)
            low, high, _ = rng.choices(_EMPLOYEES, weights=[w for *_, w in _EMPLOYEES])[0]
            firm = self._business(
                rng,
                grid=grid,
                point=sampler.inside(rng),
                name=name,
                kind=BusinessKind.ENTERPRISE,
                industry=industry,
                employees=rng.randint(low, high),
            )
            if firm.employees >= 50 and rng.random() < 0.7:
                firm.is_resident_unit = True
                firm.party_org = self._branch(rng, grid, name, firm.address)
            rows.append(firm)
        return rows

    def _business(
        self,
        rng: random.Random,
        *,
        grid: Region,
        point: tuple[float, float],
        name: str,
        kind: str,
        industry: str,
        employees: int,
    ) -> Business:
        birth_year = rng.randint(1960, 1996)
        return Business(
            name=name,
            kind=kind,
            credit_code=identifiers.credit_code(
                rng, area_code=DISTRICT_CODE, kind="2" if kind == BusinessKind.INDIVIDUAL else "1"
            ),
            industry=industry,
            legal_person=names.person_name(rng, gender=rng.choice("MF"), birth_year=birth_year),
            phone=identifiers.mobile(rng),
            employees=employees,
            grid=grid,
            address=f"{self.tree.district.address}{names.road_address(rng)}",
            lng=point[0],
            lat=point[1],
        )

    def institutions(self, rng: random.Random, grid: Region, sampler: PointSampler) -> list[Institution]:
        rows = []
        for plan in self.institution_plans.get(grid.pk, []):
            registrar, kind = _INSTITUTION_CODE[plan.kind]
            lng, lat = sampler.inside(rng)
            address = f"{self.tree.district.address}{names.road_address(rng)}"
            institution = Institution(
                name=plan.name,
                kind=plan.kind,
                credit_code=identifiers.credit_code(
                    rng, area_code=DISTRICT_CODE, registrar=registrar, kind=kind
                ),
                contact_name=names.person_name(
                    rng, gender=rng.choice("MF"), birth_year=rng.randint(1965, 1992)
                ),
                phone=identifiers.landline(rng),
                staff_count=rng.randint(*plan.staff),
                is_resident_unit=plan.is_resident_unit,
                grid=grid,
                address=address,
                lng=lng,
                lat=lat,
            )
            if plan.has_party_org:
                institution.party_org = self._branch(rng, grid, plan.name, address)
            rows.append(institution)
        return rows
