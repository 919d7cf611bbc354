"""Where is it: an address → building/compound → grid, against this district's registry, and the hook
intake calls for a case that came with an address but no point or region.

The index (streets, communities/villages, compounds, and every building's number within its compound
or village) is built once per process from two queries and rebuilt when the regions or buildings
change (a cheap count/max-updated check at most every ``CHECK_SECONDS``). Matching is
``triage.address``.

Confidence: the best place's name similarity, plus a little when its street/community is named too or
the building number exists there, scaled down when another unrelated place matches nearly as well.
Intake places the case only at or above ``DANGQUN["TRIAGE_ADDRESS_CONFIDENCE"]`` (default 0.8);
below, the region stays with the dispatcher and the candidates are kept in
``case.suggested_route["address"]``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from dangqun.cases.backends import Located
from dangqun.regions.models import Region, RegionLevel
from dangqun.regions.selectors import locate_grid
from dangqun.registry.models import Building
from dangqun.triage.address import Hit, Place, PlaceIndex, building_key, normalize

CHECK_SECONDS = 30.0
DEFAULT_CONFIDENCE = 0.8
PARENT_BONUS = 0.05  # per street/community of the place also named in the address
BUILDING_BONUS = 0.1  # the building number exists in that compound/village
MAX_CANDIDATES = 5


@dataclass
class Registry:
    index: PlaceIndex
    buildings: dict[tuple[int, str], tuple[str, int]]  # (container id, key) → (building name, grid id)
    single_grid: dict[int, int]  # container id → its only grid
    signature: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Candidate:
    region_id: int
    name: str  # the full place name (street + community + compound + building)
    grid_id: int | None
    score: float

    def as_json(self, codes: dict[int, str]) -> dict[str, Any]:
        return {
            "name": self.name,
            "grid": codes.get(self.grid_id) if self.grid_id else None,
            "region": codes.get(self.region_id),
            "score": round(min(self.score, 1.0), 3),
        }


@dataclass(frozen=True)
class Resolution:
    """What an address resolved to: the best candidate (or none), its confidence, the others."""

    query: str
    best: Candidate | None
    confidence: float
    candidates: list[Candidate] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The block stored as ``case.suggested_route["address"]`` (region codes, not ids)."""
        ids = {c.region_id for c in self.candidates} | {c.grid_id for c in self.candidates if c.grid_id}
        codes = dict(Region.objects.filter(pk__in=ids).values_list("pk", "code")) if ids else {}
        best = self.best.as_json(codes) if self.best else None
        return {
            "query": self.query[:100],
            "matched": best["name"] if best else "",
            "grid": best["grid"] if best else None,
            "region": best["region"] if best else None,
            "confidence": round(self.confidence, 3),
            "candidates": [c.as_json(codes) for c in self.candidates],
        }


_lock = threading.Lock()
_cached: Registry | None = None
_checked_at = 0.0


def _signature() -> tuple[Any, ...]:
    regions = Region.objects.filter(is_active=True).aggregate(n=Count("id"), at=Max("updated_at"))
    buildings = Building.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    return (regions["n"], regions["at"], buildings["n"], buildings["at"])


def _build(signature: tuple[Any, ...]) -> Registry:
    index = PlaceIndex()
    rows = Region.objects.filter(is_active=True, level__gte=RegionLevel.STREET).values_list(
        "pk", "name", "level", "path", "parent_id"
    )
    parent_of: dict[int, int | None] = {}
    grid_parents: dict[int, list[int]] = {}
    named = []
    for pk, name, level, path, parent_id in rows:
        parent_of[pk] = parent_id
        if level == RegionLevel.GRID:
            grid_parents.setdefault(parent_id, []).append(pk)
        else:
            named.append((pk, name, level, path))
    for pk, name, level, path in named:
        chain: list[int] = []
        up = parent_of.get(pk)
        while up is not None and up in parent_of:
            chain.append(up)
            up = parent_of.get(up)
        index.add(Place(pk, name, level, path, tuple(chain)))
    grid_container = {g: parent for parent, grids in grid_parents.items() for g in grids}
    buildings: dict[tuple[int, str], tuple[str, int]] = {}
    for name, grid_id in Building.objects.values_list("name", "grid_id"):
        container = grid_container.get(grid_id)
        key = building_key(normalize(name))
        if container is not None and key:
            buildings.setdefault((container, key), (name, grid_id))
    single = {parent: grids[0] for parent, grids in grid_parents.items() if len(grids) == 1}
    return Registry(index, buildings, single, signature)


