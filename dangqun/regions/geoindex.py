"""Point → grid lookup.

``GridIndex`` answers "which grid contains this point" for one point (``locate``) or many
(``locate_many``). Design, chosen by measurement (see docs/benchmarks.md, "Geo lookup"):

1. A uniform bucket raster over the bounding box of all grids, about ``cells_per_grid`` buckets per
   grid. At build time a shapely STRtree finds, for every bucket, the grids whose polygon touches it.
   A bucket touched by exactly one grid that covers it entirely is *pure*: every point in it belongs to
   that grid, no geometry test needed. A bucket touched by nothing is *empty*. The rest are *mixed*
   and keep their candidate list (grid positions in ascending id order).
2. ``locate``: two multiplications and an array read give the bucket; a pure or empty bucket answers
   at once, a mixed one tests its few candidates with ``shapely.intersects_xy`` on prepared polygons.
3. ``locate_many``: the same in numpy for all points at once; the mixed ones are expanded to
   (point, candidate) pairs and tested in one vectorised ``intersects_xy`` call.

A point on the boundary belongs to a grid (closed polygons); a point on an edge shared by two grids
gets the one with the lowest id, in both paths (candidates are tested in ascending id order).

``get_grid_index()`` keeps one index per process, built from the active level-5 regions with a
boundary, and rebuilds it when the ``GeoIndexVersion`` row changes (checked at most every
``settings.DANGQUN["GEO_INDEX_CHECK_SECONDS"]`` seconds) or after ``invalidate_grid_index()``.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from array import array
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = [
    "GEO_INDEX_VERSION_PK",
    "GridIndex",
    "current_geo_index_version",
    "get_grid_index",
    "invalidate_grid_index",
]

logger = logging.getLogger(__name__)

# The primary key of the one ``GeoIndexVersion`` row (created on the first bump).
GEO_INDEX_VERSION_PK = 1
_EMPTY = -1
_MIXED = -2
# Cap on the number of buckets, whatever the number of grids (memory: ~4 bytes per bucket).
_MAX_BUCKETS = 8_000_000
# Buckets are examined in chunks at build time to bound peak memory.
_BUILD_CHUNK = 20_000


def _classify_buckets(
    tree: shapely.STRtree,
    geometries: npt.NDArray[np.object_],
    origin: tuple[float, float, float, float],
    nx: int,
    ny: int,
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Bucket values (grid position if pure, _EMPTY, or _MIXED) and the (bucket, grid) candidate
    pairs of the mixed buckets, sorted by bucket then grid position (= ascending id)."""
    x0, y0, dx, dy = origin
    # Boxes grown by a hair so that rounding in the bucket arithmetic can never put a point in a pure
    # bucket whose grid does not contain it.
    eps = 1e-9 * max(dx, dy)
    total = nx * ny
    bucket = np.full(total, _EMPTY, dtype=np.int32)
    mixed_cells: list[npt.NDArray[np.int64]] = []
    mixed_geoms: list[npt.NDArray[np.int64]] = []
    for start in range(0, total, _BUILD_CHUNK):
        cells = np.arange(start, min(start + _BUILD_CHUNK, total), dtype=np.int64)
        ix, iy = cells // ny, cells % ny
        boxes = shapely.box(
            x0 + ix * dx - eps, y0 + iy * dy - eps, x0 + (ix + 1) * dx + eps, y0 + (iy + 1) * dy + eps
        )
        box_idx, geom_idx = tree.query(boxes, predicate="intersects")
        if len(box_idx) == 0:
            continue
        order = np.lexsort((geom_idx, box_idx))
        box_idx, geom_idx = box_idx[order], geom_idx[order]
        single = np.bincount(box_idx, minlength=len(cells))[box_idx] == 1
        pure = np.zeros(len(box_idx), dtype=bool)
        if single.any():
            pure[single] = shapely.covers(geometries[geom_idx[single]], boxes[box_idx[single]])
        bucket[cells[box_idx[pure]]] = geom_idx[pure]
        rest = ~pure
        bucket[cells[box_idx[rest]]] = _MIXED
        mixed_cells.append(cells[box_idx[rest]])
        mixed_geoms.append(geom_idx[rest])
    empty = np.empty(0, dtype=np.int64)
    return (
        bucket,
        np.concatenate(mixed_cells) if mixed_cells else empty,
        np.concatenate(mixed_geoms) if mixed_geoms else empty,
    )


