"""Reads of the region tree."""

from __future__ import annotations

import math

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from dangqun.core.errors import NotFoundError
from dangqun.regions.coords import CoordSystem, parse_crs, to_wgs84
from dangqun.regions.geoindex import get_grid_index
from dangqun.regions.models import Region, RegionLevel

__all__ = ["ancestors", "children", "locate_grid", "region_by_code", "subtree"]


def region_by_code(code: str) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise NotFoundError(_("未知区划代码: %(code)s") % {"code": code})
    return region


def subtree(region: Region) -> QuerySet[Region]:
    """The region and everything below it, in path order (one indexed range query)."""
    return Region.objects.filter(path__subtree=region.path).order_by("path")


def ancestors(region: Region, *, include_self: bool = True) -> list[Region]:
    """The chain from the root down to ``region`` (one query), root first."""
    paths = region.ancestor_paths()
    if not include_self:
        paths = paths[:-1]
    return list(Region.objects.filter(path__in=paths).order_by("level"))


def children(region: Region) -> QuerySet[Region]:
    """Direct children, in display order."""
    return Region.objects.filter(parent=region).order_by("sort_order", "code")


def locate_grid(lng: float, lat: float, crs: CoordSystem | str = CoordSystem.WGS84) -> Region:
    """The active grid containing the point (given in ``crs``); ValidationError when there is none."""
    try:
        system = parse_crs(crs)
    except ValueError as exc:
        raise ValidationError(str(exc), code="bad_crs") from None
    try:
        x, y = float(lng), float(lat)
    except (TypeError, ValueError):
        raise ValidationError(
            _("坐标必须是数字: (%(lng)r, %(lat)r)") % {"lng": lng, "lat": lat}, code="bad_coordinates"
        ) from None
    if not (math.isfinite(x) and math.isfinite(y) and -180 <= x <= 180 and -90 <= y <= 90):
        raise ValidationError(
            _("坐标超出范围: (%(lng)r, %(lat)r)") % {"lng": lng, "lat": lat}, code="bad_coordinates"
        )
    w_lng, w_lat = to_wgs84(x, y, system)
    grid_id = get_grid_index().locate(w_lng, w_lat)
    grid = (
        # Its boundary stays in the database: the index already answered the geometry question, and
        # a grid's polygon is the widest column of the row (read lazily by the rare caller that needs it).
        Region.objects.filter(pk=grid_id, level=RegionLevel.GRID, is_active=True).defer("boundary").first()
        if grid_id is not None
        else None
    )
    if grid is None:
        raise ValidationError(_("坐标不在本辖区任何网格内"), code="outside_grids")
    return grid
