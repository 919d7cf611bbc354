"""Access rules of the 惠民服务 routes (``dangqun.civic``), merged into ``expectations.ROUTES``.

Policies are managed by community, street and district staff (a role gate, 403 for the others, then
the policy's region: 404 outside it — tests/civic covers the scope with real policies). A policy id
that does not exist answers 404 to everyone past the role gate, which is what the matrix probes."""

from __future__ import annotations

from typing import Any

from tests.access.expectations import DISTRICT_WIDE, LOGIN, PUBLIC_API, WEB_LOGIN, Spec

POLICY_STAFF = frozenset({*DISTRICT_WIDE, "street_staff", "community_staff"})
NO_POLICY = (("policy_id", "999999999"), ("action", "publish"))
# 办事指南: the catalogue and items are public (an unknown item is 404 to everyone); the staff who keep
# items are region staff and a department's (department_staff); an application opens to its applicant
# and the responsible unit only (tests/civic covers them with real applications), so a guessed id is
# 404 to everyone.
SERVICE_STAFF = frozenset({*POLICY_STAFF, "department_staff"})
NO_ITEM = (("code", "NO-SUCH-ITEM"),)
NO_APPLICATION = (("application_id", "999999999"), ("action", "accept"))
PUBLIC_404 = Spec("public", anon=404, params=NO_ITEM)


# 居务公开栏: boards and published notices are public (an unknown board or notice is 404 to everyone);
# notices are kept by the staff of their region (tests/civic covers another community's 404 with real
# notices), so a guessed id is 404 to everyone past the role gate.
NOTICE_STAFF = POLICY_STAFF
NO_BOARD = (("code", "NO-SUCH-BOARD"),)
NO_NOTICE = (("notice_id", "999999999"), ("action", "publish"))


def _notice_body(world: Any) -> dict[str, Any]:
    """A notice on a board that does not exist: 422 (``region``) once past the role gate."""
    return {"region": "NO-SUCH-REGION", "kind": "service", "title": "矩阵公告"}


# 党的声音: published by party administrators, branch secretaries and region staff (a role gate, 403 for
# the others; tests/civic covers another subtree's 404 with real items), so a guessed id is 404 past the
# gate; a reader opens an item only through their own receipt, so a guessed id is 404 to every reader.
VOICE_STAFF = frozenset({*POLICY_STAFF, "party_admin", "branch_secretary"})
NO_VOICE = (("item_id", "999999999"), ("action", "publish"))


def _voice_body(world: Any) -> dict[str, Any]:
    """An item for an organisation that does not exist: 422 (``org``) once past the role gate."""
    return {"kind": "article", "title": "矩阵党的声音", "audience": "members", "org": "NO-SUCH-ORG"}


# 民事民议: proposals are public (a guessed id is 404 to everyone); raising one is open to any signed-in
# persona (a board that does not exist is 422 for all); votes and comments need a proposal (404 for a
# guessed id, tests/civic covers who may vote); moderation and moves are the region's staff's (a role
# gate, then 404 for a guessed id).
NO_PROPOSAL = (("proposal_id", "999999999"), ("comment_id", "999999999"), ("action", "open_vote"))


def _png() -> Any:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 120, 200)).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "p.png"
    return buffer


def _service_body(world: Any) -> dict[str, Any]:
    """An item in a region that does not exist: 422 (``region``) once past the role gate."""
    return {"region": "NO-SUCH-REGION", "name": "矩阵事项", "time_limit_days": 1}


def _policy_body(world: Any) -> dict[str, Any]:
    """A policy in a region that does not exist: 422 (``region``) once past the role gate."""
    return {
        "title": "矩阵政策",
        "issuer": "矩阵",
        "region": "NO-SUCH-REGION",
        "audience": "business",
        "valid_from": "2026-01-01",
        "rules": [],
    }


def _preview_body(world: Any) -> dict[str, Any]:
    return {"region": "NO-SUCH-REGION", "audience": "business", "rules": []}


