"""Stage 4: party members. Residents flagged as party members join the branch of their compound
(or their village's branch); resident units and departments get members who work there."""

from __future__ import annotations

import datetime as dt
import random

from dangqun.demo import identifiers, names
from dangqun.demo.context import DISTRICT_CODE, REFERENCE_DATE, SeedContext, add_years, random_birth_date
from dangqun.demo.tree import RegionTree
from dangqun.orgs.models import Department, PartyOrg, PartyOrgKind
from dangqun.party.models import PartyMember
from dangqun.registry.models import Business, Institution, Resident

PROBATIONARY_RATE = 0.08
_EDUCATION = ("初中及以下", "高中/中专", "大专", "大学本科", "研究生")
_EDUCATION_WEIGHTS = {0: (45, 35, 12, 8, 0), 1: (20, 35, 25, 18, 2), 2: (4, 14, 30, 44, 8)}


def education(rng: random.Random, birth_year: int) -> str:
    cohort = 0 if birth_year < 1960 else 1 if birth_year < 1980 else 2
    return rng.choices(_EDUCATION, weights=_EDUCATION_WEIGHTS[cohort])[0]


def joined(rng: random.Random, birth_date: dt.date) -> tuple[dt.date, bool]:
    """(joined_on, is_probationary): probationary members joined within the last year; everyone
    joined at 18 or later."""
    adult = add_years(birth_date, 18)
    last_year = REFERENCE_DATE - dt.timedelta(days=364)
    if rng.random() < PROBATIONARY_RATE or adult >= last_year:
        start = max(adult, last_year)
        return start + dt.timedelta(days=rng.randrange((REFERENCE_DATE - start).days + 1)), True
    full_until = last_year - dt.timedelta(days=1)
    # Most join between 20 and 40.
    earliest = add_years(adult, 2)
    latest = min(full_until, add_years(adult, 22))
    if latest < earliest:
        earliest, latest = adult, full_until
    return earliest + dt.timedelta(days=rng.randrange((latest - earliest).days + 1)), False


class PartySeeder:
    def __init__(self, ctx: SeedContext, tree: RegionTree) -> None:
        self.ctx = ctx
        self.tree = tree
        orgs = list(PartyOrg.objects.filter(path__subtree=f"/P{DISTRICT_CODE}/").order_by("path"))
        self.org_by_region = {o.region_id: o for o in orgs if o.region_id and o.kind != PartyOrgKind.GROUP}
        self.unit_branches = [o for o in orgs if o.region_id is None]
        self.sizes = self._unit_sizes()
        self.ids = identifiers.IdNumberAllocator()
        self.ids.reserve(
            Resident.objects.filter(grid__path__subtree=tree.district.path).values_list(
                "id_number", flat=True
            )
        )

    def branch_for_grid(self, grid_id: int) -> PartyOrg:
        """The compound's branch, or the village's branch for a village grid."""
        grid = self.tree.by_id[grid_id]
        parent = self.tree.by_id[grid.parent_id or 0]
        return self.org_by_region[parent.pk]

    def run(self) -> None:
        members: list[PartyMember] = []
        residents = (
            Resident.objects.filter(grid__path__subtree=self.tree.district.path, is_party_member=True)
            .only("pk", "grid_id", "name", "gender", "birth_date", "id_number", "phone", "work_unit")
            .order_by("pk")
        )
        for resident in residents.iterator(chunk_size=5000):
            assert resident.birth_date is not None  # noqa: S101 - the seed sets every birth date
            rng = self.ctx.rng("member", resident.id_number)
            joined_on, probationary = joined(rng, resident.birth_date)
            members.append(
                PartyMember(
                    party_org=self.branch_for_grid(resident.grid_id),
                    resident=resident,
                    name=resident.name,
                    gender=resident.gender,
                    birth_date=resident.birth_date,
                    id_number=resident.id_number,
                    phone=resident.phone,
                    education=education(rng, resident.birth_date.year),
                    joined_on=joined_on,
                    is_probationary=probationary,
                    work_unit=resident.work_unit,
                )
            )
        for branch in self.ctx.progress(self.unit_branches, "党员"):
            members.extend(self._working_members(branch))
        self.ctx.insert(PartyMember, members)

    def _working_members(self, branch: PartyOrg) -> list[PartyMember]:
        rng = self.ctx.rng("unit-members", branch.code)
        unit_name = branch.short_name.removesuffix("党支部")
        size = self.sizes.get(branch.pk, 20)
        rows = []
        for _ in range(max(3, min(45, round(size * rng.uniform(0.15, 0.35))))):
            gender = "M" if rng.random() < 0.55 else "F"
            birth = random_birth_date(rng, rng.randint(24, 59))
            joined_on, probationary = joined(rng, birth)
            area = DISTRICT_CODE if rng.random() < 0.7 else rng.choice(identifiers.LIAONING_AREA_CODES)
            rows.append(
                PartyMember(
                    party_org=branch,
                    name=names.person_name(rng, gender=gender, birth_year=birth.year),
                    gender=gender,
                    birth_date=birth,
                    id_number=self.ids.allocate(rng, area_code=area, birth_date=birth, gender=gender),
                    phone=identifiers.mobile(rng),
                    education=education(rng, birth.year),
                    joined_on=joined_on,
                    is_probationary=probationary,
                    work_unit=unit_name,
                )
            )
        return rows

    @staticmethod
    def _unit_sizes() -> dict[int, int]:
        """Head-count of the unit behind each unit or department branch."""
        sizes: dict[int, int] = dict(
            Institution.objects.filter(party_org__isnull=False).values_list("party_org_id", "staff_count")
        )
        sizes.update(
            Business.objects.filter(party_org__isnull=False).values_list("party_org_id", "employees")
        )
        for org_id in Department.objects.filter(party_org__isnull=False).values_list(
            "party_org_id", flat=True
        ):
            sizes[org_id] = 60
        return sizes


def seed_party_members(ctx: SeedContext, tree: RegionTree) -> None:
    PartySeeder(ctx, tree).run()
