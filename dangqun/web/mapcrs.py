"""The map tiles' coordinate system, and drawing our WGS-84 data on tiles that use another one.

We store WGS-84 (GPS). Chinese commercial tile sources draw their streets in an offset system:
AMap (高德) and Tencent in GCJ-02, Baidu in BD-09. On such tiles a WGS-84 polygon lands a few hundred
metres off its streets, so the map pages send their geometry already converted to the tiles'
system (``DANGQUN_MAP_TILE_CRS``), and a point the user picks on such a map comes back to the server
in that system, named by the form's ``crs`` field, and is converted to WGS-84 by intake
(``regions.coords``). The shift is done here on the server, once, with the same conversions intake
uses, so there is no second implementation of the formula in the browser.

The setting names the system; empty means guessed from the tile URL's host (AMap/Tencent → GCJ-02,
Baidu → BD-09, anything else — 天地图, OpenStreetMap, an intranet server — WGS-84). Baidu's tiles
also use their own tile numbering, which Leaflet's standard tile layer does not speak; the setting
still shifts the data for a tile server that serves BD-09 in the standard scheme.
"""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from dangqun.regions.coords import CoordSystem, from_wgs84_many, parse_crs, to_wgs84

# Host suffixes of the tile services whose streets are drawn in an offset system.
HOST_SYSTEMS: tuple[tuple[str, CoordSystem], ...] = (
    ("autonavi.com", CoordSystem.GCJ02),  # 高德 AMap: webrd0{s}.is.autonavi.com, webst0{s}...
    ("amap.com", CoordSystem.GCJ02),
    ("gtimg.com", CoordSystem.GCJ02),  # Tencent: rt{s}.map.gtimg.com
    ("map.qq.com", CoordSystem.GCJ02),
    ("bdimg.com", CoordSystem.BD09),  # Baidu: maponline{s}.bdimg.com
    ("map.baidu.com", CoordSystem.BD09),
)
DIGITS = 7  # about 1 cm


def guess_crs(url_template: str) -> CoordSystem:
    """The coordinate system a tile URL template's host draws in (WGS-84 unless it is a known one)."""
    host = urlsplit(url_template.strip()).hostname or ""
    for suffix, system in HOST_SYSTEMS:
        if host == suffix or host.endswith("." + suffix):
            return system
    return CoordSystem.WGS84


def tile_crs() -> CoordSystem:
    """The configured map CRS: ``DANGQUN["MAP_TILE_CRS"]``, else guessed from ``MAP_TILE_URL``."""
    config = getattr(settings, "DANGQUN", {})
    named = str(config.get("MAP_TILE_CRS", "") or "").strip()
    if not named:
        return guess_crs(str(config.get("MAP_TILE_URL", "") or ""))
    try:
        return parse_crs(named)
    except ValueError:
        raise ImproperlyConfigured(
            f"DANGQUN_MAP_TILE_CRS={named!r}: use wgs84, gcj02 or bd09 (or leave it empty)"
        ) from None


def map_settings() -> dict[str, str]:
    """What a map page needs to draw its tile layer: the URL template, its attribution, its CRS."""
    config = getattr(settings, "DANGQUN", {})
    return {
        "tiles": str(config.get("MAP_TILE_URL", "") or ""),
        "attribution": str(config.get("MAP_TILE_ATTRIBUTION", "") or ""),
        "crs": tile_crs().value,
    }


def _positions(coordinates: Any, out: list[list[float]]) -> None:
    if isinstance(coordinates, list) and coordinates and isinstance(coordinates[0], (int, float)):
        out.append(coordinates)
    elif isinstance(coordinates, list):
        for item in coordinates:
            _positions(item, out)


def _collect(node: Any, out: list[list[float]]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "coordinates":
                _positions(value, out)
            else:
                _collect(value, out)
    elif isinstance(node, list):
        for value in node:
            _collect(value, out)


def geojson_to_map(data: Any, crs: CoordSystem) -> Any:
    """A copy of ``data`` (any GeoJSON object, or a structure holding some) with every position moved
    from WGS-84 to ``crs``; ``data`` itself when ``crs`` is WGS-84. One vectorised conversion."""
    if crs is CoordSystem.WGS84:
        return data
    moved = copy.deepcopy(data)
    positions: list[list[float]] = []
    _collect(moved, positions)
    if positions:
        lngs, lats = from_wgs84_many([p[0] for p in positions], [p[1] for p in positions], crs)
        for position, lng, lat in zip(positions, lngs.tolist(), lats.tolist(), strict=True):
            position[0], position[1] = round(lng, DIGITS), round(lat, DIGITS)
    return moved


def bbox_to_wgs84(
    bbox: tuple[float, float, float, float], crs: CoordSystem
) -> tuple[float, float, float, float]:
    """A map view's ``(west, south, east, north)`` in the tiles' system, back in WGS-84 (its corners
    moved: the offset is a few hundred metres, nearly the same across one view)."""
    if crs is CoordSystem.WGS84:
        return bbox
    west, south = to_wgs84(bbox[0], bbox[1], crs)
    east, north = to_wgs84(bbox[2], bbox[3], crs)
    return west, south, east, north
