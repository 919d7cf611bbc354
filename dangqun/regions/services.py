"""Writes to the region tree. Every change goes through these functions (admin, API, imports).

Boundaries arrive as GeoJSON (WGS-84) and are checked by ``regions.geometry.validate_boundary``.
A grid's boundary must not overlap another active grid and must lie inside its parent's boundary
(when the parent has one). Changing a grid boundary bumps ``GeoIndexVersion`` so that every app
process rebuilds its point → grid index; this process drops its own index as soon as the
transaction commits.
"""

from __future__ import annotations

from typing import Any

import shapely
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry.base import BaseGeometry

from dangqun.core.audit import record_event
from dangqun.core.fields import join_path
from dangqun.core.i18n import join_list
from dangqun.regions.events import RegionsEvent
from dangqun.regions.geoindex import GEO_INDEX_VERSION_PK, invalidate_grid_index
from dangqun.regions.geometry import area_km2, label_point, to_geojson, validate_boundary
from dangqun.regions.models import KIND_LEVEL, GeoIndexVersion, Region, RegionKind, RegionLevel

__all__ = [
    "geo_index_version_bump",
    "region_create",
    "region_set_boundary",
    "region_update",
]

# Overlap between two grids, or a grid's area outside its parent, below this is rounding noise.
OVERLAP_TOLERANCE_KM2 = 1e-6  # 1 m²


def geo_index_version_bump() -> int:
    """Increment the ``GeoIndexVersion`` singleton (creating it if needed); return the new version.

    Call inside the transaction that changed grid boundaries. Bulk loaders that bypass the services
    (the demo seed) call it once after writing. The row update also serialises concurrent boundary
    writers until commit.
    """
    GeoIndexVersion.objects.get_or_create(pk=GEO_INDEX_VERSION_PK)
    GeoIndexVersion.objects.filter(pk=GEO_INDEX_VERSION_PK).update(
        version=F("version") + 1, changed_at=timezone.now()
    )
    transaction.on_commit(invalidate_grid_index)
    return int(GeoIndexVersion.objects.values_list("version", flat=True).get(pk=GEO_INDEX_VERSION_PK))


def _lock_geo_index_version() -> None:
    GeoIndexVersion.objects.get_or_create(pk=GEO_INDEX_VERSION_PK)
    list(GeoIndexVersion.objects.select_for_update().filter(pk=GEO_INDEX_VERSION_PK))


def _check_grid_placement(*, geom: BaseGeometry, parent: Region | None, exclude_pk: int | None) -> None:
    """Reject a grid polygon that overlaps another active grid or sticks out of its parent."""
    if parent is not None and parent.boundary:
        parent_geom = shapely.geometry.shape(parent.boundary)
        outside = area_km2(geom.difference(parent_geom))
        if outside > OVERLAP_TOLERANCE_KM2:
            raise ValidationError(
                _("网格边界超出上级区划 %(name)s(%(code)s) 的边界 %(value).1f 平方米")
                % {"name": parent.name, "code": parent.code, "value": outside * 1e6},
                code="outside_parent",
            )
    rows = Region.objects.filter(level=RegionLevel.GRID, is_active=True, boundary__isnull=False)
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    others = list(rows.order_by("code").values_list("code", "name", "boundary"))
    if not others:
        return
    shapes = [shapely.geometry.shape(b) for _, _, b in others]
    tree = shapely.STRtree(shapes)
    shapely.prepare(geom)
    for i in tree.query(geom, predicate="intersects").tolist():
        overlap = area_km2(geom.intersection(shapes[i]))
        if overlap > OVERLAP_TOLERANCE_KM2:
            code, name, _boundary = others[i]
            raise ValidationError(
                _("网格边界与网格 %(name)s(%(code)s) 重叠 %(value).1f 平方米")
                % {"name": name, "code": code, "value": overlap * 1e6},
                code="overlaps_grid",
            )


def _apply_boundary(region: Region, geom: BaseGeometry | None) -> None:
    if geom is None:
        region.boundary = None
        region.centroid_lng = region.centroid_lat = region.area_km2 = None
        return
    region.boundary = to_geojson(geom)
    region.centroid_lng, region.centroid_lat = label_point(geom)
    region.area_km2 = area_km2(geom)


