"""Deterministic points inside a grid polygon (rejection sampling in the bounding box)."""

from __future__ import annotations

import random

import shapely
from shapely.geometry.base import BaseGeometry

from dangqun.regions.geometry import label_point


class PointSampler:
    """Draws points inside ``geometry`` from the caller's random stream, rounded to 6 decimals
    (about 0.1 m) and re-checked after rounding, so a stored point always lies in its grid."""

    def __init__(self, geometry: BaseGeometry) -> None:
        self.geometry = geometry
        shapely.prepare(geometry)
        self.min_x, self.min_y, self.max_x, self.max_y = geometry.bounds
        self.fallback = tuple(round(v, 6) for v in label_point(geometry))

    def _inside(self, x: float, y: float) -> bool:
        return bool(shapely.contains_xy(self.geometry, x, y))

    def inside(self, rng: random.Random) -> tuple[float, float]:
        for _ in range(200):
            x = round(rng.uniform(self.min_x, self.max_x), 6)
            y = round(rng.uniform(self.min_y, self.max_y), 6)
            if self._inside(x, y):
                return x, y
        return self.fallback[0], self.fallback[1]

    def near_edge(self, rng: random.Random) -> tuple[float, float]:
        """A point a little inside the boundary (street-front shops face the roads that bound a grid)."""
        boundary = self.geometry.boundary
        cx, cy = self.fallback
        for _ in range(20):
            edge = boundary.interpolate(rng.random(), normalized=True)
            pull = rng.uniform(0.05, 0.2)
            x = round(edge.x + (cx - edge.x) * pull, 6)
            y = round(edge.y + (cy - edge.y) * pull, 6)
            if self._inside(x, y):
                return x, y
        return self.inside(rng)