def registry() -> Registry:
    """The process's index, rebuilt when the regions or buildings changed."""
    global _cached, _checked_at  # noqa: PLW0603 - one index per process
    with _lock:
        if _cached is not None and time.monotonic() - _checked_at < CHECK_SECONDS:
            return _cached
        signature = _signature()
        if _cached is None or _cached.signature != signature:
            _cached = _build(signature)
        _checked_at = time.monotonic()
        return _cached


def invalidate() -> None:
    global _cached  # noqa: PLW0603
    with _lock:
        _cached = None


def confidence_threshold() -> float:
    raw = settings.DANGQUN.get("TRIAGE_ADDRESS_CONFIDENCE", "")
    try:
        value = float(str(raw)) if raw not in ("", None) else DEFAULT_CONFIDENCE
    except (TypeError, ValueError):
        value = DEFAULT_CONFIDENCE
    return value if 0 < value <= 1 else DEFAULT_CONFIDENCE


def _candidate(reg: Registry, hit: Hit, hits: dict[int, Hit], text: str) -> Candidate:
    place = hit.place
    score = hit.similarity
    names = [place.name]
    for parent_id in place.parent_ids:
        parent_hit = hits.get(parent_id)
        if parent_hit is not None and parent_hit.similarity >= 0.8:
            score += PARENT_BONUS
    grid_id = reg.single_grid.get(place.region_id)
    # A compound's buildings, or a village's houses (its grids sit right under it).
    key = building_key(text[hit.end :]) or building_key(text)
    building = reg.buildings.get((place.region_id, key)) if key else None
    if building is not None:
        # 榆树底村二组19号 already says its village; 3号楼 does not say its compound.
        names = [building[0]] if building[0].startswith(place.name) else [place.name, building[0]]
        grid_id = building[1]
        score += BUILDING_BONUS
    # Uncapped (up to 1 + bonuses) so that two places can still be told apart; confidence is capped.
    return Candidate(place.region_id, "".join(names), grid_id, score)


def _related(a: Place, b: Place) -> bool:
    return a.path.startswith(b.path) or b.path.startswith(a.path)


def resolve(address: str) -> Resolution:
    """Match ``address`` against the registry. Never raises on odd text: an empty or unknown address
    gets no best candidate and confidence 0."""
    query = (address or "").strip()
    text = normalize(query)
    if len(text) < 2:
        return Resolution(query, None, 0.0)
    reg = registry()
    hits = reg.index.hits(text)
    if not hits:
        return Resolution(query, None, 0.0)
    by_id = {h.place.region_id: h for h in hits}
    candidates = [_candidate(reg, h, by_id, text) for h in hits]
    # The deepest place wins among places on one branch (小区 over its 社区), then the score.
    candidates.sort(key=lambda c: (-(c.score + 0.02 * reg.index.places[c.region_id].level), c.name))
    best = candidates[0]
    best_place = reg.index.places[best.region_id]
    confidence = min(best.score, 1.0)
    # The places above the best one only repeat it: the others are the alternatives.
    others = [c for c in candidates[1:] if not _related(best_place, reg.index.places[c.region_id])]
    if others and others[0].score >= best.score - 0.1:
        confidence *= 0.6  # two unrelated places fit about equally: ask
    if best_place.level < RegionLevel.COMPOUND and best.grid_id is None:
        confidence *= 0.75  # only a street or community: somewhere in a large area
    return Resolution(query, best, confidence, [best, *others][:MAX_CANDIDATES])


def locate_region(resolution: Resolution) -> tuple[Region | None, Region | None]:
    """(grid, region) to place a case at, when the resolution is sure enough; else (None, None)."""
    if resolution.best is None or resolution.confidence < confidence_threshold():
        return None, None
    target = resolution.best.grid_id or resolution.best.region_id
    region = Region.objects.filter(pk=target, is_active=True).first()
    if region is None:
        return None, None
    return (region if region.level == RegionLevel.GRID else None), region


def locate_for_intake(address: str) -> Located:
    """What ``triage.backends.Locator`` answers: place the case when sure, and say what was matched."""
    resolution = resolve(address)
    grid, region = locate_region(resolution)
    return Located(grid=grid, region=region, details=resolution.as_json())


def locate_json(
    *, address: str = "", lng: float | None = None, lat: float | None = None, crs: str = ""
) -> dict[str, Any]:
    """The API's answer: a point goes to its grid through the geometry index (ValidationError when it
    is outside every grid); an address is matched against the registry."""
    if lng is not None or lat is not None:
        if lng is None or lat is None:
            raise ValidationError({"lat": _("经度和纬度须同时提供")})
        grid = locate_grid(lng, lat, crs=crs or "wgs84")
        return {
            "query": f"{lng},{lat}",
            "matched": grid.address or grid.name,
            "grid": grid.code,
            "region": grid.code,
            "confidence": 1.0,
            "candidates": [],
        }
    return resolve(address).as_json()
