"""Validation and measurement of region boundaries (GeoJSON, WGS-84, ``[lng, lat]`` order).

``validate_boundary`` is the only door from user input to a shapely geometry: it checks the GeoJSON
structure position by position and reports the first problem in Chinese, then asks GEOS whether the
polygon is valid (no self-intersection) and non-degenerate.

Area: ``area_km2`` projects the geometry with the ellipsoidal sinusoidal projection centred on the
geometry's own central meridian (x = Δλ·N(φ)·cos φ, y = meridian arc length m(φ) on WGS-84). That
projection is exactly equal-area on the ellipsoid (its Jacobian is M·N·cos φ, the ellipsoid's own
area element), so the only error is that polygon edges are straight in the projection rather than
geodesics, which at district size (tens of km) is far below 0.01 %.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

__all__ = ["area_km2", "label_point", "to_geojson", "validate_boundary"]

_ALLOWED_TYPES = ("Polygon", "MultiPolygon")
_MIN_RING_POSITIONS = 4

# WGS-84 ellipsoid.
_WGS84_A = 6378137.0
_WGS84_F = 1 / 298.257223563
_E2 = _WGS84_F * (2 - _WGS84_F)
_E4 = _E2 * _E2
_E6 = _E4 * _E2
_M0 = 1 + 3 / 4 * _E2 + 45 / 64 * _E4 + 175 / 256 * _E6
_M2 = 3 / 8 * (_E2 + 3 / 4 * _E4 + 15 / 128 * _E6)
_M4 = 15 / 256 * (_E4 + 3 / 4 * _E6)
_M6 = 35 / 3072 * _E6


def _invalid(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _parse_position(value: object, where: str) -> tuple[float, float]:
    if not isinstance(value, list | tuple) or len(value) < 2 or len(value) > 3:
        raise _invalid(
            _("边界坐标格式错误：%(where)s应为 [经度, 纬度]，收到 %(value)r")
            % {"where": where, "value": value},
            "bad_coordinates",
        )
    if not all(_is_number(v) for v in value):
        raise _invalid(
            _("边界坐标格式错误：%(where)s含非数字的值 %(value)r") % {"where": where, "value": value},
            "bad_coordinates",
        )
    lng, lat = float(value[0]), float(value[1])
    if not (math.isfinite(lng) and math.isfinite(lat)):
        raise _invalid(
            _("边界坐标格式错误：%(where)s含无效数值 %(value)r") % {"where": where, "value": value},
            "bad_coordinates",
        )
    if not -180.0 <= lng <= 180.0:
        raise _invalid(
            _("边界坐标超出范围：%(where)s的经度 %(lng)s 不在 [-180, 180] 内") % {"where": where, "lng": lng},
            "out_of_range",
        )
    if not -90.0 <= lat <= 90.0:
        raise _invalid(
            _("边界坐标超出范围：%(where)s的纬度 %(lat)s 不在 [-90, 90] 内") % {"where": where, "lat": lat},
            "out_of_range",
        )
    return lng, lat


def _parse_ring(value: object, where: str) -> list[tuple[float, float]]:
    if not isinstance(value, list | tuple):
        raise _invalid(_("边界坐标格式错误：%(where)s应为坐标数组") % {"where": where}, "bad_coordinates")
    if len(value) < _MIN_RING_POSITIONS:
        raise _invalid(
            _("边界坐标格式错误：%(where)s至少需要 %(minimum)s 个坐标（首尾相同），收到 %(count)s 个")
            % {"where": where, "minimum": _MIN_RING_POSITIONS, "count": len(value)},
            "too_few_positions",
        )
    ring = [
        _parse_position(p, _("%(where)s第 %(value)s 个坐标") % {"where": where, "value": i + 1})
        for i, p in enumerate(value)
    ]
    if ring[0] != ring[-1]:
        raise _invalid(
            _("边界坐标格式错误：%(where)s未闭合（首尾坐标必须相同）") % {"where": where}, "ring_not_closed"
        )
    return ring


def _parse_polygon(value: object, where: str) -> Polygon:
    if not isinstance(value, list | tuple) or not value:
        raise _invalid(
            _("边界坐标格式错误：%(where)s应为至少含一个环的数组") % {"where": where}, "bad_coordinates"
        )
    rings = [
        _parse_ring(r, _("%(where)s第 %(value)s 个环") % {"where": where, "value": i + 1})
        for i, r in enumerate(value)
    ]
    return Polygon(rings[0], rings[1:])


def _unwrap(geojson: object) -> dict[str, Any]:
    if not isinstance(geojson, dict):
        raise _invalid(
            _("边界必须是 GeoJSON 对象（Polygon 或 MultiPolygon），收到 %(name)s")
            % {"name": type(geojson).__name__},
            "not_geojson",
        )
    kind = geojson.get("type")
    if kind is None:
        raise _invalid(_("边界缺少 type 字段"), "missing_type")
    if kind == "Feature":
        inner = geojson.get("geometry")
        if not isinstance(inner, dict):
            raise _invalid(_("边界 Feature 缺少 geometry 对象"), "not_geojson")
        return _unwrap(inner)
    if kind not in _ALLOWED_TYPES:
        raise _invalid(
            _("边界类型必须是 Polygon 或 MultiPolygon，收到 %(kind)r") % {"kind": kind}, "wrong_type"
        )
    return geojson


def validate_boundary(geojson: object) -> Polygon | MultiPolygon:
    """Check a GeoJSON Polygon/MultiPolygon (or a Feature wrapping one) and return it as shapely.

    Raises ValidationError with a Chinese message naming the first problem found.
    """
    obj = _unwrap(geojson)
    coords = obj.get("coordinates")
    if coords is None:
        raise _invalid(_("边界缺少 coordinates 字段"), "bad_coordinates")
    geom: Polygon | MultiPolygon
    if obj["type"] == "Polygon":
        geom = _parse_polygon(coords, _("多边形"))
    else:
        if not isinstance(coords, list | tuple) or not coords:
            raise _invalid(_("边界坐标格式错误：MultiPolygon 至少需要一个多边形"), "bad_coordinates")
        geom = MultiPolygon(
            [_parse_polygon(p, _("第 %(value)s 个多边形") % {"value": i + 1}) for i, p in enumerate(coords)]
        )
    if geom.convex_hull.area <= 0.0:
        raise _invalid(_("边界面积为零（所有坐标重合或共线）"), "zero_area")
    if not geom.is_valid:
        reason = explain_validity(geom)
        if "Self-intersection" in reason:
            raise _invalid(_("边界自相交：%(reason)s") % {"reason": reason}, "self_intersection")
        raise _invalid(_("边界几何无效：%(reason)s") % {"reason": reason}, "invalid_geometry")
    if geom.is_empty or geom.area <= 0.0:
        raise _invalid(_("边界面积为零"), "zero_area")
    return geom


def label_point(geom: BaseGeometry) -> tuple[float, float]:
    """A point guaranteed inside ``geom``: the centroid when it lies inside, else a point on the surface."""
    centroid = geom.centroid
    point = centroid if geom.contains(centroid) else geom.point_on_surface()
    return float(point.x), float(point.y)


def _meridian_arc(lat_rad: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return (
        _WGS84_A
        * (1 - _E2)
        * (_M0 * lat_rad - _M2 * np.sin(2 * lat_rad) + _M4 * np.sin(4 * lat_rad) - _M6 * np.sin(6 * lat_rad))
    )


def area_km2(geom: BaseGeometry) -> float:
    """Area in km² by the ellipsoidal sinusoidal (equal-area) projection; see the module docstring."""
    if geom.is_empty:
        return 0.0
    min_lng, _, max_lng, _ = geom.bounds
    lng0 = (min_lng + max_lng) / 2.0

    def project(coords: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        lam = np.radians(coords[:, 0] - lng0)
        phi = np.radians(coords[:, 1])
        sin_phi = np.sin(phi)
        n = _WGS84_A / np.sqrt(1 - _E2 * sin_phi * sin_phi)
        return np.column_stack([lam * n * np.cos(phi), _meridian_arc(phi)])

    return float(shapely.transform(geom, project).area) / 1e6


def to_geojson(geom: BaseGeometry) -> dict[str, Any]:
    """A JSON-ready GeoJSON geometry dict (lists, not tuples)."""
    mapped = mapping(geom)

    def listify(value: Any) -> Any:
        if isinstance(value, list | tuple):
            return [listify(v) for v in value]
        return value

    return {"type": mapped["type"], "coordinates": listify(mapped["coordinates"])}
