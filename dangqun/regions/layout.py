"""A deterministic synthetic district: the region tree with plausible polygons, for the demo and benches.

How it is drawn (all in a local kilometre plane, converted to WGS-84 lng/lat at the end):

1. An irregular, star-shaped district outline (a few random low harmonics on a circle), scaled to
   about 100 km² × ``scale``.
2. Level-2 units (streets and towns): k-means centres of a uniform sample of the district; each
   unit's territory is the Voronoi cell of its centre. Towns are the units farthest from the centre
   (the rural outskirts) and get sparser grids.
3. Grid seeds: a jittered hexagonal lattice in each unit's territory, sized to that unit's grid
   budget. ONE Voronoi diagram of all seeds, clipped to the district, gives the grid polygons, so the
   grids tile the district exactly: no gap, no overlap.
4. Communities/villages and compounds: the seeds of each parent are split by k-means (seeded with a
   balanced recursive bisection, which is also the fallback when k-means leaves a group too small),
   so every seed goes to its nearest centre and parents are compact. A parent whose grids are not
   connected through shared edges gets its stray pieces moved to the neighbouring sibling; where that
   is impossible the parent is a MultiPolygon. Every parent's polygon is the union of its grids.

Counts at ``scale=1``: 1 district, 5 level-2 units (4 streets, 1 town), 45 level-3 units (the town's
9 are villages), 3–6 compounds per community (villages have none: their grids sit directly under the
village), 1,035 grids. Counts grow linearly with ``scale``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from dangqun.core.fields import PATH_SEGMENT_RE

__all__ = ["RegionSpec", "generate_layout"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_BASE_AREA_KM2 = 100.0
_BASE_LEVEL2 = 5
_BASE_LEVEL3 = 45
_BASE_GRIDS = 1035
_TOWN_SHARE = 5  # one level-2 unit in five is a town
_STREET_WEIGHT = 1.55  # grid density of a street relative to a town
_OUTLINE_VERTICES = 160


@dataclass(frozen=True)
class RegionSpec:
    code: str
    kind: str
    parent_code: str | None
    geometry: BaseGeometry  # WGS-84 lng/lat
    index: int  # 1-based order among siblings


# --- small numeric helpers ------------------------------------------------------------------------


def _km_per_degree(lat: float) -> tuple[float, float]:
    """Kilometres per degree of longitude and of latitude at ``lat`` on WGS-84."""
    a, e2 = 6378.137, 0.00669437999014
    phi = math.radians(lat)
    w = math.sqrt(1 - e2 * math.sin(phi) ** 2)
    n = a / w
    m = a * (1 - e2) / w**3
    return math.radians(1) * n * math.cos(phi), math.radians(1) * m


def _outline(rng: np.random.Generator, area_km2: float) -> Polygon:
    theta = np.linspace(0.0, 2 * math.pi, _OUTLINE_VERTICES, endpoint=False)
    radius = np.ones_like(theta)
    for k in range(2, 7):
        radius += rng.uniform(0.06, 0.2) / (k - 1) * np.cos(k * theta + rng.uniform(0, 2 * math.pi))
    radius *= 1.0 + rng.uniform(-0.015, 0.015, size=theta.size)
    radius = np.maximum(radius, 0.55)
    poly = Polygon(np.column_stack([radius * np.cos(theta), radius * np.sin(theta)]))
    factor = math.sqrt(area_km2 / poly.area)
    return Polygon(np.asarray(poly.exterior.coords) * factor)


def _uniform_in(rng: np.random.Generator, poly: BaseGeometry, count: int) -> FloatArray:
    x0, y0, x1, y1 = poly.bounds
    shapely.prepare(poly)
    found: list[FloatArray] = []
    have = 0
    while have < count:
        pts = rng.uniform((x0, y0), (x1, y1), size=(max(64, 2 * (count - have)), 2))
        pts = pts[shapely.contains_xy(poly, pts[:, 0], pts[:, 1])]
        found.append(pts)
        have += len(pts)
    return np.concatenate(found)[:count]


def _hex_seeds(rng: np.random.Generator, poly: BaseGeometry, count: int) -> FloatArray:
    """About ``count`` jittered hexagonal-lattice points inside ``poly`` (exactly ``count``)."""
    shapely.prepare(poly)
    x0, y0, x1, y1 = poly.bounds
    spacing = math.sqrt(2 * poly.area / (math.sqrt(3) * max(count, 1)))
    pts = np.empty((0, 2))
    for _ in range(8):
        ys = np.arange(y0 - spacing, y1 + spacing, spacing * math.sqrt(3) / 2)
        xs = np.arange(x0 - spacing, x1 + spacing, spacing)
        gx, gy = np.meshgrid(xs, ys)
        gx = gx + (np.arange(len(ys))[:, None] % 2) * spacing / 2
        cand = np.column_stack([gx.ravel(), gy.ravel()])
        cand += rng.uniform(-0.3 * spacing, 0.3 * spacing, size=cand.shape)
        pts = cand[shapely.contains_xy(poly, cand[:, 0], cand[:, 1])]
        if len(pts) >= count:
            break
        spacing *= math.sqrt(max(len(pts), 1) / count) * 0.97
    if len(pts) < count:
        pts = np.concatenate([pts, _uniform_in(rng, poly, count - len(pts))])
    keep = np.sort(rng.choice(len(pts), size=count, replace=False))
    return pts[keep]


def _bisect(points: FloatArray, idx: IntArray, k: int, out: list[IntArray]) -> None:
    """Recursive coordinate bisection of ``idx`` into ``k`` groups of near-equal size."""
    if k == 1:
        out.append(idx)
        return
    k_left = k // 2
    sub = points[idx]
    axis = int(np.argmax(sub.max(axis=0) - sub.min(axis=0)))
    order = idx[np.argsort(sub[:, axis], kind="stable")]
    cut = round(len(idx) * k_left / k)
    _bisect(points, order[:cut], k_left, out)
    _bisect(points, order[cut:], k - k_left, out)


def _partition(points: FloatArray, k: int, min_size: int) -> IntArray:
    """Labels 0..k-1: k-means (nearest centre) seeded by bisection; bisection if k-means is too uneven."""
    n = len(points)
    k = max(1, min(k, n // max(min_size, 1)))
    groups: list[IntArray] = []
    _bisect(points, np.arange(n), k, groups)
    balanced = np.empty(n, dtype=np.int64)
    for label, members in enumerate(groups):
        balanced[members] = label
    centres = np.array([points[g].mean(axis=0) for g in groups])
    labels = balanced
    for _ in range(8):
        d2 = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        new = np.argmin(d2, axis=1).astype(np.int64)
        sizes = np.bincount(new, minlength=k)
        if sizes.min() < min_size:
            break
        labels = new
        centres = np.array([points[labels == c].mean(axis=0) for c in range(k)])
    return labels


# --- adjacency and connectivity -------------------------------------------------------------------


def _adjacency(cells: npt.NDArray[np.object_]) -> list[list[int]]:
    """For every cell, the cells that share an edge (not just a point) with it."""
    tree = shapely.STRtree(cells)
    left, right = tree.query(cells, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    shared = shapely.length(shapely.intersection(cells[left], cells[right]))
    neighbours: list[list[int]] = [[] for _ in range(len(cells))]
    for a, b in zip(left[shared > 1e-9].tolist(), right[shared > 1e-9].tolist(), strict=True):
        neighbours[a].append(b)
        neighbours[b].append(a)
    return neighbours


def _components(members: list[int], neighbours: list[list[int]]) -> list[list[int]]:
    inside = set(members)
    seen: set[int] = set()
    comps: list[list[int]] = []
    for start in members:
        if start in seen:
            continue
        stack, comp = [start], []
        seen.add(start)
        while stack:
            node = stack.pop()
            comp.append(node)
            for nb in neighbours[node]:
                if nb in inside and nb not in seen:
                    seen.add(nb)
                    stack.append(nb)
        comps.append(comp)
    return comps


def _make_connected(labels: IntArray, parent: IntArray, neighbours: list[list[int]]) -> None:
    """Move the smaller pieces of a disconnected group to the adjacent sibling (same ``parent``)."""
    for _ in range(6):
        changed = False
        by_label: dict[int, list[int]] = defaultdict(list)
        for cell, label in enumerate(labels.tolist()):
            by_label[label].append(cell)
        for label, members in sorted(by_label.items()):
            comps = _components(members, neighbours)
            if len(comps) < 2:
                continue
            comps.sort(key=len, reverse=True)
            for comp in comps[1:]:
                votes: dict[int, int] = defaultdict(int)
                for cell in comp:
                    for nb in neighbours[cell]:
                        if labels[nb] != label and parent[nb] == parent[cell]:
                            votes[int(labels[nb])] += 1
                if votes:
                    target = max(sorted(votes), key=lambda lab: votes[lab])
                    labels[comp] = target
                    changed = True
        if not changed:
            return


# --- the generator --------------------------------------------------------------------------------


def _order_by_angle(centre: FloatArray, points: FloatArray) -> IntArray:
    """Indices of ``points`` clockwise from north around ``centre``."""
    angle = np.mod(np.arctan2(points[:, 0] - centre[0], points[:, 1] - centre[1]), 2 * math.pi)
    return np.lexsort((points[:, 0], np.round(angle, 12)))


def _child_code(parent_code: str, index: int, siblings: int, width: int | None) -> str:
    if width is None:
        width = 2 if siblings <= 99 else 3
    return f"{parent_code}{index:0{width}d}"


@dataclass(frozen=True)
class _Plan:
    n2: int
    n_towns: int
    n3_per: list[int]
    grids_total: int


def _plan(scale: float) -> _Plan:
    n2 = max(3, round(_BASE_LEVEL2 * scale))
    n3_total = max(2 * n2, round(_BASE_LEVEL3 * scale))
    return _Plan(
        n2=n2,
        n_towns=max(1, round(n2 / _TOWN_SHARE)),
        n3_per=[n3_total // n2 + (1 if i < n3_total % n2 else 0) for i in range(n2)],
        grids_total=max(round(_BASE_GRIDS * scale), 1),
    )


def _level2_territories(
    rng: np.random.Generator, district: Polygon, plan: _Plan
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.bool_]]:
    """Voronoi cells (clipped) of k-means centres of a uniform sample; the outermost are towns."""
    sample = _uniform_in(rng, district, max(4000, 400 * plan.n2))
    labels = _partition(sample, plan.n2, 1)
    centres = np.array([sample[labels == c].mean(axis=0) for c in range(plan.n2)])
    cells = shapely.voronoi_polygons(shapely.multipoints(centres), extend_to=district, ordered=True)
    territory = shapely.intersection(shapely.get_parts(cells), district)
    far = np.argsort(-np.hypot(centres[:, 0], centres[:, 1]), kind="stable")
    is_town = np.zeros(plan.n2, dtype=bool)
    is_town[far[: plan.n_towns]] = True
    return territory, is_town


def _grid_seeds(
    rng: np.random.Generator,
    territory: npt.NDArray[np.object_],
    is_town: npt.NDArray[np.bool_],
    plan: _Plan,
) -> tuple[FloatArray, IntArray]:
    """Grid seed points and the level-2 unit of each, sized to each unit's grid budget."""
    weights = np.where(is_town, 1.0, _STREET_WEIGHT)
    budget = np.floor(plan.grids_total * weights / weights.sum()).astype(np.int64)
    budget[: plan.grids_total - int(budget.sum())] += 1
    budget = np.maximum(budget, 3 * np.array(plan.n3_per))
    parts = [_hex_seeds(rng, territory[u], int(budget[u])) for u in range(plan.n2)]
    seeds = np.concatenate(parts)
    unit = np.concatenate([np.full(len(p), u, dtype=np.int64) for u, p in enumerate(parts)])
    # Drop exact duplicates (Voronoi would merge them and break the ordering).
    _, first = np.unique(seeds, axis=0, return_index=True)
    first = np.sort(first)
    return seeds[first], unit[first]