def _check_parent(*, kind: str, level: int, parent: Region | None) -> None:
    if level == RegionLevel.DISTRICT:
        if parent is not None:
            raise ValidationError(_("区/县不能有上级区划"), code="bad_parent")
        return
    if parent is None:
        raise ValidationError(
            _("%(label)s必须有上级区划") % {"label": RegionKind(kind).label}, code="bad_parent"
        )
    if not parent.is_active:
        raise ValidationError(
            _("上级区划 %(name)s(%(code)s) 已停用") % {"name": parent.name, "code": parent.code},
            code="bad_parent",
        )
    if parent.level == level - 1:
        if level == RegionLevel.COMPOUND and parent.children.filter(level=RegionLevel.GRID).exists():
            raise ValidationError(
                _("%(name)s(%(code)s) 已直接划分网格，不能再添加小区")
                % {"name": parent.name, "code": parent.code},
                code="bad_parent",
            )
        return
    if level == RegionLevel.GRID and parent.level == RegionLevel.COMMUNITY:
        if parent.children.filter(level=RegionLevel.COMPOUND).exists():
            raise ValidationError(
                _("%(name)s(%(code)s) 下设有小区，网格须建在小区之下")
                % {"name": parent.name, "code": parent.code},
                code="bad_parent",
            )
        return
    raise ValidationError(
        _("%(label)s不能直接建在%(label2)s %(name)s(%(code)s) 之下")
        % {
            "label": RegionKind(kind).label,
            "label2": RegionLevel(parent.level).label,
            "name": parent.name,
            "code": parent.code,
        },
        code="bad_parent",
    )


@transaction.atomic
def region_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    parent: Region | None = None,
    boundary: object | None = None,
    address: str = "",
) -> Region:
    """Create a region under ``parent``; level and path follow from ``kind`` and the parent."""
    if kind not in RegionKind.values:
        valid = join_list(RegionKind.values)
        raise ValidationError(
            _("未知区划类型: %(kind)r（可用: %(valid)s）") % {"kind": kind, "valid": valid}, code="bad_kind"
        )
    level = int(KIND_LEVEL[kind])
    if parent is not None:
        parent = Region.objects.select_for_update().get(pk=parent.pk)
    _check_parent(kind=kind, level=level, parent=parent)
    try:
        path = join_path(parent.path if parent else None, code)
    except ValueError:
        raise ValidationError(
            _("区划代码只能包含字母、数字、'_' 和 '-': %(code)r") % {"code": code}, code="bad_code"
        ) from None
    if Region.objects.filter(code=code).exists():
        raise ValidationError(_("区划代码已存在: %(code)s") % {"code": code}, code="duplicate_code")
    geom = validate_boundary(boundary) if boundary is not None else None
    if geom is not None and level == RegionLevel.GRID:
        _lock_geo_index_version()
        _check_grid_placement(geom=geom, parent=parent, exclude_pk=None)
    last = Region.objects.filter(parent=parent).aggregate(m=Max("sort_order"))["m"] if parent else None
    region = Region(
        code=code,
        name=name,
        kind=kind,
        level=level,
        parent=parent,
        path=path,
        address=address,
        sort_order=(last or 0) + 1,
    )
    _apply_boundary(region, geom)
    region.full_clean()
    region.save()
    if geom is not None and level == RegionLevel.GRID:
        geo_index_version_bump()
    record_event(
        actor=actor,
        event_type=RegionsEvent.REGION_CREATED,
        target=region,
        data={
            "code": code,
            "kind": kind,
            "level": level,
            "parent": parent.code if parent else None,
            "area_km2": region.area_km2,
        },
    )
    return region


@transaction.atomic
def region_set_boundary(*, actor: Any, region: Region, boundary: object | None) -> Region:
    """Replace a region's boundary (``None`` clears it); grids are checked against their neighbours."""
    locked = Region.objects.select_for_update().get(pk=region.pk)
    geom = validate_boundary(boundary) if boundary is not None else None
    is_grid = locked.level == RegionLevel.GRID
    if is_grid:
        _lock_geo_index_version()
        if geom is not None:
            parent = Region.objects.get(pk=locked.parent_id) if locked.parent_id else None
            _check_grid_placement(geom=geom, parent=parent, exclude_pk=locked.pk)
    old_area = locked.area_km2
    _apply_boundary(locked, geom)
    locked.full_clean()
    locked.save(update_fields=["boundary", "centroid_lng", "centroid_lat", "area_km2", "updated_at"])
    if is_grid:
        geo_index_version_bump()
    record_event(
        actor=actor,
        event_type=RegionsEvent.BOUNDARY_CHANGED,
        target=locked,
        data={"code": locked.code, "old_area_km2": old_area, "new_area_km2": locked.area_km2},
    )
    return locked


@transaction.atomic
def region_update(
    *, actor: Any, region: Region, name: str | None = None, address: str | None = None
) -> Region:
    """Rename a region or change its address; arguments left as None are unchanged."""
    locked = Region.objects.select_for_update().get(pk=region.pk)
    changes: dict[str, list[str]] = {}
    for field, value in (("name", name), ("address", address)):
        if value is not None and getattr(locked, field) != value:
            changes[field] = [getattr(locked, field), value]
            setattr(locked, field, value)
    if not changes:
        return locked
    locked.full_clean()
    locked.save(update_fields=[*changes, "updated_at"])
    record_event(
        actor=actor,
        event_type=RegionsEvent.REGION_UPDATED,
        target=locked,
        data={"code": locked.code, "changes": changes},
    )
    return locked
