"""Conversions between WGS-84 (what we store) and the two offset systems used by Chinese web maps.

- GCJ-02 ("Mars coordinates"; AMap, Tencent): WGS-84 plus an obfuscating offset. The forward
  transform is the well-known public formula; outside a rough mainland-China box no offset applies.
  The inverse has no closed form: we invert it by fixed-point iteration until the residual is below
  1e-9 degrees (it converges in 3–5 steps).
- BD-09 (Baidu): a further transform of GCJ-02 by the standard formulas. The standard BD-09 → GCJ-02
  formula is itself only an approximation of the inverse (errors around 1e-6 degrees), so we refine
  it with the same fixed-point iteration on the forward formula.

All angles are degrees, ``(lng, lat)`` order, as in GeoJSON.
"""

from __future__ import annotations

import math
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from django.utils.translation import gettext as _

__all__ = [
    "CoordSystem",
    "from_wgs84",
    "from_wgs84_many",
    "out_of_china",
    "parse_crs",
    "to_wgs84",
    "to_wgs84_many",
]

FloatArray = npt.NDArray[np.float64]


class CoordSystem(StrEnum):
    WGS84 = "wgs84"
    GCJ02 = "gcj02"
    BD09 = "bd09"


# Krasovsky 1940 ellipsoid, as used by the GCJ-02 formula.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0
# Rough mainland-China box used by every public implementation of the formula.
_CHINA_LNG = (72.004, 137.8347)
_CHINA_LAT = (0.8293, 55.8271)
_TOLERANCE = 1e-9
_MAX_ITERATIONS = 30


def parse_crs(crs: object) -> CoordSystem:
    """Return the CoordSystem named by ``crs`` (case-insensitive); ValueError names the valid ones."""
    if isinstance(crs, CoordSystem):
        return crs
    if isinstance(crs, str):
        try:
            return CoordSystem(crs.strip().lower())
        except ValueError:
            pass
    valid = ", ".join(c.value for c in CoordSystem)
    raise ValueError(_("未知坐标系: %(crs)r（可用: %(valid)s）") % {"crs": crs, "valid": valid})


def out_of_china(lng: float, lat: float) -> bool:
    return not (_CHINA_LNG[0] <= lng <= _CHINA_LNG[1] and _CHINA_LAT[0] <= lat <= _CHINA_LAT[1])


# --- scalar ---------------------------------------------------------------------------------------


