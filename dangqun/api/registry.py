"""The grid registries, read through the access helpers and scoped selectors.

Personal data (ID numbers, phones) is always masked here; unmasking is a separate, audited action
(``POST /residents/{id}/unmask``, for holders of ``registry.view_resident_pii``).

An edit (``PATCH /residents/{id}``, ``PATCH /buildings/{id}``) goes through the record's service
(``registry.services.resident_update``, ``building_update``), the write path of the admin and the
import: the actor and an audit event naming the changed fields; bad input is a 422 naming the
field, and then nothing is changed.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from dangqun.accounts.scope import REGISTRY_READ_ROLES, get_scope
from dangqun.core.errors import NotFoundError
from dangqun.core.masking import mask_id_number, mask_phone
from dangqun.regions.models import Region
from dangqun.registry import access, selectors
from dangqun.registry.models import Resident
from dangqun.registry.personal_data import filter_residents_by_pii, resident_pii_reveal
from dangqun.registry.services import building_update, resident_update

router = Router(tags=["registry"])


class ResidentOut(Schema):
    id: int
    name: str
    gender: str
    birth_date: dt.date | None
    id_number: str
    phone: str
    grid_code: str
    grid_name: str
    address: str
    is_floating: bool
    is_party_member: bool
    tags: list[str]

    @staticmethod
    def resolve_id_number(obj: Resident) -> str:
        return mask_id_number(obj.id_number)

    @staticmethod
    def resolve_phone(obj: Resident) -> str:
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_grid_code(obj: Resident) -> str:
        return obj.grid.code

    @staticmethod
    def resolve_grid_name(obj: Resident) -> str:
        return obj.grid.name

    @staticmethod
    def resolve_address(obj: Resident) -> str:
        if obj.household is None:
            return ""
        return f"{obj.household.building.address} {obj.household.room}".strip()

    @staticmethod
    def resolve_tags(obj: Resident) -> list[str]:
        return [t.code for t in obj.tags.all()]


class BuildingOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    floors: int
    units: int
    address: str
    lng: float | None
    lat: float | None
    grid_code: str

    @staticmethod
    def resolve_grid_code(obj: Any) -> str:
        return obj.grid.code


class HouseholdOut(Schema):
    id: int
    code: str
    room: str
    housing: str
    head_name: str
    members_count: int
    building_id: int
    grid_code: str

    @staticmethod
    def resolve_grid_code(obj: Any) -> str:
        return obj.grid.code


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    address: str
    lng: float | None
    lat: float | None
    grid_code: str
    is_resident_unit: bool = False

    @staticmethod
    def resolve_grid_code(obj: Any) -> str:
        return obj.grid.code


class FacilityOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    status: str
    lng: float | None
    lat: float | None
    grid_code: str

    @staticmethod
    def resolve_grid_code(obj: Any) -> str:
        return obj.grid.code


class ResidentPiiOut(Schema):
    id: int
    name: str
    id_number: str
    phone: str


class UnmaskIn(Schema):
    reason: str = Field(..., max_length=200, description="查看原因(写入访问审计)")


class ResidentPatchIn(Schema):
    """The fields to change; those left out stay as they are. Relations are given by code."""

    name: str | None = Field(None, description="姓名")
    gender: str | None = Field(None, description="性别:M 或 F")
    birth_date: dt.date | None = Field(None, description="出生日期")
    ethnicity: str | None = Field(None, description="民族")
    id_number: str | None = Field(None, description="身份证号(存储时加密)")
    phone: str | None = Field(None, description="联系电话(存储时加密)")
    relation_to_head: str | None = Field(None, description="与户主关系")
    is_floating: bool | None = Field(None, description="流动人口")
    is_party_member: bool | None = Field(None, description="党员")
    work_unit: str | None = Field(None, description="工作单位")
    notes: str | None = Field(None, description="备注")
    grid: str | None = Field(None, description="所属网格代码")
    household: str | None = Field(None, description="户编码(空字符串:不属于任何住户)")
    tags: list[str] | None = Field(None, description="标签编码(整体替换)")


_PATCH_TEXT = ("name", "gender", "ethnicity", "id_number", "phone", "relation_to_head", "work_unit", "notes")


def _resident_changes(request: HttpRequest, payload: ResidentPatchIn) -> dict[str, Any]:
    """The service's keyword arguments from the fields the body gave (``null`` clears a text)."""
    given = payload.model_dump(exclude_unset=True)
    values: dict[str, Any] = {name: given[name] or "" for name in _PATCH_TEXT if name in given}
    if "birth_date" in given:
        values["birth_date"] = given["birth_date"]
    for name in ("is_floating", "is_party_member"):
        if given.get(name) is not None:
            values[name] = given[name]
    if given.get("grid"):
        values["grid"] = access.editable_grid_by_code(request.user, given["grid"])
    if "household" in given:
        code = given["household"] or ""
        values["household"] = access.editable_household_by_code(request.user, code) if code else None
    if given.get("tags") is not None:
        values["tags"] = access.resident_tags_by_code(given["tags"])
    return values


