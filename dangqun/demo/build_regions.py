"""Stage 1: the region tree from ``regions.layout``, named after 元宝区."""

from __future__ import annotations

import random
from collections import defaultdict

from dangqun.core.fields import join_path
from dangqun.demo import names
from dangqun.demo.context import CITY_PREFIX, DISTRICT_CODE, DISTRICT_NAME, SeedContext
from dangqun.regions.geometry import area_km2, label_point, to_geojson
from dangqun.regions.layout import RegionSpec, generate_layout
from dangqun.regions.models import KIND_LEVEL, Region, RegionKind


class _Namer:
    """Names regions in layout order; every name depends only on the seed and the order."""

    def __init__(self, ctx: SeedContext) -> None:
        self.ctx = ctx
        self.streets = list(names.MODEL_STREETS) + list(names.EXTRA_STREETS)
        self.towns = list(names.MODEL_TOWNS) + list(names.EXTRA_TOWNS)
        self.level2 = names.UniqueNames()
        self.level3 = names.UniqueNames()
        self.compounds = names.UniqueNames()
        self.grid_numbers: dict[str, int] = defaultdict(int)

    def name(self, spec: RegionSpec, community_code: str | None) -> str:
        rng = self.ctx.rng("region-name", spec.code)
        kind = spec.kind
        drawn = {
            RegionKind.COMMUNITY: (self.level3, names.community_name),
            RegionKind.VILLAGE: (self.level3, names.village_name),
            RegionKind.COMPOUND: (self.compounds, names.compound_name),
        }
        if kind in drawn:
            pool, make = drawn[kind]  # type: ignore[index]
            return pool.draw(rng, make)
        if kind in (RegionKind.STREET, RegionKind.TOWN):
            return self._level2(rng, town=kind == RegionKind.TOWN)
        if kind == RegionKind.DISTRICT:
            return DISTRICT_NAME
        key = community_code or spec.parent_code or ""
        self.grid_numbers[key] += 1
        return f"第{self.grid_numbers[key]}网格"

    def _level2(self, rng: random.Random, *, town: bool) -> str:
        """The model names in order, then drawn ones."""
        pool = self.towns if town else self.streets
        while pool:
            candidate = pool.pop(0)
            if candidate not in self.level2.taken:
                return self.level2.take(candidate)
        return self.level2.draw(rng, lambda r: names.extra_level2_name(r, town=town))


def seed_regions(ctx: SeedContext) -> Region:
    """Create every region of the layout, level by level (parents get primary keys first)."""
    specs = generate_layout(scale=ctx.options.scale, seed=ctx.options.seed, district_code=DISTRICT_CODE)
    namer = _Namer(ctx)
    by_code: dict[str, Region] = {}
    community_of: dict[str, str] = {}
    pending: dict[int, list[Region]] = defaultdict(list)
    for spec in ctx.progress(specs, "区划"):
        parent = by_code.get(spec.parent_code) if spec.parent_code else None
        level = KIND_LEVEL[spec.kind]
        if level == 3:
            community_of[spec.code] = spec.code
        elif level > 3 and spec.parent_code:
            community_of[spec.code] = community_of[spec.parent_code]
        name = namer.name(spec, community_of.get(spec.code))
        lng, lat = label_point(spec.geometry)
        region = Region(
            code=spec.code,
            name=name,
            kind=spec.kind,
            level=level,
            parent=parent,
            path=join_path(parent.path if parent else None, spec.code),
            boundary=to_geojson(spec.geometry),
            centroid_lng=lng,
            centroid_lat=lat,
            area_km2=round(area_km2(spec.geometry), 4),
            address=_address(parent, name),
            sort_order=spec.index,
        )
        by_code[spec.code] = region
        pending[level].append(region)
    for level in sorted(pending):
        for region in pending[level]:
            region.clean_fields(exclude=["parent"])
        ctx.insert(Region, pending[level], label=f"regions.level{level}")
    return by_code[DISTRICT_CODE]


def _address(parent: Region | None, name: str) -> str:
    if parent is None:
        return f"{CITY_PREFIX}{name}"
    return f"{parent.address}{name}"