ROUTES: dict[str, Spec] = {
    "GET /api/v1/civic/rule-fields": LOGIN,
    "GET /api/v1/civic/policies": Spec("roles", roles=POLICY_STAFF),
    "POST /api/v1/civic/policies": Spec("roles", roles=POLICY_STAFF, body=_policy_body, allowed=422),
    "POST /api/v1/civic/policies/preview": Spec("roles", roles=POLICY_STAFF, body=_preview_body, allowed=422),
    "GET /api/v1/civic/policies/{policy_id}": Spec(
        "roles", roles=POLICY_STAFF, params=NO_POLICY, allowed=404
    ),
    "PATCH /api/v1/civic/policies/{policy_id}": Spec(
        "roles", roles=POLICY_STAFF, params=NO_POLICY, allowed=404, body=lambda _w: {"title": "矩阵"}
    ),
    "POST /api/v1/civic/policies/{policy_id}/{action}": Spec(
        "roles", roles=POLICY_STAFF, params=NO_POLICY, allowed=404, body=lambda _w: {}
    ),
    "GET /api/v1/civic/me/policies": LOGIN,
    # Only a policy pushed to the reader opens: a guessed id is 404 for everyone.
    "GET /api/v1/civic/me/policies/{policy_id}": Spec(
        "roles", roles=frozenset(), denied=404, params=NO_POLICY
    ),
    # --- pages: the staff's policy library, the citizen app's "policies for me" ---
    "GET /civic/policies/": Spec("roles", anon=302, roles=POLICY_STAFF),
    # An empty form past the role gate: 422 (no region), nothing written.
    "POST /civic/policies/new/": Spec("roles", anon=302, roles=POLICY_STAFF, allowed=422),
    "GET /civic/policies/{policy_id}/": Spec(
        "roles", anon=302, roles=POLICY_STAFF, params=NO_POLICY, allowed=404
    ),
    "POST /civic/policies/{policy_id}/{action}/": Spec(
        "roles", anon=302, roles=POLICY_STAFF, params=NO_POLICY, allowed=404
    ),
    "GET /civic/my/": WEB_LOGIN,
    "GET /civic/my/{policy_id}/": Spec("roles", anon=302, roles=frozenset(), denied=404, params=NO_POLICY),
    # --- 办事指南 ---
    "GET /api/v1/civic/services": PUBLIC_API,
    "POST /api/v1/civic/services": Spec("roles", roles=SERVICE_STAFF, body=_service_body, allowed=422),
    "GET /api/v1/civic/services/{code}": PUBLIC_404,
    "PATCH /api/v1/civic/services/{code}": Spec(
        "roles", roles=SERVICE_STAFF, params=NO_ITEM, allowed=404, body=lambda _w: {"fee": "1元"}
    ),
    "POST /api/v1/civic/services/{code}/applications": Spec(
        "roles", roles=frozenset(), denied=404, params=NO_ITEM, form=lambda _w: {"files": _png()}
    ),
    "GET /api/v1/civic/me/applications": LOGIN,
    "GET /api/v1/civic/applications": Spec("roles", roles=SERVICE_STAFF),
    "GET /api/v1/civic/applications/{application_id}": Spec(
        "roles", roles=frozenset(), denied=404, params=NO_APPLICATION
    ),
    "POST /api/v1/civic/applications/{application_id}/{action}": Spec(
        "roles", roles=frozenset(), denied=404, params=NO_APPLICATION, body=lambda _w: {}
    ),
    "GET /civic/services/": Spec("public", anon=200),
    "GET /civic/services/{code}/": PUBLIC_404,
    "GET /civic/services/{code}/materials/": PUBLIC_404,
    "GET /civic/services/{code}/qr.svg": PUBLIC_404,
    "GET /civic/services/{code}/apply/": Spec(
        "roles", anon=302, roles=frozenset(), denied=404, params=NO_ITEM
    ),
    "POST /civic/services/{code}/apply/": Spec(
        "roles", anon=302, roles=frozenset(), denied=404, params=NO_ITEM
    ),
    "GET /civic/applications/": WEB_LOGIN,
    "GET /civic/applications/{application_id}/": Spec(
        "roles", anon=302, roles=frozenset(), denied=404, params=NO_APPLICATION
    ),
    "POST /civic/applications/{application_id}/{action}/": Spec(
        "roles", anon=302, roles=frozenset(), denied=404, params=NO_APPLICATION
    ),
    "GET /civic/service-desk/": Spec("roles", anon=302, roles=SERVICE_STAFF),
    # --- 居务公开栏 ---
    "GET /api/v1/civic/board/{code}": Spec("public", anon=404, params=NO_BOARD),
    "GET /api/v1/civic/board/{code}/counts": Spec("public", anon=404, params=NO_BOARD),
    "GET /api/v1/civic/board-notices/{notice_id}": Spec("public", anon=404, params=NO_NOTICE),
    "GET /api/v1/civic/notices": Spec("roles", roles=NOTICE_STAFF),
    "POST /api/v1/civic/notices": Spec("roles", roles=NOTICE_STAFF, body=_notice_body, allowed=422),
    "GET /api/v1/civic/notices/{notice_id}": Spec("roles", roles=NOTICE_STAFF, params=NO_NOTICE, allowed=404),
    "PATCH /api/v1/civic/notices/{notice_id}": Spec(
        "roles", roles=NOTICE_STAFF, params=NO_NOTICE, allowed=404, body=lambda _w: {"title": "矩阵"}
    ),
    "POST /api/v1/civic/notices/{notice_id}/{action}": Spec(
        "roles", roles=NOTICE_STAFF, params=NO_NOTICE, allowed=404, body=lambda _w: {}
    ),
    "GET /civic/board/": Spec("public", anon=200),
    "GET /civic/board/{code}/": Spec("public", anon=404, params=NO_BOARD),
    "GET /civic/board/notice/{notice_id}/": Spec("public", anon=404, params=NO_NOTICE),
    "GET /civic/notices/": Spec("roles", anon=302, roles=NOTICE_STAFF),
    # An empty form past the role gate: 422 (no region), nothing written.
    "POST /civic/notices/": Spec("roles", anon=302, roles=NOTICE_STAFF, allowed=422),
    "GET /civic/notices/{notice_id}/": Spec(
        "roles", anon=302, roles=NOTICE_STAFF, params=NO_NOTICE, allowed=404
    ),
    "POST /civic/notices/{notice_id}/": Spec(
        "roles", anon=302, roles=NOTICE_STAFF, params=NO_NOTICE, allowed=404
    ),
    "POST /civic/notices/{notice_id}/{action}/": Spec(
        "roles", anon=302, roles=NOTICE_STAFF, params=NO_NOTICE, allowed=404
    ),
    # --- 民事民议 ---
    "GET /api/v1/civic/proposals": PUBLIC_API,
    "POST /api/v1/civic/proposals": Spec(
        "login", body=lambda _w: {"region": "NO-SUCH-REGION", "title": "矩阵议题"}
    ),
    "GET /api/v1/civic/proposals/{proposal_id}": Spec("public", anon=404, params=NO_PROPOSAL),
    "POST /api/v1/civic/proposals/{proposal_id}/vote": Spec(
        "roles", roles=frozenset(), denied=404, params=NO_PROPOSAL, body=lambda _w: {"choice": "for"}
    ),
    "POST /api/v1/civic/proposals/{proposal_id}/comments": Spec(
        "roles", roles=frozenset(), denied=404, params=NO_PROPOSAL, body=lambda _w: {"body": "矩阵"}
    ),
    "POST /api/v1/civic/proposals/{proposal_id}/comments/{comment_id}/hide": Spec(
        "roles", roles=NOTICE_STAFF, params=NO_PROPOSAL, allowed=404, body=lambda _w: {"reason": "矩阵"}
    ),
    "POST /api/v1/civic/proposals/{proposal_id}/{action}": Spec(
        "roles", roles=NOTICE_STAFF, params=NO_PROPOSAL, allowed=404, body=lambda _w: {}
    ),
    "GET /civic/proposals/": Spec("public", anon=200),
    "GET /civic/proposals/new/": WEB_LOGIN,
    # An empty form: 422 (no region) for every signed-in persona, nothing written.
    "POST /civic/proposals/new/": Spec("login", anon=302),
    "GET /civic/proposals/{proposal_id}/": Spec("public", anon=404, params=NO_PROPOSAL),
    "POST /civic/proposals/{proposal_id}/vote/": Spec(
        "roles", anon=302, roles=frozenset(), denied=404, params=NO_PROPOSAL
    ),
    "POST /civic/proposals/{proposal_id}/comment/": Spec(
        "roles", anon=302, roles=frozenset(), denied=404, params=NO_PROPOSAL
    ),
    "POST /civic/proposals/{proposal_id}/comments/{comment_id}/hide/": Spec(
        "roles", anon=302, roles=NOTICE_STAFF, params=NO_PROPOSAL, allowed=404
    ),
    "POST /civic/proposals/{proposal_id}/{action}/": Spec(
        "roles", anon=302, roles=NOTICE_STAFF, params=NO_PROPOSAL, allowed=404
    ),
    "GET /civic/deliberation/": Spec("roles", anon=302, roles=NOTICE_STAFF),
    # --- 党的声音 ---
    "GET /api/v1/voice/feed": LOGIN,
    "GET /api/v1/voice/feed/{item_id}": Spec("roles", roles=frozenset(), denied=404, params=NO_VOICE),
    "POST /api/v1/voice/feed/{item_id}/read": Spec(
        "roles", roles=frozenset(), denied=404, params=NO_VOICE, body=lambda _w: {}
    ),
    "GET /api/v1/voice/items": Spec("roles", roles=VOICE_STAFF),
    "POST /api/v1/voice/items": Spec("roles", roles=VOICE_STAFF, body=_voice_body, allowed=422),
    "GET /api/v1/voice/items/{item_id}": Spec("roles", roles=VOICE_STAFF, params=NO_VOICE, allowed=404),
    "PATCH /api/v1/voice/items/{item_id}": Spec(
        "roles", roles=VOICE_STAFF, params=NO_VOICE, allowed=404, body=lambda _w: {"title": "矩阵"}
    ),
    "GET /api/v1/voice/items/{item_id}/receipts": Spec(
        "roles", roles=VOICE_STAFF, params=NO_VOICE, allowed=404
    ),
    "POST /api/v1/voice/items/{item_id}/{action}": Spec(
        "roles", roles=VOICE_STAFF, params=NO_VOICE, allowed=404, body=lambda _w: {}
    ),
    "GET /voice/": WEB_LOGIN,
    "GET /voice/{item_id}/": Spec("roles", anon=302, roles=frozenset(), denied=404, params=NO_VOICE),
    "GET /voice/desk/": Spec("roles", anon=302, roles=VOICE_STAFF),
    # An empty form past the role gate: 422 (no audience), nothing written.
    "POST /voice/desk/": Spec("roles", anon=302, roles=VOICE_STAFF, allowed=422),
    "GET /voice/desk/{item_id}/": Spec("roles", anon=302, roles=VOICE_STAFF, params=NO_VOICE, allowed=404),
    "POST /voice/desk/{item_id}/": Spec("roles", anon=302, roles=VOICE_STAFF, params=NO_VOICE, allowed=404),
    "POST /voice/desk/{item_id}/{action}/": Spec(
        "roles", anon=302, roles=VOICE_STAFF, params=NO_VOICE, allowed=404
    ),
}
