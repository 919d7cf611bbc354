"""Stage 2: departments and the party organisation tree that follows the region tree
(区委 → 街道党工委/镇党委 → 社区党委/村党支部 → 小区党支部 → 党小组), plus the departments' branches."""

from __future__ import annotations

import datetime as dt
import random

from dangqun.core.fields import join_path
from dangqun.demo import identifiers, names
from dangqun.demo.context import DISTRICT_CODE, SeedContext
from dangqun.demo.departments import DEPARTMENTS, department_code
from dangqun.demo.tree import RegionTree
from dangqun.orgs.models import Department, PartyOrg, PartyOrgKind
from dangqun.regions.models import Region, RegionKind


def seed_departments(ctx: SeedContext, tree: RegionTree) -> list[Department]:
    rng = ctx.rng("departments")
    departments = []
    for position, spec in enumerate(DEPARTMENTS, start=1):
        department = Department(
            code=department_code(DISTRICT_CODE, position),
            name=spec.name,
            short_name=spec.short_name,
            kind=spec.kind,
            region=tree.district,
            duties=spec.duties,
            contact_phone=identifiers.landline(rng),
            sort_order=position,
        )
        department.clean_fields(exclude=["region", "party_org"])
        departments.append(department)
    return ctx.insert(Department, departments)


def party_org_code(region_code: str, suffix: str = "") -> str:
    return f"P{region_code}{suffix}"


class PartyOrgBuilder:
    """Collects party organisations level by level; ``flush`` inserts one level (parents first)."""

    def __init__(self, ctx: SeedContext) -> None:
        self.ctx = ctx
        self.pending: list[PartyOrg] = []

    def add(
        self,
        rng: random.Random,
        *,
        code: str,
        name: str,
        short_name: str,
        kind: str,
        parent: PartyOrg | None,
        region: Region | None,
        address: str,
        founded: tuple[int, int],
    ) -> PartyOrg:
        birth_year = rng.randint(1964, 1988)
        org = PartyOrg(
            code=code,
            name=name,
            short_name=short_name[:60],
            kind=kind,
            parent=parent,
            path=join_path(parent.path if parent else None, code),
            region=region,
            secretary_name=names.person_name(rng, gender=rng.choice("MF"), birth_year=birth_year),
            contact_phone=identifiers.landline(rng)
            if kind != PartyOrgKind.BRANCH
            else identifiers.mobile(rng),
            address=address,
            established_on=dt.date(rng.randint(*founded), rng.randint(1, 12), rng.randint(1, 28)),
        )
        org.clean_fields(exclude=["parent", "region"])
        self.pending.append(org)
        return org

    def flush(self) -> list[PartyOrg]:
        created = self.ctx.insert(PartyOrg, self.pending, label="party_orgs")
        self.pending = []
        return created


def seed_party_tree(ctx: SeedContext, tree: RegionTree, departments: list[Department]) -> None:
    """The party organisations that lead regions, and one branch per department."""
    builder = PartyOrgBuilder(ctx)
    rng = ctx.rng("party-tree")
    district = tree.district
    committee = builder.add(
        rng, code=party_org_code(district.code), name=f"中共丹东市{district.name}委员会",
        short_name=f"{district.name}委", kind=PartyOrgKind.COMMITTEE, parent=None, region=district,
        address=f"{district.address}人民政府", founded=(1965, 1965),
    )  # fmt: skip
    builder.flush()

    for position, department in enumerate(departments, start=1):
        builder.add(
            ctx.rng("party-dept", department.code),
            code=party_org_code(district.code, f"D{position:02d}"),
            name=f"中共{department.name}支部委员会", short_name=f"{department.short_name}党支部",
            kind=PartyOrgKind.BRANCH, parent=committee, region=None, address=district.address,
            founded=(1985, 2015),
        )  # fmt: skip
    for org, department in zip(builder.flush(), departments, strict=True):
        department.party_org = org
    Department.objects.bulk_update(departments, ["party_org"])

    street_orgs: dict[int, PartyOrg] = {}
    for street in tree.streets():
        r = ctx.rng("party-street", street.code)
        town = street.kind == RegionKind.TOWN
        street_orgs[street.pk] = builder.add(
            r, code=party_org_code(street.code),
            name=f"中共丹东市{district.name}{street.name}{'委员会' if town else '工作委员会'}",
            short_name=f"{street.name}{'党委' if town else '党工委'}",
            kind=PartyOrgKind.COMMITTEE if town else PartyOrgKind.WORKING_COMMITTEE,
            parent=committee, region=street, address=f"{street.address}党群服务中心", founded=(1980, 2005),
        )  # fmt: skip
    builder.flush()

    community_orgs: dict[int, PartyOrg] = {}
    for community in tree.communities():
        r = ctx.rng("party-community", community.code)
        parent = street_orgs[community.parent_id or 0]
        if community.kind == RegionKind.VILLAGE:
            general = len(tree.grids_under(community)) >= 3 and r.random() < 0.6
            kind = PartyOrgKind.GENERAL_BRANCH if general else PartyOrgKind.BRANCH
            label = "总支部委员会" if general else "支部委员会"
            short = f"{community.name}{'党总支' if general else '党支部'}"
        else:
            kind, label, short = PartyOrgKind.COMMITTEE, "委员会", f"{community.name}党委"
        community_orgs[community.pk] = builder.add(
            r, code=party_org_code(community.code), name=f"中共{district.name}{community.name}{label}",
            short_name=short, kind=kind, parent=parent, region=community,
            address=f"{community.address}党群服务站", founded=(1995, 2016),
        )  # fmt: skip
    builder.flush()

    compound_orgs: list[tuple[PartyOrg, random.Random]] = []
    for compound in tree.level(4):
        r = ctx.rng("party-compound", compound.code)
        parent = community_orgs[compound.parent_id or 0]
        org = builder.add(
            r, code=party_org_code(compound.code), name=f"中共{compound.name}支部委员会",
            short_name=f"{compound.name}党支部", kind=PartyOrgKind.BRANCH, parent=parent, region=compound,
            address=compound.address, founded=(2016, 2023),
        )  # fmt: skip
        compound_orgs.append((org, r))
    builder.flush()

    # 党小组: about one per compound branch, two or three per village general branch.
    with_groups = [(org, r, r.choices((0, 1, 2), weights=(2, 4, 4))[0]) for org, r in compound_orgs]
    for org in community_orgs.values():
        if org.kind == PartyOrgKind.GENERAL_BRANCH:
            r = ctx.rng("party-groups", org.code)
            with_groups.append((org, r, r.randint(2, 3)))
    for org, r, count in with_groups:
        base = org.short_name.removesuffix("党支部").removesuffix("党总支")
        for number in range(1, count + 1):
            ordinal = names.chinese_ordinal(number)
            builder.add(
                r, code=f"{org.code}G{number}", name=f"{org.short_name}第{ordinal}党小组",
                short_name=f"{base}第{ordinal}党小组", kind=PartyOrgKind.GROUP, parent=org, region=org.region,
                address=org.address, founded=(2018, 2024),
            )  # fmt: skip
    builder.flush()