def _gcj_delta(lng: float, lat: float) -> tuple[float, float]:
    x = lng - 105.0
    y = lat - 35.0
    sx, sy = math.sqrt(abs(x)), math.pi
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sx
    d_lng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sx
    common = (20.0 * math.sin(6.0 * x * sy) + 20.0 * math.sin(2.0 * x * sy)) * 2.0 / 3.0
    d_lat += common
    d_lng += common
    d_lat += (20.0 * math.sin(y * sy) + 40.0 * math.sin(y / 3.0 * sy)) * 2.0 / 3.0
    d_lat += (160.0 * math.sin(y / 12.0 * sy) + 320.0 * math.sin(y * sy / 30.0)) * 2.0 / 3.0
    d_lng += (20.0 * math.sin(x * sy) + 40.0 * math.sin(x / 3.0 * sy)) * 2.0 / 3.0
    d_lng += (150.0 * math.sin(x / 12.0 * sy) + 300.0 * math.sin(x / 30.0 * sy)) * 2.0 / 3.0
    rad_lat = lat / 180.0 * math.pi
    magic = 1.0 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lng = (d_lng * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return d_lng, d_lat


def _wgs_to_gcj(lng: float, lat: float) -> tuple[float, float]:
    if out_of_china(lng, lat):
        return lng, lat
    d_lng, d_lat = _gcj_delta(lng, lat)
    return lng + d_lng, lat + d_lat


def _gcj_to_bd(lng: float, lat: float) -> tuple[float, float]:
    z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * _X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def _bd_to_gcj_standard(lng: float, lat: float) -> tuple[float, float]:
    x = lng - 0.0065
    y = lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.cos(theta), z * math.sin(theta)


def _invert(
    forward: object, target_lng: float, target_lat: float, start: tuple[float, float]
) -> tuple[float, float]:
    """Solve ``forward(p) == target`` by fixed-point iteration p ← p + (target − forward(p))."""
    fn = forward
    assert callable(fn)  # noqa: S101 - internal helper, always given a function
    lng, lat = start
    for _step in range(_MAX_ITERATIONS):
        f_lng, f_lat = fn(lng, lat)
        e_lng, e_lat = target_lng - f_lng, target_lat - f_lat
        lng += e_lng
        lat += e_lat
        if abs(e_lng) < _TOLERANCE and abs(e_lat) < _TOLERANCE:
            break
    return lng, lat


def _gcj_to_wgs(lng: float, lat: float) -> tuple[float, float]:
    if out_of_china(lng, lat):
        return lng, lat
    return _invert(_wgs_to_gcj, lng, lat, (lng, lat))


def _bd_to_gcj(lng: float, lat: float) -> tuple[float, float]:
    return _invert(_gcj_to_bd, lng, lat, _bd_to_gcj_standard(lng, lat))


def to_wgs84(lng: float, lat: float, crs: CoordSystem | str) -> tuple[float, float]:
    """Convert a point given in ``crs`` to WGS-84."""
    system = parse_crs(crs)
    lng, lat = float(lng), float(lat)
    if system is CoordSystem.WGS84:
        return lng, lat
    if system is CoordSystem.GCJ02:
        return _gcj_to_wgs(lng, lat)
    return _gcj_to_wgs(*_bd_to_gcj(lng, lat))


def from_wgs84(lng: float, lat: float, crs: CoordSystem | str) -> tuple[float, float]:
    """Convert a WGS-84 point to ``crs``."""
    system = parse_crs(crs)
    lng, lat = float(lng), float(lat)
    if system is CoordSystem.WGS84:
        return lng, lat
    gcj = _wgs_to_gcj(lng, lat)
    if system is CoordSystem.GCJ02:
        return gcj
    return _gcj_to_bd(*gcj)


# --- vectorised -----------------------------------------------------------------------------------


def _in_china_many(lng: FloatArray, lat: FloatArray) -> npt.NDArray[np.bool_]:
    return (lng >= _CHINA_LNG[0]) & (lng <= _CHINA_LNG[1]) & (lat >= _CHINA_LAT[0]) & (lat <= _CHINA_LAT[1])


def _wgs_to_gcj_many(lng: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    x = lng - 105.0
    y = lat - 35.0
    pi = np.pi
    sx = np.sqrt(np.abs(x))
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sx
    d_lng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sx
    common = (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    d_lat = d_lat + common
    d_lng = d_lng + common
    d_lat += (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
    d_lat += (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0
    d_lng += (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
    d_lng += (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0
    rad_lat = lat / 180.0 * pi
    magic = 1.0 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * pi)
    d_lng = (d_lng * 180.0) / (_A / sqrt_magic * np.cos(rad_lat) * pi)
    inside = _in_china_many(lng, lat)
    return np.where(inside, lng + d_lng, lng), np.where(inside, lat + d_lat, lat)


def _gcj_to_bd_many(lng: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    z = np.sqrt(lng * lng + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lng) + 0.000003 * np.cos(lng * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _bd_to_gcj_standard_many(lng: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    x = lng - 0.0065
    y = lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def _invert_many(
    forward: object,
    target_lng: FloatArray,
    target_lat: FloatArray,
    start: tuple[FloatArray, FloatArray],
) -> tuple[FloatArray, FloatArray]:
    fn = forward
    assert callable(fn)  # noqa: S101 - internal helper, always given a function
    lng, lat = start[0].copy(), start[1].copy()
    for _step in range(_MAX_ITERATIONS):
        f_lng, f_lat = fn(lng, lat)
        e_lng, e_lat = target_lng - f_lng, target_lat - f_lat
        lng += e_lng
        lat += e_lat
        worst = np.nanmax(np.maximum(np.abs(e_lng), np.abs(e_lat)), initial=0.0)
        if worst < _TOLERANCE:
            break
    return lng, lat


def _as_arrays(lngs: object, lats: object) -> tuple[FloatArray, FloatArray]:
    lng = np.asarray(lngs, dtype=np.float64)
    lat = np.asarray(lats, dtype=np.float64)
    if lng.shape != lat.shape:
        raise ValueError(
            _("经度和纬度数组长度不一致: %(shape)s != %(shape2)s") % {"shape": lng.shape, "shape2": lat.shape}
        )
    return lng, lat


def to_wgs84_many(lngs: object, lats: object, crs: CoordSystem | str) -> tuple[FloatArray, FloatArray]:
    """Vectorised ``to_wgs84``: arrays of longitudes and latitudes in ``crs`` → WGS-84 arrays."""
    system = parse_crs(crs)
    lng, lat = _as_arrays(lngs, lats)
    if system is CoordSystem.WGS84:
        return lng.copy(), lat.copy()
    if system is CoordSystem.BD09:
        lng, lat = _invert_many(_gcj_to_bd_many, lng, lat, _bd_to_gcj_standard_many(lng, lat))
    inside = _in_china_many(lng, lat)
    w_lng, w_lat = _invert_many(_wgs_to_gcj_many, lng, lat, (lng, lat))
    return np.where(inside, w_lng, lng), np.where(inside, w_lat, lat)


def from_wgs84_many(lngs: object, lats: object, crs: CoordSystem | str) -> tuple[FloatArray, FloatArray]:
    """Vectorised ``from_wgs84``."""
    system = parse_crs(crs)
    lng, lat = _as_arrays(lngs, lats)
    if system is CoordSystem.WGS84:
        return lng.copy(), lat.copy()
    gcj = _wgs_to_gcj_many(lng, lat)
    if system is CoordSystem.GCJ02:
        return gcj
    return _gcj_to_bd_many(*gcj)
