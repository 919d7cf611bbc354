"""Regions and grids: the tree, locating a point, a grid's responsibility chain, boundaries."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from dangqun.accounts.selectors import responsibility_chain
from dangqun.api.permissions import require_sysadmin
from dangqun.core.errors import NotFoundError
from dangqun.regions import selectors, services
from dangqun.regions.coords import CoordSystem
from dangqun.regions.models import Region, RegionLevel

router = Router(tags=["regions"])


class RegionOut(Schema):
    code: str
    name: str
    kind: str
    level: int
    parent_code: str | None
    path: str
    centroid_lng: float | None
    centroid_lat: float | None
    area_km2: float | None

    @staticmethod
    def resolve_parent_code(obj: Region) -> str | None:
        return obj.path.strip("/").split("/")[-2] if obj.parent_id else None


class RegionDetailOut(RegionOut):
    boundary: dict[str, Any] | None
    ancestors: list[RegionOut]
    children_count: int

    @staticmethod
    def resolve_ancestors(obj: Region) -> list[Region]:
        return [a for a in selectors.ancestors(obj) if a.pk != obj.pk]

    @staticmethod
    def resolve_children_count(obj: Region) -> int:
        return obj.children.filter(is_active=True).count()


class RegionFilter(Schema):
    parent: str | None = Field(None, description="上级区划代码;省略时返回顶层")
    level: int | None = Field(None, ge=1, le=5)
    q: str | None = Field(None, max_length=50, description="名称包含")


class RegionCreateIn(Schema):
    code: str = Field(..., min_length=1, max_length=32, pattern=r"^[0-9A-Za-z_-]+$")
    name: str = Field(..., min_length=1, max_length=100)
    kind: str
    parent: str | None = None
    boundary: dict[str, Any] | None = None
    address: str = Field("", max_length=200)


class BoundaryIn(Schema):
    boundary: dict[str, Any]


class PersonOut(Schema):
    user_id: int
    name: str
    phone: str
    title: str


class ChainLinkOut(Schema):
    level: str
    label: str
    region_code: str | None
    region_name: str | None
    party_org_code: str | None
    party_org_name: str | None
    secretary_name: str | None
    people: list[PersonOut]


class ChainOut(Schema):
    grid: RegionOut
    links: list[ChainLinkOut]


class LocateOut(Schema):
    grid: RegionOut
    lng: float
    lat: float
    crs: str


def _region(code: str) -> Region:
    return selectors.region_by_code(code)


@router.get("/regions", response=list[RegionOut], summary="区划列表")
@paginate(LimitOffsetPagination)
def list_regions(request: HttpRequest, filters: Query[RegionFilter]) -> Any:
    qs = Region.objects.filter(is_active=True)
    if filters.parent:
        qs = qs.filter(parent=_region(filters.parent))
    elif filters.level is None and not filters.q:
        qs = qs.filter(parent__isnull=True)
    if filters.level is not None:
        qs = qs.filter(level=filters.level)
    if filters.q:
        qs = qs.filter(name__contains=filters.q)
    return qs.order_by("path")


@router.get("/regions/locate", response=LocateOut, summary="坐标定位网格")
def locate(
    request: HttpRequest, lng: float, lat: float, crs: CoordSystem = CoordSystem.WGS84
) -> dict[str, Any]:
    grid = selectors.locate_grid(lng, lat, crs=crs)
    return {"grid": grid, "lng": lng, "lat": lat, "crs": crs.value}


@router.get("/regions/{code}", response=RegionDetailOut, summary="区划详情")
def region_detail(request: HttpRequest, code: str) -> Region:
    return _region(code)


@router.get("/regions/{code}/subtree", response=list[RegionOut], summary="下辖全部区划")
@paginate(LimitOffsetPagination)
def region_subtree(request: HttpRequest, code: str, level: int | None = None) -> Any:
    qs = selectors.subtree(_region(code))
    if level is not None:
        qs = qs.filter(level=level)
    return qs


@router.get("/grids/{code}/chain", response=ChainOut, summary="网格五级责任链")
def grid_chain(request: HttpRequest, code: str) -> dict[str, Any]:
    grid = _region(code)
    if grid.level != RegionLevel.GRID:
        raise NotFoundError(_("%(code)s 不是网格") % {"code": code})
    chain = responsibility_chain(grid)
    return {
        "grid": grid,
        "links": [
            {
                "level": link.level,
                "label": link.label,
                "region_code": link.region.code if link.region else None,
                "region_name": link.region.name if link.region else None,
                "party_org_code": link.party_org.code if link.party_org else None,
                "party_org_name": link.party_org.name if link.party_org else None,
                "secretary_name": link.party_org.secretary_name if link.party_org else None,
                "people": [vars(p) for p in link.people],
            }
            for link in chain.links
        ],
    }


@router.post("/regions", response={201: RegionOut}, summary="新建区划(系统管理员)")
def create_region(request: HttpRequest, payload: RegionCreateIn) -> tuple[int, Region]:
    require_sysadmin(request)
    parent = _region(payload.parent) if payload.parent else None
    region = services.region_create(
        actor=request.user,
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        parent=parent,
        boundary=payload.boundary,
        address=payload.address,
    )
    return 201, region


@router.put("/regions/{code}/boundary", response=RegionDetailOut, summary="修改边界(系统管理员)")
def set_boundary(request: HttpRequest, code: str, payload: BoundaryIn) -> Region:
    require_sysadmin(request)
    return services.region_set_boundary(actor=request.user, region=_region(code), boundary=payload.boundary)
