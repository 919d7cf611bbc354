"""The objects the access matrix probes, placed relative to the demo personas' scope.

Positions (``Pos``): inside the persona grid (the grid worker's), in another community of the same
street, in another street; for cases also the citizen's own case and a case with a task for the
department persona (城管局), both in the other street. Registry objects the demo did not put in a
position are cloned there, so the matrix never depends on what a random seed happened to place.
Also: a dry-run import job of the dispatcher and one of another importer, and Open311 client keys
(a valid one, a revoked one, an unknown one).
"""

from __future__ import annotations

import datetime
import enum
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from PIL import Image

from dangqun.accounts.models import Membership, Role, User
from dangqun.cases.enums import TaskRole
from dangqun.cases.models import Attachment, Case, CaseTask
from dangqun.cases.services.attachments import attachment_add
from dangqun.cases.services.intake import case_create
from dangqun.exchange.models import ImportJob, MappingProfile
from dangqun.exchange.services import import_start
from dangqun.notify.models import Notification
from dangqun.notify.services import notify_users
from dangqun.open311.keys import client_issue_key, client_revoke
from dangqun.orgs.models import Department, PartyOrg
from dangqun.party.models import Development, Meeting, MeetingKind, PartyMember, Transfer
from dangqun.regions.models import Region, RegionLevel
from dangqun.registry.models import Building, Business, Facility, Household, Institution, Resident


class Pos(enum.StrEnum):
    GRID = "grid"  # the persona grid (grid_worker, grid_leader), in the persona community and street
    COMMUNITY = "community"  # another community of the persona street
    STREET = "street"  # another street
    OWN = "own"  # a case the citizen persona reported (in the other street)
    DEPT = "dept"  # a case with a task for the department persona (in the other street)


REGISTRY_POSITIONS = (Pos.GRID, Pos.COMMUNITY, Pos.STREET)
CASE_POSITIONS = (Pos.GRID, Pos.COMMUNITY, Pos.STREET, Pos.OWN, Pos.DEPT)
REGISTRY_MODELS: dict[str, type[Model]] = {
    "building": Building,
    "household": Household,
    "resident": Resident,
    "business": Business,
    "institution": Institution,
    "facility": Facility,
}


@dataclass
class World:
    grids: dict[Pos, Region]
    registry: dict[str, dict[Pos, Any]] = field(default_factory=dict)
    cases: dict[Pos, Case] = field(default_factory=dict)
    attachments: dict[Pos, Attachment] = field(default_factory=dict)
    party_orgs: dict[Pos, PartyOrg] = field(default_factory=dict)
    party_members: dict[Pos, PartyMember] = field(default_factory=dict)  # one in each party_orgs[pos]
    # GRID: a meeting of the branch secretary's branch (inside party_admin's organisation); STREET: one
    # of the organisation outside it.
    party_meetings: dict[Pos, Meeting] = field(default_factory=dict)
    # GRID: a letter from party_admin's organisation to the branch secretary's branch; STREET: one from
    # the organisation outside, out of the deployment.
    party_transfers: dict[Pos, Transfer] = field(default_factory=dict)
    # GRID: an applicant at the branch secretary's branch; STREET: one at the organisation outside.
    party_development: dict[Pos, Development] = field(default_factory=dict)
    notifications: dict[str, Notification] = field(default_factory=dict)  # "own" / "other"
    # OWN: the dispatcher's import job; STREET: the community staff's (another importer's).
    import_jobs: dict[Pos, ImportJob] = field(default_factory=dict)
    open311_keys: dict[str, str] = field(default_factory=dict)  # "good" / "revoked" → raw key


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _persona_grid() -> Region:
    membership = Membership.objects.select_related("region").get(
        user__username="grid_worker", role=Role.GRID_WORKER, is_active=True
    )
    assert membership.region is not None
    return membership.region


def _first_grid_under(region: Region) -> Region:
    grid = (
        Region.objects.filter(path__startswith=region.path, level=RegionLevel.GRID, is_active=True)
        .order_by("path")
        .first()
    )
    assert grid is not None, f"no grid under {region.code}"
    return grid


def _grids() -> dict[Pos, Region]:
    grid = _persona_grid()
    district_code, street_code, community_code = grid.path.strip("/").split("/")[:3]
    street = Region.objects.get(code=street_code)
    community = Region.objects.get(code=community_code)
    other_community = (
        Region.objects.filter(parent=street, is_active=True).exclude(pk=community.pk).order_by("code").first()
    )
    other_street = (
        Region.objects.filter(parent__code=district_code, level=street.level, is_active=True)
        .exclude(pk=street.pk)
        .order_by("code")
        .first()
    )
    assert other_community is not None
    assert other_street is not None
    return {
        Pos.GRID: grid,
        Pos.COMMUNITY: _first_grid_under(other_community),
        Pos.STREET: _first_grid_under(other_street),
    }