def _split_levels(
    rng: np.random.Generator,
    *,
    seeds: FloatArray,
    unit: IntArray,
    is_town: npt.NDArray[np.bool_],
    plan: _Plan,
    neighbours: list[list[int]],
) -> tuple[IntArray, IntArray]:
    """Level-3 labels of every grid within its unit and level-4 labels within street communities
    (-1 in villages), each level made connected within its parent where possible."""
    n = len(seeds)
    _make_connected(unit, np.zeros(n, dtype=np.int64), neighbours)
    level3 = np.empty(n, dtype=np.int64)
    next_label = 0
    for u in range(plan.n2):
        members = np.nonzero(unit == u)[0]
        labels = _partition(seeds[members], plan.n3_per[u], 2)
        level3[members] = labels + next_label
        next_label += int(labels.max()) + 1
    _make_connected(level3, unit, neighbours)

    level4 = np.full(n, -1, dtype=np.int64)
    next_label = 0
    for c in np.unique(level3).tolist():
        members = np.nonzero(level3 == c)[0]
        if is_town[unit[members[0]]]:
            continue
        k = min(int(rng.integers(3, 7)), max(1, len(members) // 2))
        labels = _partition(seeds[members], k, 1)
        level4[members] = labels + next_label
        next_label += int(labels.max()) + 1
    _make_connected(level4, level3, neighbours)
    return level3, level4


class _Emitter:
    """Turns the labelled cells into RegionSpecs, parents first, siblings ordered clockwise."""

    def __init__(self, seeds: FloatArray, cells: npt.NDArray[np.object_]) -> None:
        self.seeds = seeds
        self.cells = cells
        self.specs: list[RegionSpec] = []

    def group(self, code: str, kind: str, parent_code: str, members: IntArray, index: int) -> None:
        geom = shapely.union_all(self.cells[members])
        self.specs.append(RegionSpec(code, kind, parent_code, geom, index))

    def ordered(self, labels: IntArray, members: IntArray) -> list[tuple[int, int, IntArray]]:
        """(1-based index, label, member cells) of the distinct labels among ``members``."""
        ids = np.unique(labels[members])
        centres = np.array([self.seeds[members[labels[members] == lab]].mean(axis=0) for lab in ids])
        order = _order_by_angle(self.seeds[members].mean(axis=0), centres)
        return [
            (i, int(ids[pos]), members[labels[members] == ids[pos]]) for i, pos in enumerate(order, start=1)
        ]

    def grids(self, parent_code: str, members: IntArray) -> None:
        order = _order_by_angle(self.seeds[members].mean(axis=0), self.seeds[members])
        for i, pos in enumerate(order, start=1):
            code = _child_code(parent_code, i, len(members), None)
            self.specs.append(RegionSpec(code, "grid", parent_code, self.cells[int(members[pos])], i))


def generate_layout(
    *,
    scale: float = 1.0,
    seed: int = 1,
    district_code: str = "210603",
    center: tuple[float, float] = (124.3940, 40.1290),
) -> list[RegionSpec]:
    """The region tree of a synthetic district, parents before children (see the module docstring)."""
    if not (isinstance(scale, int | float) and math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive number, got {scale!r}")
    if not PATH_SEGMENT_RE.match(district_code):
        raise ValueError(f"district_code may hold only letters, digits, '_' and '-': {district_code!r}")
    rng = np.random.default_rng(seed)
    plan = _plan(scale)
    district = _outline(rng, _BASE_AREA_KM2 * scale)
    territory, is_town = _level2_territories(rng, district, plan)
    seeds, unit = _grid_seeds(rng, territory, is_town, plan)
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=district, ordered=True)
    )
    cells = shapely.intersection(cells, district)
    level3, level4 = _split_levels(
        rng, seeds=seeds, unit=unit, is_town=is_town, plan=plan, neighbours=_adjacency(cells)
    )

    kx, ky = _km_per_degree(center[1])

    def to_lnglat(coords: FloatArray) -> FloatArray:
        return np.column_stack([center[0] + coords[:, 0] / kx, center[1] + coords[:, 1] / ky])

    out = _Emitter(seeds, shapely.transform(cells, to_lnglat))
    out.specs.append(RegionSpec(district_code, "district", None, shapely.transform(district, to_lnglat), 1))
    everything = np.arange(len(seeds))
    for i2, u, m2 in out.ordered(unit, everything):
        code2 = _child_code(district_code, i2, 0, 3)
        out.group(code2, "town" if is_town[u] else "street", district_code, m2, i2)
        for i3, _, m3 in out.ordered(level3, m2):
            code3 = _child_code(code2, i3, 0, 3)
            if is_town[u]:
                out.group(code3, "village", code2, m3, i3)
                out.grids(code3, m3)
                continue
            out.group(code3, "community", code2, m3, i3)
            for i4, _, m4 in out.ordered(level4, m3):
                code4 = _child_code(code3, i4, 0, 3)
                out.group(code4, "compound", code3, m4, i4)
                out.grids(code4, m4)
    return out.specs
