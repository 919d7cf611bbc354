"""Party organisations, departments and party members.

Party members' ID numbers and phones are masked here; unmasking is a separate, audited action
(``POST /party-members/{id}/unmask``) with the residents' rules: ``registry.view_resident_pii``,
a reason, the reader's party organisations."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from dangqun.accounts.scope import get_scope
from dangqun.api.registry import ResidentPiiOut, UnmaskIn
from dangqun.core.errors import NotFoundError
from dangqun.core.masking import mask_id_number, mask_phone
from dangqun.orgs.models import Department, PartyOrg
from dangqun.party.access import party_members_for
from dangqun.party.models import PartyMember
from dangqun.party.personal_data import party_member_pii_reveal

router = Router(tags=["orgs"])


class PartyOrgOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    parent_code: str | None
    path: str
    region_code: str | None
    secretary_name: str

    @staticmethod
    def resolve_kind_label(obj: PartyOrg) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_parent_code(obj: PartyOrg) -> str | None:
        return obj.path.strip("/").split("/")[-2] if obj.parent_id else None

    @staticmethod
    def resolve_region_code(obj: PartyOrg) -> str | None:
        return obj.region.code if obj.region else None


class DepartmentOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    duties: str
    contact_phone: str


class PartyMemberOut(Schema):
    id: int
    name: str
    gender: str
    party_org_code: str
    party_org_name: str
    joined_on: Any
    is_probationary: bool
    status: str
    id_number: str
    phone: str

    @staticmethod
    def resolve_party_org_code(obj: PartyMember) -> str:
        return obj.party_org.code

    @staticmethod
    def resolve_party_org_name(obj: PartyMember) -> str:
        return obj.party_org.name

    @staticmethod
    def resolve_id_number(obj: PartyMember) -> str:
        return mask_id_number(obj.id_number)

    @staticmethod
    def resolve_phone(obj: PartyMember) -> str:
        return mask_phone(obj.phone)


@router.get("/party-orgs", response=list[PartyOrgOut], summary="党组织列表")
@paginate(LimitOffsetPagination)
def list_party_orgs(request: HttpRequest, parent: str | None = None, kind: str | None = None) -> Any:
    qs = PartyOrg.objects.filter(is_active=True).select_related("region")
    if parent:
        parent_org = PartyOrg.objects.filter(code=parent).first()
        if parent_org is None:
            raise NotFoundError(_("未知党组织编码: %(parent)s") % {"parent": parent})
        qs = qs.filter(parent=parent_org)
    elif kind is None:
        qs = qs.filter(parent__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("path")


@router.get("/party-orgs/{code}", response=PartyOrgOut, summary="党组织详情")
def party_org_detail(request: HttpRequest, code: str) -> PartyOrg:
    org = PartyOrg.objects.select_related("region").filter(code=code, is_active=True).first()
    if org is None:
        raise NotFoundError(_("未知党组织编码: %(code)s") % {"code": code})
    return org


@router.get("/departments", response=list[DepartmentOut], summary="职能部门列表")
def list_departments(request: HttpRequest) -> Any:
    return Department.objects.filter(is_active=True).order_by("sort_order", "code")


@router.get("/party-members", response=list[PartyMemberOut], summary="党员列表(本组织及下级)")
@paginate(LimitOffsetPagination)
def list_party_members(request: HttpRequest, party_org: str | None = None, q: str | None = None) -> Any:
    scope = get_scope(request.user)
    qs = party_members_for(request.user)
    if party_org:
        org = PartyOrg.objects.filter(code=party_org).first()
        if org is None or not scope.covers_party_org_path(org.path):
            raise NotFoundError(_("未知党组织编码: %(party_org)s") % {"party_org": party_org})
        qs = qs.filter(party_org__path__subtree=org.path)
    if q:
        qs = qs.filter(name__contains=q)
    return qs.order_by("id")


class PartyMemberPiiOut(ResidentPiiOut):
    """A party member's ID number and phone in full."""


@router.post(
    "/party-members/{member_id}/unmask",
    response=PartyMemberPiiOut,
    summary="查看党员完整身份证号和电话(需权限,记录访问审计)",
)
def party_member_unmask(request: HttpRequest, member_id: int, payload: UnmaskIn) -> PartyMember:
    return party_member_pii_reveal(
        actor=request.user, member_id=member_id, reason=payload.reason, where=request.path
    )
