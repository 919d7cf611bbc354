"""Access rules of the 党员服务 routes (``dangqun.partywork``), merged into ``expectations.ROUTES``.

A 报到, a 服务岗 and a sign-up are scoped to the community party organisation (its party roles and its
community/street staff), to the member themself, and — for reports — to the member's unit branch. The
matrix's world has no such objects, so those routes are probed persona by persona, for the demo
community and its rows, in tests/partywork/test_access.py (``SCOPED``)."""

from __future__ import annotations

from tests.access.expectations import LOGIN, PUBLIC_API, WEB_LOGIN, Spec

COVERED = "scoped to a community party organisation: probed per persona in tests/partywork/test_access.py"

PAIRING = "scoped to a party organisation: probed per persona in tests/partywork/test_pairing_access.py"

ROUTES: dict[str, Spec] = {
    "GET /api/v1/partywork/nav": PUBLIC_API,
    # Only a signed-in party member reaches the form (422: no community named); others are no member (403).
    "POST /api/v1/partywork/reports": Spec(
        "roles", roles=frozenset({"party_member"}), body=lambda _w: {"community": ""}, allowed=422
    ),
    "GET /api/v1/partywork/reports/{report_id}": Spec("skip", why=COVERED),
    "POST /api/v1/partywork/reports/{report_id}/{action}": Spec("skip", why=COVERED),
    "GET /api/v1/partywork/communities/{code}/reports": Spec("skip", why=COVERED),
    "GET /api/v1/partywork/communities/{code}/posts": Spec("skip", why=COVERED),
    "POST /api/v1/partywork/communities/{code}/posts": Spec("skip", why=COVERED),
    "GET /api/v1/partywork/posts/{post_id}/signups": Spec("skip", why=COVERED),
    "POST /api/v1/partywork/posts/{post_id}/signups": Spec("skip", why=COVERED),
    "POST /api/v1/partywork/signups/{signup_id}/{action}": Spec("skip", why=COVERED),
    "GET /api/v1/partywork/units/{code}/feedback": Spec("skip", why=COVERED),
    "GET /api/v1/partywork/me": Spec("roles", roles=frozenset({"party_member"})),
    "GET /api/v1/partywork/ranking": LOGIN,
    "GET /api/v1/partywork/orgs/{code}/pairings": Spec("skip", why=PAIRING),
    "POST /api/v1/partywork/orgs/{code}/pairings": Spec("skip", why=PAIRING),
    "GET /api/v1/partywork/orgs/{code}/pairing-totals": Spec("skip", why=PAIRING),
    "GET /api/v1/partywork/orgs/{code}/pairings.xlsx": Spec("skip", why=PAIRING),
    "GET /api/v1/partywork/pairings/{pairing_id}": Spec("skip", why=PAIRING),
    "POST /api/v1/partywork/pairings/{pairing_id}/visits": Spec("skip", why=PAIRING),
    "POST /api/v1/partywork/pairings/{pairing_id}/{action}": Spec("skip", why=PAIRING),
    "GET /api/v1/partywork/orgs/{code}/callouts": Spec("skip", why=PAIRING),
    "POST /api/v1/partywork/orgs/{code}/callouts": Spec("skip", why=PAIRING),
    "GET /api/v1/partywork/callouts/{callout_id}": Spec("skip", why=PAIRING),
    "POST /api/v1/partywork/callouts/{callout_id}/{action}": Spec("skip", why=PAIRING),
    "POST /api/v1/partywork/callout-replies/{reply_id}/{action}": Spec("skip", why=PAIRING),
    "GET /api/v1/partywork/me/callouts": Spec("roles", roles=frozenset({"party_member"})),
    "GET /api/v1/partywork/me/badge": Spec("roles", roles=frozenset({"party_member"})),
    "PUT /api/v1/partywork/me/badge": Spec(
        "roles", roles=frozenset({"party_member"}), body=lambda _w: {"shown": False}
    ),
    # --- web ---
    "GET /partywork/nav/": Spec("public", anon=200),
    "GET /citizen/partywork/": WEB_LOGIN,
    "POST /citizen/partywork/report/": Spec(
        "skip", why="the member's own write: tests/partywork/test_pages.py"
    ),
    "GET /partywork/": WEB_LOGIN,
    "GET /partywork/ranking/": WEB_LOGIN,
    "GET /partywork/communities/{code}/": Spec("skip", why=COVERED),
    "POST /partywork/communities/{code}/posts/": Spec("skip", why=COVERED),
    "GET /partywork/units/{code}/": Spec("skip", why=COVERED),
    "POST /partywork/reports/{report_id}/{action}/": Spec("skip", why=COVERED),
    "POST /partywork/posts/{post_id}/signup/": Spec("skip", why=COVERED),
    "POST /partywork/signups/{signup_id}/{action}/": Spec("skip", why=COVERED),
    "GET /partywork/orgs/{code}/pairings/": Spec("skip", why=PAIRING),
    "POST /partywork/orgs/{code}/pairings/new/": Spec("skip", why=PAIRING),
    "GET /partywork/orgs/{code}/pairings.xlsx": Spec("skip", why=PAIRING),
    "GET /partywork/pairings/{pairing_id}/": Spec("skip", why=PAIRING),
    "POST /partywork/pairings/{pairing_id}/visits/": Spec("skip", why=PAIRING),
    "POST /partywork/pairings/{pairing_id}/{action}/": Spec("skip", why=PAIRING),
    "GET /partywork/orgs/{code}/callouts/": Spec("skip", why=PAIRING),
    "POST /partywork/orgs/{code}/callouts/new/": Spec("skip", why=PAIRING),
    "POST /partywork/callouts/{callout_id}/{action}/": Spec("skip", why=PAIRING),
    "GET /citizen/partywork/callouts/": WEB_LOGIN,
    "POST /citizen/partywork/badge/": Spec(
        "skip", why="the member's own write: tests/partywork/test_pairing_pages.py"
    ),
    "POST /partywork/callout-replies/{reply_id}/{action}/": Spec("skip", why=PAIRING),
}
