"""Draw region boundaries as an inline SVG, server-side, without a map library.

GeoJSON boundaries (WGS-84 lng/lat) are projected with an equirectangular projection scaled by
cos(latitude) at the middle of the drawing, so that shapes keep their proportions at Chinese
latitudes, then fitted into a viewBox ``WIDTH`` units wide. Points closer than ``MIN_STEP`` units to
the previous kept point are dropped, which keeps a street or district drawing a few kilobytes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

WIDTH = 1000.0
PADDING = 12.0
MIN_STEP = 1.5  # viewBox units
MAX_HEIGHT_RATIO = 1.4  # a tall area is fitted to this height/width ratio

Ring = list[tuple[float, float]]


@dataclass(frozen=True)
class MapFeature:
    """One region to draw: its GeoJSON boundary and how it should look."""

    code: str
    name: str
    boundary: dict[str, Any] | None
    label_lng: float | None = None
    label_lat: float | None = None
    href: str = ""
    highlight: bool = False


@dataclass(frozen=True)
class MapShape:
    code: str
    name: str
    d: str  # SVG path data
    label_x: float
    label_y: float
    href: str
    highlight: bool


@dataclass(frozen=True)
class SvgMap:
    view_box: str
    width: float
    height: float
    shapes: tuple[MapShape, ...]
    font_size: float

    @property
    def is_empty(self) -> bool:
        return not self.shapes


def _polygons(boundary: dict[str, Any] | None) -> list[list[Ring]]:
    """The polygons (each a list of rings) of a GeoJSON Polygon/MultiPolygon/Feature; [] otherwise."""
    if not isinstance(boundary, dict):
        return []
    if boundary.get("type") == "Feature":
        return _polygons(boundary.get("geometry"))
    coords = boundary.get("coordinates")
    try:
        if boundary.get("type") == "Polygon":
            return [[[(float(p[0]), float(p[1])) for p in ring] for ring in coords]]  # type: ignore[union-attr]
        if boundary.get("type") == "MultiPolygon":
            return [
                [[(float(p[0]), float(p[1])) for p in ring] for ring in polygon]
                for polygon in coords  # type: ignore[union-attr]
            ]
    except (TypeError, ValueError, IndexError):
        return []
    return []


def _fmt(value: float) -> str:
    text = f"{value:.1f}"
    if text == "-0.0":
        text = "0.0"
    return text[:-2] if text.endswith(".0") else text


def _ring_path(points: Sequence[tuple[float, float]]) -> str:
    kept: list[tuple[float, float]] = []
    for x, y in points:
        if kept and math.hypot(x - kept[-1][0], y - kept[-1][1]) < MIN_STEP:
            continue
        kept.append((x, y))
    if len(kept) < 3:
        return ""
    head = f"M{_fmt(kept[0][0])} {_fmt(kept[0][1])}"
    body = "".join(f"L{_fmt(x)} {_fmt(y)}" for x, y in kept[1:])
    return f"{head}{body}Z"


def build_map(features: Iterable[MapFeature]) -> SvgMap:
    """Fit the features' boundaries into one viewBox; features without a boundary are left out."""
    drawable = [(f, polys) for f in features if (polys := _polygons(f.boundary))]
    points = [p for _, polys in drawable for poly in polys for ring in poly for p in ring]
    if not points:
        return SvgMap(
            view_box=f"0 0 {_fmt(WIDTH)} {_fmt(WIDTH / 2)}",
            width=WIDTH,
            height=WIDTH / 2,
            shapes=(),
            font_size=14.0,
        )
    min_lng = min(p[0] for p in points)
    max_lng = max(p[0] for p in points)
    min_lat = min(p[1] for p in points)
    max_lat = max(p[1] for p in points)
    k = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lng - min_lng) * k, 1e-9)
    span_y = max(max_lat - min_lat, 1e-9)
    inner = WIDTH - 2 * PADDING
    scale = min(inner / span_x, inner * MAX_HEIGHT_RATIO / span_y)
    width = span_x * scale + 2 * PADDING
    height = span_y * scale + 2 * PADDING
    x_offset = (WIDTH - width) / 2 if width < WIDTH else 0.0

    def project(lng: float, lat: float) -> tuple[float, float]:
        return ((lng - min_lng) * k * scale + PADDING, (max_lat - lat) * scale + PADDING)

    shapes: list[MapShape] = []
    for feature, polys in drawable:
        d = "".join(_ring_path([project(lng, lat) for lng, lat in ring]) for poly in polys for ring in poly)
        if not d:
            continue
        if feature.label_lng is not None and feature.label_lat is not None:
            lx, ly = project(feature.label_lng, feature.label_lat)
        else:
            outer = polys[0][0]
            lx, ly = project(sum(p[0] for p in outer) / len(outer), sum(p[1] for p in outer) / len(outer))
        shapes.append(
            MapShape(
                code=feature.code,
                name=feature.name,
                d=d,
                label_x=round(lx, 1),
                label_y=round(ly, 1),
                href=feature.href,
                highlight=feature.highlight,
            )
        )
    # highlighted shapes last, so that their outline is drawn on top of their neighbours'
    shapes.sort(key=lambda s: s.highlight)
    font_size = round(max(12.0, min(22.0, max(width, height) / 45)), 1)
    # a tall area is centred in a full-width box, so every map on a page has the same width
    view_box = f"{_fmt(-x_offset)} 0 {_fmt(WIDTH)} {_fmt(height)}"
    return SvgMap(view_box=view_box, width=WIDTH, height=height, shapes=tuple(shapes), font_size=font_size)
