"""The seeded region tree in memory, for the stages after the first."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from dangqun.demo.context import DISTRICT_CODE
from dangqun.regions.models import Region, RegionKind, RegionLevel


@dataclass
class RegionTree:
    district: Region
    regions: list[Region]
    by_id: dict[int, Region] = field(default_factory=dict)
    children: dict[int, list[Region]] = field(default_factory=lambda: defaultdict(list))
    _levels: dict[int, list[Region]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> RegionTree:
        district = Region.objects.get(code=DISTRICT_CODE)
        regions = list(
            Region.objects.filter(path__subtree=district.path).order_by("level", "sort_order", "code")
        )
        tree = cls(district=district, regions=regions)
        for region in regions:
            tree.by_id[region.pk] = region
            if region.parent_id is not None:
                tree.children[region.parent_id].append(region)
        return tree

    def level(self, level: int) -> list[Region]:
        """Regions of one level in tree order (parents' order first, then their own)."""
        if level in self._levels:
            return self._levels[level]
        ordered: list[Region] = []

        def walk(region: Region) -> None:
            if region.level == level:
                ordered.append(region)
                return
            for child in self.children.get(region.pk, []):
                walk(child)

        walk(self.district)
        self._levels[level] = ordered
        return ordered

    def streets(self) -> list[Region]:
        return self.level(RegionLevel.STREET)

    def communities(self) -> list[Region]:
        return self.level(RegionLevel.COMMUNITY)

    def grids(self) -> list[Region]:
        return self.level(RegionLevel.GRID)

    def ancestor(self, region: Region, level: int) -> Region:
        node = region
        while node.level > level and node.parent_id is not None:
            node = self.by_id[node.parent_id]
        return node

    def grids_under(self, region: Region) -> list[Region]:
        return [r for r in self.grids() if r.path.startswith(region.path)]

    def is_village(self, region: Region) -> bool:
        return self.ancestor(region, RegionLevel.COMMUNITY).kind == RegionKind.VILLAGE

    def persona_street(self) -> Region:
        """The first street (not town): 广济街道 in the model district."""
        level2 = self.streets()
        return next((s for s in level2 if s.kind == RegionKind.STREET), level2[0])

    def persona_community(self) -> Region:
        """The first community (not village) of the persona street."""
        street = self.persona_street()
        level3 = [c for c in self.communities() if c.parent_id == street.pk]
        return next((c for c in level3 if c.kind == RegionKind.COMMUNITY), level3[0])

    def persona_grid(self) -> Region:
        """The first grid of the persona community."""
        return self.grids_under(self.persona_community())[0]
