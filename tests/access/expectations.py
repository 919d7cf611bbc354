"""The declared access rules, one per route (``METHOD /path`` with ``{param}`` placeholders).

``test_every_route_is_declared`` walks the URL resolver: a route that is not here fails the suite
until someone declares who may reach it (there is no pending tolerance any more).

Kinds:

- ``public``: no login needed; ``anon`` is the status an anonymous request gets.
- ``login``: any signed-in persona, no object: reached (not 401/403/404, never 5xx).
- ``sysadmin``: the system administrator only; others get 403 (the data is public reference data,
  so refusing openly leaks nothing).
- ``scoped``: the route names an object (``target``); every persona probes it at every position and
  reaches it exactly when ``REACH[target]`` says so, else 404 — never 403, so existence stays private.
  Reaching a case may still end in 403/409 for a move the persona may not make (the workflow matrix
  in tests/cases tests those); what matters here is that it is not 404.
  With ``roles`` set, personas outside them get ``denied`` at every position (a role gate before any
  lookup, the same answer for every object, so it leaks nothing).
- ``scoped_list``: a list filtered to an object's area (``target``): reached when it may see that
  area (and then the object is in the list), else 404 (registry) or absent (cases).
- ``roles``: only the personas in ``roles`` reach it; the others get ``denied`` (403, or 302 for a
  page that sends them home). A role page names no private object, so refusing openly leaks nothing.
- ``open311``: GeoReport v2, no session: what matters is the ``api_key``. Every persona and an
  anonymous client get ``anon`` without a key (a session is no key); ``key`` routes answer 403 for a
  missing, unknown or revoked key (the spec's status) and are reached with a valid one.
- ``skip``: not probed here, with the reason.

``params`` fills path parameters that name no object (``{fmt}``, ``{action}``); ``form`` sends a
multipart body; ``allowed`` is the exact status an allowed persona gets when reaching it cannot
succeed (e.g. 404 for a model version that does not exist, after the role check passed).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.access.world import CASE_POSITIONS, REGISTRY_POSITIONS, Pos

PERSONAS = (
    "citizen",
    "grid_worker",
    "grid_leader",
    "community_staff",
    "street_staff",
    "department_staff",
    "dispatcher",
    "leader",
    "party_admin",
    "branch_secretary",
    "party_member",
    "sysadmin",
)
DISTRICT_WIDE = ("dispatcher", "leader", "sysadmin")

_REGISTRY_REACH: dict[str, frozenset[Pos]] = {
    "grid_worker": frozenset({Pos.GRID}),
    "grid_leader": frozenset({Pos.GRID}),
    "community_staff": frozenset({Pos.GRID}),
    "street_staff": frozenset({Pos.GRID, Pos.COMMUNITY}),
    **dict.fromkeys(DISTRICT_WIDE, frozenset(REGISTRY_POSITIONS)),
}
_CASE_REACH: dict[str, frozenset[Pos]] = {
    "citizen": frozenset({Pos.OWN}),
    "grid_worker": frozenset({Pos.GRID}),
    "grid_leader": frozenset({Pos.GRID}),
    "community_staff": frozenset({Pos.GRID}),
    "street_staff": frozenset({Pos.GRID, Pos.COMMUNITY}),
    "department_staff": frozenset({Pos.DEPT}),
    **dict.fromkeys(DISTRICT_WIDE, frozenset(CASE_POSITIONS)),
}

# target → persona → the positions that persona reaches (absent persona: none).
REACH: dict[str, dict[str, frozenset[Pos]]] = {
    "registry": _REGISTRY_REACH,
    "region_page": _REGISTRY_REACH,
    "case": _CASE_REACH,
    "attachment": _CASE_REACH,
    "party_org": {"party_admin": frozenset({Pos.GRID}), "sysadmin": frozenset({Pos.GRID, Pos.STREET})},
    # A member of party_admin's organisation (GRID) and of another one (STREET).
    "party_member": {"party_admin": frozenset({Pos.GRID}), "sysadmin": frozenset({Pos.GRID, Pos.STREET})},
    # GRID: in the branch secretary's branch, inside party_admin's organisation; STREET: outside.
    "party_meeting": {
        "party_admin": frozenset({Pos.GRID}),
        "branch_secretary": frozenset({Pos.GRID}),
        "sysadmin": frozenset({Pos.GRID, Pos.STREET}),
    },
    # GRID: sent by party_admin's organisation to the branch secretary's branch (both ends see it);
    # STREET: sent by the organisation outside to another deployment.
    "party_transfer": {
        "party_admin": frozenset({Pos.GRID}),
        "branch_secretary": frozenset({Pos.GRID}),
        "sysadmin": frozenset({Pos.GRID, Pos.STREET}),
    },
    # GRID: an applicant at the branch secretary's branch; STREET: one at the organisation outside.
    "party_development": {
        "party_admin": frozenset({Pos.GRID}),
        "branch_secretary": frozenset({Pos.GRID}),
        "sysadmin": frozenset({Pos.GRID, Pos.STREET}),
    },
    # A notification belongs to its recipient alone: not even the sysadmin reads it through the API.
    # OWN is the grid worker's notification, COMMUNITY the grid leader's.
    "notification": {"grid_worker": frozenset({Pos.OWN}), "grid_leader": frozenset({Pos.COMMUNITY})},
    # An import job is its importer's (and the system administrator's): OWN is the dispatcher's,
    # STREET the community staff's.
    "import_job": {
        "dispatcher": frozenset({Pos.OWN}),
        "community_staff": frozenset({Pos.STREET}),
        "sysadmin": frozenset({Pos.OWN, Pos.STREET}),
    },
}
POSITIONS: dict[str, tuple[Pos, ...]] = {
    "registry": REGISTRY_POSITIONS,
    "region_page": REGISTRY_POSITIONS,
    "case": CASE_POSITIONS,
    "attachment": CASE_POSITIONS,
    "party_org": (Pos.GRID, Pos.STREET),
    "party_member": (Pos.GRID, Pos.STREET),
    "party_meeting": (Pos.GRID, Pos.STREET),
    "party_transfer": (Pos.GRID, Pos.STREET),
    "party_development": (Pos.GRID, Pos.STREET),
    "notification": (Pos.OWN, Pos.COMMUNITY),  # OWN: grid_worker's; COMMUNITY: grid_leader's
    "import_job": (Pos.OWN, Pos.STREET),
}


@dataclass(frozen=True)
class Spec:
    kind: str
    anon: int = 401
    # What fills the path parameter: "case", "attachment", "region", "party_org", "building", …
    target: str = ""
    why: str = ""  # skip: the reason
    # A valid JSON body (from the world), so that the check reached is access, not validation.
    body: Callable[[Any], dict[str, Any]] | None = None
    roles: frozenset[str] = frozenset()  # roles: who reaches it
    denied: int = 403  # roles: what the others get
    key: bool = False  # open311: needs a valid api_key
    params: tuple[tuple[str, str], ...] = ()  # fixed path parameters
    form: Callable[[Any], dict[str, Any]] | None = None  # a multipart body
    allowed: int = 0  # the exact status an allowed persona gets (0: any "reached" status)

    @property
    def reach_key(self) -> str:
        return "registry" if self.target in REGISTRY_TARGETS else self.target


REGISTRY_TARGETS = frozenset({"building", "household", "resident", "business", "institution", "facility"})


def _region_body(world: Any) -> dict[str, Any]:
    return {
        "code": "AXM0001",
        "name": "矩阵新区划",
        "kind": "grid",
        "parent": world.grids[Pos.GRID].parent.code,
    }


def _boundary_body(world: Any) -> dict[str, Any]:
    grid = world.grids[Pos.GRID]
    square = [[123.0, 41.0], [123.001, 41.0], [123.001, 41.001], [123.0, 41.001], [123.0, 41.0]]
    return {"boundary": grid.boundary or {"type": "Polygon", "coordinates": [square]}}


MOVE_BODIES: dict[str, Callable[[Any], dict[str, Any]]] = {
    "dispatch": lambda world: {"lead": {"department": "no-such-department"}},
    "rate": lambda world: {"satisfaction": "满意"},
    "merge": lambda world: {"main_case": "YB-20000101-000001"},
    "extension": lambda world: {"days": 1},
}


def _profile_body(world: Any) -> dict[str, Any]:
    return {"name": "矩阵方案", "source": "hotline_12345", "mapping": {}}


def _import_form(world: Any) -> dict[str, Any]:
    upload = io.BytesIO("工单号\n".encode())
    upload.name = "a.csv"
    return {"file": upload, "profile": "999999999"}  # past the role check: 422 unknown profile


def _meeting_body(world: Any) -> dict[str, Any]:
    """A meeting at the probed organisation: 422 (no such attendee, or not a branch) once reached."""
    return {
        "kind": "theme_day",
        "topic": "矩阵主题党日",
        "held_at": "2020-01-01T09:00:00+08:00",
        "place": "矩阵活动室",
        "host": "矩阵书记",
        "attendees": [0],
    }


def _transfer_body(world: Any) -> dict[str, Any]:
    """A letter for the member in party_admin's organisation: 404 outside its scope, else 422 (a
    validity of 0 months), so that nothing is issued."""
    return {"member_id": world.party_members[Pos.GRID].pk, "letter_no": "AXM-issue", "valid_months": 0}


def _bulk_body(world: Any) -> dict[str, Any]:
    """集中转接 of the member in party_admin's organisation: 404 outside its scope, else 422 (0 months)."""
    return {
        "member_ids": [world.party_members[Pos.GRID].pk],
        "letter_no_prefix": "AXM-bulk",
        "valid_months": 0,
    }