def _clone_into(obj: Model, grid: Region, **changes: Any) -> Model:
    """A copy of ``obj`` in ``grid`` (unique codes suffixed), for positions the demo left empty."""
    obj.pk = None
    obj.id = None  # type: ignore[attr-defined]
    obj._state.adding = True
    obj.grid = grid  # type: ignore[attr-defined]
    for f in obj._meta.concrete_fields:
        if getattr(f, "unique", False) and not f.primary_key and isinstance(getattr(obj, f.attname), str):
            setattr(obj, f.attname, f"{getattr(obj, f.attname)}-ax{grid.pk}"[: f.max_length])
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.save()
    return obj


def _place(model: type[Model], grid: Region, **changes: Any) -> Any:
    found = model.objects.filter(grid=grid).order_by("pk").first()  # type: ignore[attr-defined]
    if found is not None:
        return found
    template = model.objects.order_by("pk").first()  # type: ignore[attr-defined]
    assert template is not None, f"the demo has no {model.__name__}"
    return _clone_into(template, grid, **changes)


def _registry(grids: dict[Pos, Region]) -> dict[str, dict[Pos, Any]]:
    placed: dict[str, dict[Pos, Any]] = {name: {} for name in REGISTRY_MODELS}
    for pos in REGISTRY_POSITIONS:
        grid = grids[pos]
        building = _place(Building, grid)
        placed["building"][pos] = building
        placed["household"][pos] = _place(Household, grid, building=building)
        placed["resident"][pos] = _place(Resident, grid, household=None)
        for name in ("business", "institution", "facility"):
            placed[name][pos] = _place(REGISTRY_MODELS[name], grid)
    return placed


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def _case(actor: User, channel: str, grid: Region, title: str) -> Case:
    result = case_create(
        actor=actor, channel=channel, title=title, description=f"{title}(访问矩阵)", region=grid
    )
    return result.case


def _cases(grids: dict[Pos, Region]) -> dict[Pos, Case]:
    sysadmin, citizen = _user("sysadmin"), _user("citizen")
    cases = {
        pos: _case(sysadmin, "internal", grids[pos], f"矩阵{pos.value}路灯不亮") for pos in REGISTRY_POSITIONS
    }
    cases[Pos.OWN] = _case(citizen, "app", grids[Pos.STREET], "矩阵own噪音扰民")
    dept_case = _case(sysadmin, "internal", grids[Pos.STREET], "矩阵dept占道经营")
    persona_department = Membership.objects.get(user__username="department_staff", is_active=True).department
    assert isinstance(persona_department, Department)
    template = CaseTask.objects.order_by("pk").first()
    assert template is not None, "the demo has no case task"
    CaseTask.objects.create(
        case=dept_case,
        role=TaskRole.LEAD,
        department=persona_department,
        sign_due_at=template.sign_due_at,
        resolve_due_at=template.resolve_due_at,
        assigned_at=template.assigned_at,
    )
    cases[Pos.DEPT] = dept_case
    for pos, case in cases.items():
        tasks = list(CaseTask.objects.filter(case=case))
        expected = 1 if pos is Pos.DEPT else 0
        assert len(tasks) == expected, f"intake routed the {pos} case; the matrix needs it unassigned"
    return cases


def _party_orgs() -> dict[Pos, PartyOrg]:
    membership = Membership.objects.select_related("party_org").get(
        user__username="party_admin", is_active=True
    )
    own = membership.party_org
    assert own is not None
    outside = (
        PartyOrg.objects.filter(is_active=True)
        .exclude(path__startswith=own.path)
        .exclude(path__in=_ancestor_paths(own.path))
        .order_by("path")
        .first()
    )
    assert outside is not None
    return {Pos.GRID: own, Pos.STREET: outside}


def _party_members(orgs: dict[Pos, PartyOrg]) -> dict[Pos, PartyMember]:
    """A party member with an ID number and a phone in each of the two party organisations."""
    members = {}
    for pos, org in orgs.items():
        members[pos] = PartyMember.objects.create(
            party_org=org,
            name=f"矩阵党员{pos.name}",
            gender="F",
            id_number="11010119800101" + ("0011" if pos is Pos.GRID else "0027"),
            phone="1390000" + ("0011" if pos is Pos.GRID else "0027"),
        )
    return members


def _secretary_branch() -> PartyOrg:
    membership = Membership.objects.select_related("party_org").get(
        user__username="branch_secretary", role=Role.BRANCH_SECRETARY, is_active=True
    )
    assert membership.party_org is not None
    return membership.party_org