class BuildingPatchIn(Schema):
    """The fields to change; those left out stay as they are."""

    name: str | None = Field(None, description="楼栋名称")
    kind: str | None = Field(None, description="类型")
    address: str | None = Field(None, description="地址")
    floors: int | None = Field(None, description="层数")
    units: int | None = Field(None, description="单元数")
    built_year: int | None = Field(None, description="建成年份")
    manager_name: str | None = Field(None, description="楼栋长")
    manager_phone: str | None = Field(None, description="楼栋长电话(存储时加密)")
    lng: float | None = Field(None, description="经度")
    lat: float | None = Field(None, description="纬度")


_BUILDING_TEXT = ("name", "kind", "address", "manager_name", "manager_phone")


def _building_changes(payload: BuildingPatchIn) -> dict[str, Any]:
    """The service's keyword arguments from the fields the body gave (``null`` clears a text or a
    number that may be blank; floors and units keep their value)."""
    given = payload.model_dump(exclude_unset=True)
    values: dict[str, Any] = {name: given[name] or "" for name in _BUILDING_TEXT if name in given}
    values.update({name: given[name] for name in ("built_year", "lng", "lat") if name in given})
    values.update({name: given[name] for name in ("floors", "units") if given.get(name) is not None})
    return values


class ResidentQuery(Schema):
    region: str | None = Field(None, description="区划/网格代码:只看该区域内")
    q: str | None = Field(None, max_length=50, description="姓名包含")
    id_number: str | None = Field(None, max_length=30, description="完整身份证号(精确匹配)")
    phone: str | None = Field(None, max_length=30, description="完整电话(精确匹配)")
    tag: str | None = Field(None, max_length=40)
    is_floating: bool | None = None


def _grid_path(request: HttpRequest, code: str | None) -> str | None:
    """A region filter the user may apply: unknown or out-of-scope codes are 404 alike."""
    if not code:
        return None
    region = Region.objects.filter(code=code).only("path").first()
    if region is None or not get_scope(request.user).covers_path(region.path, roles=REGISTRY_READ_ROLES):
        raise NotFoundError(_("未知区划代码: %(code)s") % {"code": code})
    return region.path


@router.get("/residents", response=list[ResidentOut], summary="实有人口列表")
@paginate(LimitOffsetPagination)
def list_residents(request: HttpRequest, filters: Query[ResidentQuery]) -> Any:
    residents = selectors.residents_for(
        request.user,
        selectors.ResidentFilter(
            grid_path=_grid_path(request, filters.region),
            q=filters.q or "",
            tag=filters.tag or "",
            is_floating=filters.is_floating,
        ),
    )
    return filter_residents_by_pii(residents, id_number=filters.id_number or "", phone=filters.phone or "")