PARTY_ORG_WEB = Spec("scoped", anon=302, target="party_org")
PARTY_STAFF = frozenset({"party_admin", "branch_secretary", "sysadmin"})


def _suggest_body(world: Any) -> dict[str, Any]:
    return {"title": "路灯不亮"}


PUBLIC_API = Spec("public", anon=200)
LOGIN = Spec("login")
SYSADMIN = Spec("sysadmin")
CASE = Spec("scoped", target="case")
WEB_LOGIN = Spec("login", anon=302)
WEB_CASE = Spec("scoped", anon=302, target="case")
# The command views open at every level: the district's, a street's and a community's (each scoped).
COMMAND = Spec("roles", anon=302, roles=frozenset({*DISTRICT_WIDE, "street_staff", "community_staff"}))
GRID_APP = Spec("roles", anon=302, roles=frozenset({"grid_worker", "grid_leader"}))
IMPORTERS = frozenset({"dispatcher", "street_staff", "community_staff", "sysadmin"})
# Who edits the registries through the API (REGISTRY_EDIT_ROLES, and the sysadmin).
REGISTRY_EDITORS = frozenset({"grid_worker", "grid_leader", "community_staff", "street_staff", "sysadmin"})
# Who has a work unit: a department, or a community/street/grid role (the unit inbox, 工作台).
UNITS = frozenset({"grid_worker", "grid_leader", "community_staff", "street_staff", "department_staff"})
JSON = (("fmt", "json"),)
OPEN311_READ = Spec("open311", anon=200, params=JSON)
OPEN311_KEY = Spec("open311", anon=403, key=True, params=JSON)