def _party_meetings(orgs: dict[Pos, PartyOrg]) -> dict[Pos, Meeting]:
    template = Meeting.objects.order_by("pk").first()
    assert template is not None, "the demo has no meeting"
    places = {Pos.GRID: _secretary_branch(), Pos.STREET: orgs[Pos.STREET]}
    return {
        pos: Meeting.objects.create(
            org=org,
            kind=MeetingKind.THEME_DAY,
            topic=f"矩阵主题党日{pos.value}",
            held_at=template.held_at,
            place="矩阵活动室",
            host="矩阵书记",
        )
        for pos, org in places.items()
    }


def _party_transfers(orgs: dict[Pos, PartyOrg]) -> dict[Pos, Transfer]:
    """Letters for members of their own (accepting one in a probe moves that member, not the
    ``party_members`` the other routes read)."""
    template = Transfer.objects.order_by("pk").first()
    assert template is not None, "the demo has no transfer"
    ends = {Pos.GRID: _secretary_branch(), Pos.STREET: None}
    movers = {
        pos: PartyMember.objects.create(party_org=orgs[pos], name=f"矩阵转接党员{pos.name}", gender="M")
        for pos in ends
    }
    return {
        pos: Transfer.objects.create(
            member=movers[pos],
            from_org=orgs[pos],
            to_org=to_org,
            destination="矩阵外地党支部" if to_org is None else to_org.name,
            letter_no=f"AXM-{pos.value}",
            valid_months=3,
            issued_on=template.issued_on,
            expires_on=template.expires_on,
        )
        for pos, to_org in ends.items()
    }


def _ancestor_paths(path: str) -> list[str]:
    codes = path.strip("/").split("/")
    return ["/" + "/".join(codes[:i]) + "/" for i in range(1, len(codes) + 1)]


HOTLINE_MAPPING = {
    "order_no": "工单号",
    "reporter_name": "来电人",
    "reporter_phone": "来电号码",
    "description": "诉求内容",
    "title": "标题",
    "category": "问题分类",
    "region": "所属社区",
    "lng": "经度",
    "lat": "纬度",
    "called_at": "来电时间",
}


def _import_jobs() -> dict[Pos, ImportJob]:
    """A dry-run job (a header-only CSV) for the dispatcher and one for another importer."""
    profile = MappingProfile.objects.create(
        name="矩阵12345方案", source="hotline_12345", mapping=HOTLINE_MAPPING, crs="wgs84"
    )
    header = ",".join(HOTLINE_MAPPING.values()).encode()
    return {
        pos: import_start(actor=_user(username), profile=profile, name="矩阵.csv", data=header, dry_run=True)
        for pos, username in ((Pos.OWN, "dispatcher"), (Pos.STREET, "community_staff"))
    }


def _open311_keys() -> dict[str, str]:
    district = Region.objects.get(parent__isnull=True, is_active=True)
    sysadmin = _user("sysadmin")
    _, good = client_issue_key(actor=sysadmin, name="矩阵客户端", district=district)
    revoked_client, revoked = client_issue_key(actor=sysadmin, name="矩阵吊销客户端", district=district)
    client_revoke(actor=sysadmin, client=revoked_client)
    return {"good": good, "revoked": revoked, "bad": "o311_" + "x" * 43}


def build_world() -> World:
    grids = _grids()
    world = World(grids=grids, registry=_registry(grids), cases=_cases(grids), party_orgs=_party_orgs())
    world.party_members = _party_members(world.party_orgs)
    world.party_meetings = _party_meetings(world.party_orgs)
    world.party_transfers = _party_transfers(world.party_orgs)
    world.party_development = {
        pos: Development.objects.create(
            branch=org, name=f"矩阵申请人{pos.name}", gender="F", applied_on=datetime.date(2026, 1, 5)
        )
        for pos, org in ((Pos.GRID, _secretary_branch()), (Pos.STREET, world.party_orgs[Pos.STREET]))
    }
    sysadmin = _user("sysadmin")
    for pos, case in world.cases.items():
        world.attachments[pos] = attachment_add(
            actor=sysadmin,
            case=case,
            stage="report",
            name="photo.png",
            data=_png(),
            declared_type="image/png",
        )
    for key, username in (("own", "grid_worker"), ("other", "grid_leader")):
        (world.notifications[key],) = notify_users(
            actor=None, recipients=[_user(username)], kind="access_matrix", title=f"矩阵通知{key}"
        )
    world.import_jobs = _import_jobs()
    world.open311_keys = _open311_keys()
    return world
