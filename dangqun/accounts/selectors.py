"""Reads across regions, organisations and memberships: the responsibility chain of a grid."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from dangqun.accounts.models import Membership, Role
from dangqun.orgs.models import PartyOrg
from dangqun.regions.models import Region, RegionLevel


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    phone: str
    title: str


@dataclass(frozen=True)
class ChainLink:
    """One level of 网格员 → 网格长 → 小区党支部 → 社区党委 → 街道党工委."""

    level: str  # grid_worker, grid_leader, compound_branch, community_committee, street_committee
    label: str
    region: Region | None
    party_org: PartyOrg | None = None
    people: tuple[Person, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ResponsibilityChain:
    grid: Region
    links: tuple[ChainLink, ...]

    def by_level(self, level: str) -> ChainLink:
        return next(link for link in self.links if link.level == level)


def _people(memberships: list[Membership], role: str) -> tuple[Person, ...]:
    return tuple(
        Person(user_id=m.user.pk, name=str(m.user), phone=m.user.phone, title=m.title)
        for m in memberships
        if m.role == role
    )


def responsibility_chain(grid: Region) -> ResponsibilityChain:
    """The five-level chain for a grid, in three queries whatever the tree's size."""
    if grid.level != RegionLevel.GRID:
        raise ValueError("responsibility_chain takes a grid")
    ancestors = {r.level: r for r in Region.objects.filter(path__in=grid.ancestor_paths())}
    memberships = list(
        Membership.objects.filter(region=grid, is_active=True, role__in=[Role.GRID_WORKER, Role.GRID_LEADER])
        .select_related("user")
        .order_by("role", "user__username")
    )
    org_regions = [
        r
        for lvl, r in ancestors.items()
        if lvl in (RegionLevel.STREET, RegionLevel.COMMUNITY, RegionLevel.COMPOUND)
    ]
    orgs_by_region: dict[int, PartyOrg] = {}
    for org in PartyOrg.objects.filter(region__in=org_regions, is_active=True).order_by("path"):
        # the highest organisation that leads the region (a committee before its groups)
        orgs_by_region.setdefault(org.region_id, org)  # type: ignore[arg-type]

    def org_for(level: int) -> tuple[Region | None, PartyOrg | None]:
        region = ancestors.get(level)
        return region, (orgs_by_region.get(region.pk) if region else None)

    compound, compound_org = org_for(RegionLevel.COMPOUND)
    community, community_org = org_for(RegionLevel.COMMUNITY)
    street, street_org = org_for(RegionLevel.STREET)
    links = (
        ChainLink("grid_worker", _("网格员"), grid, None, _people(memberships, Role.GRID_WORKER)),
        ChainLink("grid_leader", _("网格长"), grid, None, _people(memberships, Role.GRID_LEADER)),
        ChainLink("compound_branch", _("小区党支部"), compound, compound_org),
        ChainLink("community_committee", _("社区党委"), community, community_org),
        ChainLink("street_committee", _("街道党工委"), street, street_org),
    )
    return ResponsibilityChain(grid=grid, links=links)