ROUTES: dict[str, Spec] = {
    # --- API: auth and reference data ---
    "POST /api/v1/auth/login": Spec("public", anon=422),
    "POST /api/v1/auth/logout": LOGIN,
    "GET /api/v1/auth/me": LOGIN,
    "GET /api/v1/": Spec("public", anon=404),  # ninja's root: nothing there
    "GET /api/v1/openapi.json": PUBLIC_API,
    "GET /api/v1/docs": PUBLIC_API,
    "GET /api/v1/regions": LOGIN,
    "POST /api/v1/regions": Spec("sysadmin", body=_region_body),
    "GET /api/v1/regions/locate": LOGIN,
    "GET /api/v1/regions/{code}": Spec("login", target="region"),
    "GET /api/v1/regions/{code}/subtree": Spec("login", target="region"),
    "GET /api/v1/grids/{code}/chain": Spec("login", target="region"),
    "PUT /api/v1/regions/{code}/boundary": Spec("sysadmin", target="region", body=_boundary_body),
    "GET /api/v1/party-orgs": LOGIN,
    "GET /api/v1/party-orgs/{code}": Spec("login", target="party_org"),
    "GET /api/v1/departments": LOGIN,
    "GET /api/v1/party-members": Spec("scoped_list", target="party_org"),
    # The residents' rules: registry.view_resident_pii (only the sysadmin among the personas) checked
    # before the lookup (403 for every id), then the party organisations (404).
    "POST /api/v1/party-members/{member_id}/unmask": Spec(
        "scoped", target="party_member", roles=frozenset({"sysadmin"}), body=lambda _w: {"reason": "党籍核对"}
    ),
    # --- API: 党务 (organisational life, transfers, the member's own page) ---
    "GET /api/v1/party/orgs/{code}/meeting-plan": Spec("scoped", target="party_org"),
    "GET /api/v1/party/orgs/{code}/meetings": Spec("scoped", target="party_org"),
    "POST /api/v1/party/orgs/{code}/meetings": Spec("scoped", target="party_org", body=_meeting_body),
    "GET /api/v1/party/meetings/{meeting_id}": Spec("scoped", target="party_meeting"),
    # The member is looked up in the reader's scope first (404 for everyone else), then the letter.
    "POST /api/v1/party/transfers": Spec(
        "roles", roles=frozenset({"party_admin", "sysadmin"}), denied=404, body=_transfer_body, allowed=422
    ),
    # 集中转接: the members are looked up in the reader's scope first (404), then the role (a party_admin).
    "POST /api/v1/party/transfers/bulk": Spec(
        "roles", roles=frozenset({"party_admin", "sysadmin"}), denied=404, body=_bulk_body, allowed=422
    ),
    "GET /api/v1/party/transfers": LOGIN,
    "GET /api/v1/party/transfers/{transfer_id}": Spec("scoped", target="party_transfer"),
    "POST /api/v1/party/transfers/{transfer_id}/{action}": Spec(
        "scoped", target="party_transfer", params=(("action", "accept"),)
    ),
    "GET /api/v1/party/members/{member_id}/transfers": Spec("scoped", target="party_member"),
    "GET /api/v1/party/me": Spec("roles", roles=frozenset({"party_member"}), denied=404),
    "GET /api/v1/party/orgs/{code}/development": Spec("scoped", target="party_org"),
    "GET /api/v1/party/orgs/{code}/health": Spec("scoped", target="party_org"),
    "GET /api/v1/party/orgs/{code}/statistics": Spec("scoped", target="party_org"),
    "GET /api/v1/party/orgs/{code}/statistics.xlsx": Spec("scoped", target="party_org"),
    "POST /api/v1/party/members/{member_id}/leave": Spec(
        "scoped", target="party_member", body=lambda _w: {"left_reason": "death", "left_on": "2999-01-01"}
    ),
    "GET /api/v1/party/orgs/{code}/terms": Spec("scoped", target="party_org"),
    "GET /api/v1/party/orgs/{code}/staffing": Spec("scoped", target="party_org"),
    "PUT /api/v1/party/orgs/{code}/staffing": Spec(
        "scoped",
        target="party_org",
        body=lambda _w: {"is_institution": True, "headcount": 1, "party_staff": 2},
    ),
    "POST /api/v1/party/orgs/{code}/terms": Spec(
        "scoped", target="party_org", body=lambda _w: {"elected_on": "2999-01-01", "secretary": ""}
    ),
    "POST /api/v1/party/orgs/{code}/development": Spec(
        "scoped", target="party_org", body=lambda _w: {"name": "", "gender": "F", "applied_on": "2026-01-05"}
    ),
    "POST /api/v1/party/development/{development_id}/{action}": Spec(
        "scoped", target="party_development", params=(("action", "talk"),)
    ),
    "GET /api/v1/party/orgs/{code}/dues/ledger": Spec("scoped", target="party_org"),
    "GET /api/v1/party/orgs/{code}/dues/arrears": Spec("scoped", target="party_org"),
    "GET /api/v1/party/orgs/{code}/dues/summary": Spec("scoped", target="party_org"),
    "GET /api/v1/party/orgs/{code}/dues.xlsx": Spec("scoped", target="party_org"),
    "PUT /api/v1/party/members/{member_id}/dues/base": Spec(
        "scoped",
        target="party_member",
        body=lambda _w: {"year": 2026, "category": "on_job", "monthly_income": "-1"},
    ),
    "POST /api/v1/party/members/{member_id}/dues/payments": Spec(
        "scoped", target="party_member", body=lambda _w: {"month": "2026-03", "amount": "-1"}
    ),
    # --- API: registries ---
    "GET /api/v1/residents": Spec("scoped_list", target="resident"),
    "GET /api/v1/residents/{resident_id}": Spec("scoped", target="resident"),
    # Unmasking needs registry.view_resident_pii, which among the personas only the sysadmin holds:
    # the permission is checked before the lookup (403 for every id), then the scope (404).
    "POST /api/v1/residents/{resident_id}/unmask": Spec(
        "scoped", target="resident", roles=frozenset({"sysadmin"}), body=lambda _w: {"reason": "核对身份信息"}
    ),
    # Editing: the roles that keep the registries current (REGISTRY_EDIT_ROLES, and the sysadmin),
    # checked before the lookup (403 for every id); then their scope (404).
    "PATCH /api/v1/residents/{resident_id}": Spec(
        "scoped",
        target="resident",
        roles=REGISTRY_EDITORS,
        body=lambda _w: {"notes": "矩阵核对"},
    ),
    "GET /api/v1/buildings": Spec("scoped_list", target="building"),
    "GET /api/v1/buildings/{building_id}": Spec("scoped", target="building"),
    "PATCH /api/v1/buildings/{building_id}": Spec(
        "scoped", target="building", roles=REGISTRY_EDITORS, body=lambda _w: {"manager_name": "矩阵楼长"}
    ),
    "GET /api/v1/buildings/{building_id}/households": Spec("scoped", target="building"),
    "GET /api/v1/households/{household_id}": Spec("scoped", target="household"),
    "GET /api/v1/businesses": Spec("scoped_list", target="business"),
    "GET /api/v1/businesses/{business_id}": Spec("scoped", target="business"),
    "GET /api/v1/institutions": Spec("scoped_list", target="institution"),
    "GET /api/v1/institutions/{institution_id}": Spec("scoped", target="institution"),
    "GET /api/v1/facilities": Spec("scoped_list", target="facility"),
    "GET /api/v1/facilities/{facility_id}": Spec("scoped", target="facility"),
    # --- API: inbox ---
    "GET /api/v1/inbox": LOGIN,
    "GET /api/v1/inbox/unread-count": LOGIN,
    "POST /api/v1/inbox/read-all": LOGIN,
    "POST /api/v1/inbox/{notification_id}/read": Spec("scoped", target="notification"),
    # --- API: cases ---
    "GET /api/v1/cases": Spec("scoped_list", target="case"),
    "POST /api/v1/cases": LOGIN,
    "GET /api/v1/cases/{code}": CASE,
    # The reporter's phone: whoever reads the case reaches it (200 for an open task's unit, the
    # dispatcher, the sysadmin and the reporter; 403 for the other readers); others 404.
    "POST /api/v1/cases/{code}/unmask": CASE,
    "POST /api/v1/cases/{code}/attachments": CASE,
    "GET /api/v1/attachments/{attachment_id}": Spec("scoped", target="attachment"),
    "GET /api/v1/track/{code}": Spec("public", anon=404, target="case"),
    "GET /api/v1/kpis": LOGIN,
    **{
        f"POST /api/v1/cases/{{code}}/{move}": Spec("scoped", target="case", body=MOVE_BODIES.get(move))
        for move in (
            "accept",
            "reject",
            "dispatch",
            "sign",
            "note",
            "return",
            "resolve",
            "resolve-on-spot",
            "review",
            "review-fail",
            "rate",
            "close-unrated",
            "escalate",
            "merge",
            "extension",
            "extension/approve",
            "extension/refuse",
            "supervise",
            "lift-supervision",
            "follow-up",
        )
    },
    # --- web pages ---
    "GET /": WEB_LOGIN,
    "GET /login/": Spec("public", anon=200),
    "POST /logout/": Spec("login", anon=302),
    "GET /find-grid/": WEB_LOGIN,
    "GET /regions/{code}/": Spec("scoped", anon=302, target="region_page"),
    "GET /buildings/{building_id}/": Spec("scoped", anon=302, target="building"),
    "POST /i18n/setlang/": Spec("public", anon=302),
    "GET /media/{path}": Spec(
        "skip", why="DEBUG only; production serves no media (attachments go through the API)"
    ),
    "GET /admin/": Spec("skip", why="Django admin: staff only, tested in tests/admin"),
    # --- API: hotline import and Excel export (exchange) ---
    "GET /api/v1/exchange/profiles": Spec("roles", roles=IMPORTERS),
    "POST /api/v1/exchange/profiles": Spec("roles", roles=IMPORTERS, body=_profile_body, allowed=422),
    "POST /api/v1/exchange/imports": Spec("roles", roles=IMPORTERS, form=_import_form, allowed=422),
    "GET /api/v1/exchange/imports/{job_id}": Spec("scoped", target="import_job"),
    "POST /api/v1/exchange/imports/{job_id}/run": Spec("scoped", target="import_job"),
    # Exports hold only what the persona may see (the case list's scope): any signed-in persona.
    "GET /api/v1/exchange/exports/cases.xlsx": LOGIN,
    "GET /api/v1/exchange/exports/cases.csv": LOGIN,
    "GET /api/v1/exchange/exports/kpis.xlsx": LOGIN,
    # --- API: triage (分拨模型) ---
    "GET /api/v1/triage/models": SYSADMIN,
    "POST /api/v1/triage/models/{version}/activate": Spec(
        "sysadmin", params=(("version", "999999"),), allowed=404
    ),
    "POST /api/v1/triage/models/retrain": Spec(
        "skip", why="enqueues a real training run; its 403 for others is in tests/triage/test_models.py"
    ),
    "POST /api/v1/triage/suggest": Spec(
        "roles",
        roles=frozenset({"dispatcher", "street_staff", "community_staff", "sysadmin"}),
        body=_suggest_body,
    ),
    # Where is it / duplicates (issue 5 parts 3–4): dispatching staff; a case one cannot read is 404.
    "POST /api/v1/triage/locate": Spec(
        "roles",
        roles=frozenset({"dispatcher", "street_staff", "community_staff", "sysadmin"}),
        body=lambda w: {"address": "和谐小区"},
    ),
    "GET /api/v1/triage/cases/{code}/duplicates": CASE,
    # --- Open311 GeoReport v2: reads are public by the spec, writes need a client's api_key ---
    "GET /open311/v2/discovery.{fmt}": OPEN311_READ,
    "GET /open311/v2/services.{fmt}": OPEN311_READ,
    "GET /open311/v2/services/{code}.{fmt}": Spec("open311", anon=404, params=(("code", "no-such"), *JSON)),
    "GET /open311/v2/requests.{fmt}": OPEN311_READ,
    "POST /open311/v2/requests.{fmt}": OPEN311_KEY,
    "GET /open311/v2/requests/{service_request_id}.{fmt}": Spec(
        "open311", anon=404, params=(("service_request_id", "YB-20000101-000001"), *JSON)
    ),
    "GET /open311/v2/tokens/{token}.{fmt}": Spec(
        "open311", anon=404, params=(("token", "00000000-0000-0000-0000-000000000000"), *JSON)
    ),
    "GET /open311/v2/servicerequestupdates.{fmt}": OPEN311_KEY,
    "POST /open311/v2/servicerequestupdates.{fmt}": OPEN311_KEY,
    # an uploaded photo at a signed URL (open311.media): a forged signature is 404 for everyone
    "GET /open311/v2/media/{signed}": Spec("open311", anon=404, params=(("signed", "forged:sig"),)),
    "GET /open311/v2/{rest}": Spec("open311", anon=404, params=(("rest", "nothing.json"),)),
    # --- web: command centre (指挥中心) ---
    "GET /command/": COMMAND,
    "GET /command/supervision/": COMMAND,
    # 诉求查询: the command views' roles, each within their scope.
    "GET /command/cases/": COMMAND,
    "GET /command/map/": COMMAND,
    "GET /command/map/cases.json": COMMAND,
    "GET /command/map/grids.json": COMMAND,
    "GET /command/screen/": COMMAND,
    "POST /command/dispatch/{code}/": WEB_CASE,
    # The queue's full dispatch form (htmx): dispatching roles first (403 for every code), then the case.
    "GET /command/dispatch/{code}/form/": Spec(
        "scoped",
        anon=302,
        target="case",
        roles=frozenset({"dispatcher", "street_staff", "community_staff", "sysadmin"}),
    ),
    # 热点问题: a role gate first; for those past it an unknown hotspot is 404.
    "GET /command/hotspots/": COMMAND,
    "POST /command/hotspots/{pk}/proactive/": Spec(
        "roles", anon=302, roles=COMMAND.roles, params=(("pk", "999999"),), allowed=404
    ),
    "POST /command/hotspots/{pk}/supervise/": Spec(
        "roles", anon=302, roles=COMMAND.roles, params=(("pk", "999999"),), allowed=404
    ),
    # --- web: unit workbench (工作台), department page, case page ---
    "GET /workbench/": Spec("roles", anon=302, roles=UNITS),
    "GET /workbench/cases/": Spec("roles", anon=302, roles=UNITS),
    "GET /department/": Spec("roles", anon=302, roles=frozenset({"department_staff"}), denied=302),
    "GET /cases/{code}/": WEB_CASE,
    "POST /cases/{code}/do/{action}/": Spec("scoped", anon=302, target="case", params=(("action", "note"),)),
    "POST /cases/{code}/photos/": WEB_CASE,
    "POST /cases/{code}/phone/": WEB_CASE,
    # --- web: 党务 workbench (组织指导) and the party member's page ---
    "GET /party/": Spec("roles", anon=302, roles=PARTY_STAFF),
    "GET /party/orgs/{code}/": PARTY_ORG_WEB,
    "POST /party/orgs/{code}/meetings/": PARTY_ORG_WEB,
    "GET /party/meetings/{meeting_id}/": Spec("scoped", anon=302, target="party_meeting"),
    "POST /party/orgs/{code}/transfers/": PARTY_ORG_WEB,
    "POST /party/orgs/{code}/dues/": PARTY_ORG_WEB,
    "POST /party/orgs/{code}/development/": PARTY_ORG_WEB,
    "GET /party/orgs/{code}/statistics/": PARTY_ORG_WEB,
    "POST /party/orgs/{code}/terms/": PARTY_ORG_WEB,
    "POST /party/orgs/{code}/staffing/": PARTY_ORG_WEB,
    "GET /party/orgs/{code}/bulk-transfer/": PARTY_ORG_WEB,
    "POST /party/orgs/{code}/leave/": PARTY_ORG_WEB,
    "POST /party/development/{development_id}/{action}/": Spec(
        "scoped", anon=302, target="party_development", params=(("action", "talk"),)
    ),
    "POST /party/transfers/{transfer_id}/{action}/": Spec(
        "scoped", anon=302, target="party_transfer", params=(("action", "accept"),)
    ),
    "GET /citizen/party/": WEB_LOGIN,
    # --- web: phone apps ---
    "GET /sw.js": Spec("public", anon=200),
    "GET /jsi18n/{language}.js": Spec("public", anon=200, params=(("language", "en"),)),
    "GET /manifest.webmanifest": Spec("public", anon=200),
    "GET /favicon.ico": Spec("public", anon=200),
    # --- probes and metrics (dangqun.core.probes, .metrics; docs/deployment.md) ---
    "GET /healthz": Spec("public", anon=200),
    "GET /readyz": Spec("public", anon=200),
    "GET /metrics": Spec(
        "skip", why="no session decides: loopback or the bearer token (tests/prod/test_probes.py)"
    ),
    "GET /grid/": GRID_APP,
    "GET /grid/report/": GRID_APP,
    "GET /grid/map/": GRID_APP,
    "GET /grid/tasks/": GRID_APP,
    "GET /grid/search/": GRID_APP,
    # The grid app's case page: others are turned away by role (403 for every code, so it tells nothing).
    "GET /grid/cases/{code}/": Spec("scoped", anon=302, target="case", roles=GRID_APP.roles),
    "GET /citizen/": WEB_LOGIN,
    "GET /citizen/submit/": WEB_LOGIN,
    "GET /citizen/cases/{code}/": WEB_CASE,
    "GET /citizen/track/": Spec("public", anon=200),
    "GET /citizen/inbox/": WEB_LOGIN,
    # --- web: hotline import and export ---
    "GET /exchange/import/": Spec("roles", anon=302, roles=IMPORTERS),
    "GET /exchange/import/{job_id}/": Spec("scoped", anon=302, target="import_job"),
    "GET /exchange/import/{job_id}/progress/": Spec("scoped", anon=302, target="import_job"),
    "POST /exchange/import/{job_id}/run/": Spec("scoped", anon=302, target="import_job"),
    "GET /exchange/export/": WEB_LOGIN,
    "GET /exchange/export/cases.xlsx": WEB_LOGIN,
    "GET /exchange/export/cases.csv": WEB_LOGIN,
    "GET /exchange/export/kpis.xlsx": WEB_LOGIN,
}

# The domains' routes, each declared in tests/access/routes_<domain>.py (imported here, at the end,
# since they use the specs above).
from tests.access import (  # noqa: E402
    routes_civic,
    routes_community,
    routes_gridwork,
    routes_party_study,
    routes_partywork,
    routes_volunteers,
)

for _domain in (
    routes_community,
    routes_gridwork,
    routes_partywork,
    routes_party_study,
    routes_volunteers,
    routes_civic,
):
    ROUTES.update(_domain.ROUTES)
