"""The region tree: district → street/town → community/village → compound → grid.

Coordinates are stored in WGS-84 (EPSG:4326, what GPS gives and what GeoJSON RFC 7946 requires);
GCJ-02 (AMap, Tencent) and BD-09 (Baidu) points are converted on the way in (``regions.coords``).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangqun.core.fields import PathField
from dangqun.core.models import TimeStampedModel


class RegionLevel(models.IntegerChoices):
    DISTRICT = 1, _("区/县")
    STREET = 2, _("街道/乡镇")
    COMMUNITY = 3, _("社区/村")
    COMPOUND = 4, _("小区")
    GRID = 5, _("网格")


class RegionKind(models.TextChoices):
    DISTRICT = "district", _("区/县")
    STREET = "street", _("街道")
    TOWN = "town", _("乡镇")
    COMMUNITY = "community", _("社区")
    VILLAGE = "village", _("村")
    COMPOUND = "compound", _("小区")
    GRID = "grid", _("网格")


KIND_LEVEL: dict[str, int] = {
    RegionKind.DISTRICT: RegionLevel.DISTRICT,
    RegionKind.STREET: RegionLevel.STREET,
    RegionKind.TOWN: RegionLevel.STREET,
    RegionKind.COMMUNITY: RegionLevel.COMMUNITY,
    RegionKind.VILLAGE: RegionLevel.COMMUNITY,
    RegionKind.COMPOUND: RegionLevel.COMPOUND,
    RegionKind.GRID: RegionLevel.GRID,
}


class Region(TimeStampedModel):
    code = models.CharField(_("区划代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=RegionKind.choices)
    level = models.PositiveSmallIntegerField(_("层级"), choices=RegionLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = PathField(_("路径"), unique=True, editable=False)
    # GeoJSON geometry (Polygon or MultiPolygon), WGS-84 lng/lat; validated by regions.geometry.
    boundary = models.JSONField(_("边界"), null=True, blank=True)
    # A label point guaranteed inside the boundary: the centroid when it lies inside, else a point
    # on the surface (see regions.geometry.label_point).
    centroid_lng = models.FloatField(_("中心经度"), null=True, blank=True)
    centroid_lat = models.FloatField(_("中心纬度"), null=True, blank=True)
    area_km2 = models.FloatField(_("面积(平方公里)"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("区划/网格")
        verbose_name_plural = _("区划/网格")
        ordering: ClassVar[list[str]] = ["path"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["level", "path"])]

    def __str__(self) -> str:
        return f"{self.name}({self.code})"

    @property
    def full_name(self) -> str:
        return self.name

    def ancestor_paths(self) -> list[str]:
        """Paths of this region and its ancestors, root first."""
        parts = self.path.strip("/").split("/")
        return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


class GeoIndexVersion(models.Model):
    """One row: bumped whenever a boundary changes, so every process rebuilds its index."""

    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("网格索引版本")
        verbose_name_plural = _("网格索引版本")

    def __str__(self) -> str:
        return f"v{self.version}"
