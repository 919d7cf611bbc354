"""Stage 3: the grid registries — buildings, households, residents with tags, businesses,
institutions and facilities — and the party branches of resident units (驻区单位)."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field

from shapely.geometry import shape

from dangqun.demo import households, identifiers, names
from dangqun.demo.build_units import UnitPlanner
from dangqun.demo.context import DISTRICT_CODE, SeedContext, random_birth_date
from dangqun.demo.facilities import facilities_for_grid
from dangqun.demo.points import PointSampler
from dangqun.demo.tree import RegionTree
from dangqun.orgs.models import Department
from dangqun.regions.models import Region, RegionLevel
from dangqun.registry.models import (
    Building,
    BuildingKind,
    Business,
    Facility,
    Household,
    HousingKind,
    Institution,
    Resident,
    ResidentTag,
)

FLUSH_EVERY_GRIDS = 40
FLOATING_AREA_CODES = tuple(c for c in identifiers.LIAONING_AREA_CODES if c != DISTRICT_CODE)


def seed_tags(ctx: SeedContext) -> dict[str, ResidentTag]:
    """The resident tags the seed uses; existing rows with the same code are kept as they are."""
    tags = {}
    for code, name, description, needs_visits in households.TAGS:
        tag, created = ResidentTag.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "needs_visits": needs_visits}
        )
        ctx.counts["resident_tags"] += int(created)
        tags[code] = tag
    return tags


@dataclass
class _Pending:
    buildings: list[Building] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)
    residents: list[Resident] = field(default_factory=list)
    resident_tags: list[tuple[Resident, set[str]]] = field(default_factory=list)
    businesses: list[Business] = field(default_factory=list)
    institutions: list[Institution] = field(default_factory=list)
    facilities: list[Facility] = field(default_factory=list)


class RegistrySeeder:
    def __init__(self, ctx: SeedContext, tree: RegionTree, tags: dict[str, ResidentTag]) -> None:
        self.ctx = ctx
        self.tree = tree
        self.tags = tags
        self.ids = identifiers.IdNumberAllocator()
        self.pending = _Pending()
        self.compound_building_numbers: dict[int, int] = defaultdict(int)
        self.compound_years: dict[int, int] = {}
        self.departments = {d.short_name: d for d in Department.objects.filter(region=tree.district)}
        self.units = UnitPlanner(ctx, tree)
        rng = ctx.rng("employers")
        self.employers = [names.firm_name(rng)[0] for _ in range(40)] + [
            f"{tree.district.name}人民医院",
            f"{tree.district.name}人民政府",
            "丹东市第六中学",
            f"{tree.district.name}实验小学",
            "丹东港口物流园",
            "丹东市中心医院",
        ]

    def run(self) -> None:
        grids = self.tree.grids()
        for position, grid in enumerate(self.ctx.progress(grids, "网格数据"), start=1):
            self.seed_grid(grid)
            if position % FLUSH_EVERY_GRIDS == 0:
                self.flush()
        self.flush()

    # --- one grid ---------------------------------------------------------------------------------

    def seed_grid(self, grid: Region) -> None:
        rng = self.ctx.rng("grid", grid.code)
        sampler = PointSampler(shape(grid.boundary))
        village = self.tree.is_village(grid)
        if village:
            self._bungalows(rng, grid, sampler)
        else:
            self._apartments(rng, grid, sampler)
        self.pending.businesses.extend(self.units.businesses(rng, grid, sampler, village=village))
        self.pending.institutions.extend(self.units.institutions(rng, grid, sampler))
        village_name = self.tree.ancestor(grid, RegionLevel.COMMUNITY).name if village else None
        self.pending.facilities.extend(
            facilities_for_grid(rng, grid, sampler, self.departments, village_name=village_name)
        )

    def _apartments(self, rng: random.Random, grid: Region, sampler: PointSampler) -> None:
        compound = self.tree.ancestor(grid, RegionLevel.COMPOUND)
        if compound.pk not in self.compound_years:
            self.compound_years[compound.pk] = self.ctx.rng("compound-year", compound.code).randint(
                1982, 2021
            )
        base_year = self.compound_years[compound.pk]
        wanted = [households.household(rng, village=False) for _ in range(rng.randint(36, 55))]
        rooms: list[tuple[Building, int, int, int]] = []
        number = 0
        while len(rooms) < len(wanted) * 1.08:
            number += 1
            self.compound_building_numbers[compound.pk] += 1
            floors = rng.randint(5, 7) if base_year < 2002 or rng.random() < 0.3 else rng.randint(11, 18)
            units = rng.randint(2, 4) if floors <= 7 else rng.randint(1, 2)
            lng, lat = sampler.inside(rng)
            name = f"{self.compound_building_numbers[compound.pk]}号楼"
            building = Building(
                code=f"{grid.code}-B{number:02d}",
                name=name,
                kind=BuildingKind.MIXED if rng.random() < 0.08 else BuildingKind.RESIDENTIAL,
                floors=floors,
                units=units,
                built_year=min(2025, max(1980, base_year + rng.randint(-2, 2))),
                grid=grid,
                address=f"{compound.address}{name}",
                lng=lng,
                lat=lat,
            )
            self.pending.buildings.append(building)
            rooms.extend(
                (building, u, f, d) for u in range(1, units + 1) for f in range(1, floors + 1) for d in (1, 2)
            )
        taken = sorted(rng.sample(range(len(rooms)), len(wanted)))
        for spec, index in zip(wanted, taken, strict=True):
            building, unit, floor, door = rooms[index]
            room = f"{unit}单元{floor}{door:02d}室"
            code = f"{building.code}-{unit}-{floor:02d}{door:02d}"
            self._household(rng, spec, building=building, grid=grid, room=room, code=code, rented_rate=0.15)

    def _bungalows(self, rng: random.Random, grid: Region, sampler: PointSampler) -> None:
        village = self.tree.ancestor(grid, RegionLevel.COMMUNITY)
        group = grid.sort_order
        for number in range(1, rng.randint(30, 50) + 1):
            spec = households.household(rng, village=True)
            lng, lat = sampler.inside(rng)
            name = f"{village.name}{names.chinese_ordinal(group) if group <= 99 else group}组{number}号"
            building = Building(
                code=f"{grid.code}-B{number:03d}",
                name=name,
                kind=BuildingKind.BUNGALOW,
                floors=1 if rng.random() < 0.85 else 2,
                units=1,
                built_year=rng.randint(1975, 2018),
                grid=grid,
                address=f"{village.address}{name}",
                lng=lng,
                lat=lat,
            )
            self.pending.buildings.append(building)
            self._household(
                rng,
                spec,
                building=building,
                grid=grid,
                room="1户",
                code=f"{building.code}-1",
                rented_rate=0.03,
            )

    def _household(
        self,
        rng: random.Random,
        spec: households.HouseholdSpec,
        *,
        building: Building,
        grid: Region,
        room: str,
        code: str,
        rented_rate: float,
    ) -> None:
        if not spec.members:
            self.pending.households.append(
                Household(code=code, building=building, grid=grid, room=room, housing=HousingKind.VACANT)
            )
            return
        rented = rng.random() < rented_rate
        floating = rented and rng.random() < 0.45
        males = [m for m in spec.members[:2] if m.gender == "M"]
        family = names.surname(rng)
        residents = []
        for member in spec.members:
            birth = random_birth_date(rng, member.age)
            own_family = (
                family if member is spec.members[0] or member.relation in ("子女", "孙子女") else None
            )
            if member.relation in ("子女", "孙子女") and not males:
                own_family = None if rng.random() < 0.5 else family
            area = rng.choice(FLOATING_AREA_CODES) if floating else DISTRICT_CODE
            resident = Resident(
                household=None,
                grid=grid,
                name=names.person_name(rng, gender=member.gender, birth_year=birth.year, family=own_family),
                gender=member.gender,
                birth_date=birth,
                ethnicity=households.ethnicity(rng),
                id_number=self.ids.allocate(rng, area_code=area, birth_date=birth, gender=member.gender),
                phone=identifiers.mobile(rng) if 14 <= member.age <= 85 or rng.random() < 0.4 else "",
                relation_to_head=member.relation,
                is_floating=floating,
                is_party_member=rng.random() < households.party_member_rate(member.age),
                work_unit=households.work_unit(rng, member.age, self.employers),
            )
            residents.append(resident)
            if member.tags:
                self.pending.resident_tags.append((resident, member.tags))
        head = residents[0]
        household = Household(
            code=code,
            building=building,
            grid=grid,
            room=room,
            housing=HousingKind.RENTED if rented else HousingKind.OWNED,
            head_name=head.name,
            members_count=len(residents),
        )
        for resident in residents:
            resident.household = household
        self.pending.households.append(household)
        self.pending.residents.extend(residents)
        if not building.manager_name and head.phone and spec.members[0].age >= 30:
            building.manager_name, building.manager_phone = head.name, head.phone

    # --- writing ----------------------------------------------------------------------------------

    def flush(self) -> None:
        p = self.pending
        self.ctx.insert(Building, p.buildings)
        self.ctx.insert(Household, p.households)
        self.ctx.insert(Resident, p.residents)
        through = Resident.tags.through
        links = [
            through(resident_id=resident.pk, residenttag_id=self.tags[code].pk)
            for resident, codes in p.resident_tags
            for code in sorted(codes)
        ]
        self.ctx.insert(through, links, label="resident_tag_links")
        self.units.flush_party_orgs()
        self.ctx.insert(Business, p.businesses)
        self.ctx.insert(Institution, p.institutions)
        self.ctx.insert(Facility, p.facilities)
        self.pending = _Pending()


def seed_registry(ctx: SeedContext, tree: RegionTree) -> None:
    RegistrySeeder(ctx, tree, seed_tags(ctx)).run()