@router.get("/residents/{resident_id}", response=ResidentOut, summary="人员详情")
def resident_detail(request: HttpRequest, resident_id: int) -> Resident:
    return access.access_resident_by_id(request.user, resident_id)


@router.patch("/residents/{resident_id}", response=ResidentOut, summary="修改人员信息(记录审计)")
def resident_patch(request: HttpRequest, resident_id: int, payload: ResidentPatchIn) -> Resident:
    resident = access.access_resident_for_edit(request.user, resident_id)
    resident_update(actor=request.user, resident=resident, **_resident_changes(request, payload))
    return access.access_resident_by_id(request.user, resident_id)


@router.post(
    "/residents/{resident_id}/unmask",
    response=ResidentPiiOut,
    summary="查看完整身份证号和电话(需权限,记录访问审计)",
)
def resident_unmask(request: HttpRequest, resident_id: int, payload: UnmaskIn) -> Resident:
    return resident_pii_reveal(
        actor=request.user, resident_id=resident_id, reason=payload.reason, where=request.path
    )


@router.get("/buildings", response=list[BuildingOut], summary="楼栋列表")
@paginate(LimitOffsetPagination)
def list_buildings(request: HttpRequest, region: str | None = None) -> Any:
    return selectors.buildings_for(request.user, _grid_path(request, region))


@router.get("/buildings/{building_id}", response=BuildingOut, summary="楼栋详情")
def building_detail(request: HttpRequest, building_id: int) -> Any:
    return access.access_building_by_id(request.user, building_id)


@router.patch("/buildings/{building_id}", response=BuildingOut, summary="修改楼栋信息(记录审计)")
def building_patch(request: HttpRequest, building_id: int, payload: BuildingPatchIn) -> Any:
    building = access.access_building_for_edit(request.user, building_id)
    building_update(actor=request.user, building=building, **_building_changes(payload))
    return access.access_building_by_id(request.user, building_id)


@router.get("/buildings/{building_id}/households", response=list[HouseholdOut], summary="楼栋住户")
def building_households(request: HttpRequest, building_id: int) -> Any:
    building = access.access_building_by_id(request.user, building_id)
    return list(selectors.households_for(request.user, building_id=building.pk))


@router.get("/households/{household_id}", response=HouseholdOut, summary="住户详情")
def household_detail(request: HttpRequest, household_id: int) -> Any:
    return access.access_household_by_id(request.user, household_id)


@router.get("/businesses", response=list[UnitOut], summary="商铺/企业列表")
@paginate(LimitOffsetPagination)
def list_businesses(request: HttpRequest, region: str | None = None) -> Any:
    return selectors.businesses_for(request.user, _grid_path(request, region)).order_by("id")


@router.get("/businesses/{business_id}", response=UnitOut, summary="商铺/企业详情")
def business_detail(request: HttpRequest, business_id: int) -> Any:
    return access.access_business_by_id(request.user, business_id)


@router.get("/institutions", response=list[UnitOut], summary="机关事业单位列表")
@paginate(LimitOffsetPagination)
def list_institutions(request: HttpRequest, region: str | None = None) -> Any:
    return selectors.institutions_for(request.user, _grid_path(request, region)).order_by("id")


@router.get("/institutions/{institution_id}", response=UnitOut, summary="机关事业单位详情")
def institution_detail(request: HttpRequest, institution_id: int) -> Any:
    return access.access_institution_by_id(request.user, institution_id)


@router.get("/facilities", response=list[FacilityOut], summary="市政设施列表")
@paginate(LimitOffsetPagination)
def list_facilities(request: HttpRequest, region: str | None = None) -> Any:
    return selectors.facilities_for(request.user, _grid_path(request, region)).order_by("code")


@router.get("/facilities/{facility_id}", response=FacilityOut, summary="设施详情")
def facility_detail(request: HttpRequest, facility_id: int) -> Any:
    return access.access_facility_by_id(request.user, facility_id)