class GridIndex:
    """Immutable lookup structure over grid polygons (WGS-84 lng/lat)."""

    def __init__(
        self,
        ids: Sequence[int] | npt.ArrayLike,
        geometries: Sequence[BaseGeometry] | npt.ArrayLike,
        *,
        cells_per_grid: float = 48.0,
    ) -> None:
        id_arr = np.asarray(ids, dtype=np.int64)
        geom_arr = np.asarray(geometries, dtype=object)
        if id_arr.shape != geom_arr.shape or id_arr.ndim != 1:
            raise ValueError("ids and geometries must be 1-D sequences of the same length")
        if len(np.unique(id_arr)) != len(id_arr):
            raise ValueError("grid ids must be unique")
        order = np.argsort(id_arr, kind="stable")
        self.ids: npt.NDArray[np.int64] = id_arr[order]
        self.geometries: npt.NDArray[np.object_] = geom_arr[order]
        self._ids_list: list[int] = [int(i) for i in self.ids]
        for g in self.geometries:
            shapely.prepare(g)
        self.tree = shapely.STRtree(self.geometries)
        self._build_buckets(cells_per_grid)

    def __len__(self) -> int:
        return len(self.ids)

    # --- build ------------------------------------------------------------------------------------

    def _build_buckets(self, cells_per_grid: float) -> None:
        n = len(self.geometries)
        if n == 0:
            x0 = y0 = 0.0
            nx = ny = 0
            dx = dy = 1.0
            bucket = np.empty(0, dtype=np.int32)
            cand_cells = cand_geoms = np.empty(0, dtype=np.int64)
        else:
            x0, y0, x1, y1 = (float(b) for b in shapely.total_bounds(self.geometries))
            width = max(x1 - x0, 1e-12)
            height = max(y1 - y0, 1e-12)
            size = math.sqrt(width * height / min(max(n * cells_per_grid, 1.0), _MAX_BUCKETS))
            nx = max(1, math.ceil(width / size))
            ny = max(1, math.ceil(height / size))
            dx, dy = width / nx, height / ny
            bucket, cand_cells, cand_geoms = _classify_buckets(
                self.tree, self.geometries, (x0, y0, dx, dy), nx, ny
            )
        self._x0, self._y0 = x0, y0
        self._nx, self._ny = nx, ny
        self._inv_dx, self._inv_dy = 1.0 / dx, 1.0 / dy
        # Candidate lists in CSR form for the mixed buckets only, numbered densely; a mixed bucket
        # stores -(its number + 2), so one read of the bucket array tells pure, empty or mixed.
        mixed_cells, starts = np.unique(cand_cells, return_index=True)
        offsets = np.append(starts, len(cand_cells)).astype(np.int32)
        bucket[mixed_cells] = -(np.arange(len(mixed_cells), dtype=np.int32) + 2)
        # array.array for the scalar path (indexing gives Python ints fast), numpy views of the same
        # memory for the vectorised path.
        self._bucket = array("i", bucket.tobytes())
        self._bucket_np = np.frombuffer(self._bucket, dtype=np.int32)
        self._offsets = array("i", offsets.tobytes())
        self._offsets_np = np.frombuffer(self._offsets, dtype=np.int32)
        self._cands = array("i", cand_geoms.astype(np.int32).tobytes())
        self._cands_np = np.frombuffer(self._cands, dtype=np.int32)
        self.stats: dict[str, int] = {
            "buckets": nx * ny,
            "pure": int((bucket >= 0).sum()),
            "empty": int((bucket == _EMPTY).sum()),
            "mixed": len(mixed_cells),
            "candidates": len(cand_cells),
        }

    # --- lookups ----------------------------------------------------------------------------------

    def locate(self, lng: float, lat: float) -> int | None:
        """Id of the grid containing the point (lowest id on a shared edge), or None."""
        fx = (lng - self._x0) * self._inv_dx
        fy = (lat - self._y0) * self._inv_dy
        # NaN fails every comparison and lands here too.
        if not (0.0 <= fx <= self._nx and 0.0 <= fy <= self._ny) or self._nx == 0:
            return None
        ix = int(fx)
        iy = int(fy)
        if ix == self._nx:
            ix -= 1
        if iy == self._ny:
            iy -= 1
        value = self._bucket[ix * self._ny + iy]
        if value >= 0:
            return self._ids_list[value]
        if value == _EMPTY:
            return None
        slot = -value - 2
        geoms = self.geometries
        cands = self._cands
        for k in range(self._offsets[slot], self._offsets[slot + 1]):
            j = cands[k]
            if shapely.intersects_xy(geoms[j], lng, lat):
                return self._ids_list[j]
        return None

    def locate_many(self, lngs: npt.ArrayLike, lats: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Vectorised ``locate``: an int64 array of grid ids, -1 where a point is in no grid."""
        x = np.asarray(lngs, dtype=np.float64).ravel()
        y = np.asarray(lats, dtype=np.float64).ravel()
        if x.shape != y.shape:
            raise ValueError("lngs and lats must have the same length")
        out = np.full(len(x), -1, dtype=np.int64)
        if self._nx == 0 or len(x) == 0:
            return out
        with np.errstate(invalid="ignore"):
            fx = (x - self._x0) * self._inv_dx
            fy = (y - self._y0) * self._inv_dy
            inside = (fx >= 0) & (fx <= self._nx) & (fy >= 0) & (fy <= self._ny)
        idx = np.nonzero(inside)[0]
        ix = np.minimum(fx[idx].astype(np.int64), self._nx - 1)
        iy = np.minimum(fy[idx].astype(np.int64), self._ny - 1)
        value = self._bucket_np[ix * self._ny + iy]
        pure = value >= 0
        out[idx[pure]] = self.ids[value[pure]]
        mixed = value <= _MIXED
        if not mixed.any():
            return out
        pts = idx[mixed]
        slots = -value[mixed].astype(np.int64) - 2
        starts = self._offsets_np[slots].astype(np.int64)
        counts = self._offsets_np[slots + 1].astype(np.int64) - starts
        pair_pt = np.repeat(np.arange(len(pts)), counts)
        # Position of each pair inside its point's candidate run: 0, 1, 2, ...
        run_start = np.repeat(np.cumsum(counts) - counts, counts)
        within = np.arange(len(pair_pt)) - run_start
        pair_geom = self._cands_np[np.repeat(starts, counts) + within]
        hit = shapely.intersects_xy(self.geometries[pair_geom], x[pts[pair_pt]], y[pts[pair_pt]])
        hit_pt = pair_pt[hit]
        hit_geom = pair_geom[hit]
        # Pairs are ordered by point, then by ascending id: the first hit per point is the answer.
        first_pt, first = np.unique(hit_pt, return_index=True)
        out[pts[first_pt]] = self.ids[hit_geom[first]]
        return out


# --- the process-wide index -----------------------------------------------------------------------


class _Cache:
    """The process-wide index and what it was built from; guarded by ``lock`` for writes."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.index: GridIndex | None = None
        self.version: int | None = None
        self.checked_at = -math.inf

    def fresh(self, check_seconds: float) -> GridIndex | None:
        index = self.index
        if index is not None and time.monotonic() - self.checked_at < check_seconds:
            return index
        return None


_cache = _Cache()


def current_geo_index_version() -> int:
    """The version in the ``GeoIndexVersion`` singleton row (0 before any boundary was set)."""
    from dangqun.regions.models import GeoIndexVersion

    value = GeoIndexVersion.objects.filter(pk=GEO_INDEX_VERSION_PK).values_list("version", flat=True).first()
    return int(value or 0)


def _load_from_db() -> GridIndex:
    from dangqun.regions.models import Region, RegionLevel

    rows = (
        Region.objects.filter(level=RegionLevel.GRID, is_active=True, boundary__isnull=False)
        .order_by("pk")
        .values_list("pk", "boundary")
    )
    ids: list[int] = []
    geoms: list[BaseGeometry] = []
    for pk, boundary in rows.iterator(chunk_size=2000):
        if not boundary:
            continue
        try:
            geom = shapely.geometry.shape(boundary)
        except (ValueError, TypeError, KeyError, AttributeError, shapely.errors.ShapelyError):
            logger.warning("grid %s has an unreadable boundary; left out of the index", pk)
            continue
        if geom.is_empty:
            continue
        ids.append(int(pk))
        geoms.append(geom)
    return GridIndex(ids, geoms)


def get_grid_index() -> GridIndex:
    """The process-wide index of active grids, rebuilt when boundaries change. Thread-safe."""
    from django.conf import settings

    configured = settings.DANGQUN.get("GEO_INDEX_CHECK_SECONDS", 5.0)
    check_seconds = float(configured) if isinstance(configured, int | float | str) else 5.0
    index = _cache.fresh(check_seconds)
    if index is not None:
        return index
    stale = _cache.index
    # While one thread rebuilds, the others keep answering from the previous index.
    if not _cache.lock.acquire(blocking=stale is None):
        if stale is not None:
            return stale
        _cache.lock.acquire()
    try:
        index = _cache.fresh(check_seconds)
        if index is not None:
            return index
        version = current_geo_index_version()
        index = _cache.index
        if index is None or version != _cache.version:
            started = time.perf_counter()
            index = _load_from_db()
            logger.info(
                "grid index v%s built: %d grids in %.2f s", version, len(index), time.perf_counter() - started
            )
            _cache.index = index
            _cache.version = version
        _cache.checked_at = time.monotonic()
        return index
    finally:
        _cache.lock.release()


def invalidate_grid_index() -> None:
    """Drop this process's index; the next ``get_grid_index()`` rebuilds it from the database."""
    with _cache.lock:
        _cache.index = None
        _cache.version = None
        _cache.checked_at = -math.inf
