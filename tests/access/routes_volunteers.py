"""Access rules of the 志愿服务 routes (``dangqun.volunteers``), merged into ``expectations.ROUTES``.

Teams and activities are open to every signed-in persona; publishing is for the organisers (community,
street and district staff: 403 for the others). An activity, sign-up or membership id that does not
exist answers 404 to everyone, which is what the matrix probes; who reaches real ones (an activity's
people only for its organisers, 404 for another community's) is tested in tests/volunteers.

The space catalogue is open to every signed-in persona. A space or booking named by id is not among the
matrix's world objects; who reaches those (the booker and the space's owners, 404 for everyone else,
403 for a move the persona may not make) is tested in tests/volunteers."""

from __future__ import annotations

from typing import Any

from tests.access.expectations import DISTRICT_WIDE, Spec

_BY_ID = "a space or booking by id: scope tested in tests/volunteers/test_spaces_api.py and test_pages.py"

ORGANISERS = frozenset({*DISTRICT_WIDE, "street_staff", "community_staff"})
NO_ACTIVITY = (("activity_id", "999999999"),)
NO_SIGNUP = (("signup_id", "999999999"), ("action", "cancel"))
NO_TEAM = (("team_id", "999999999"),)
NO_MEMBERSHIP = (("membership_id", "999999999"), ("action", "leave"))


def _activity_body(world: Any) -> dict[str, Any]:
    """An activity in a region that does not exist: 422 (``region``) once past the role gate."""
    return {
        "region": "NO-SUCH-REGION",
        "title": "矩阵活动",
        "kind": "cleanup",
        "place": "矩阵广场",
        "lat": 40.1,
        "lng": 124.3,
        "starts_at": "2030-01-01T09:00:00+08:00",
        "ends_at": "2030-01-01T11:00:00+08:00",
        "slots": 5,
        "hours": "2",
    }


ROUTES: dict[str, Spec] = {
    "GET /api/v1/volunteers/spaces": Spec("login"),
    "GET /api/v1/volunteers/spaces/{space_id}": Spec("skip", why=_BY_ID),
    "POST /api/v1/volunteers/spaces/{space_id}/bookings": Spec("skip", why=_BY_ID),
    "GET /api/v1/volunteers/bookings": Spec("login"),
    "GET /api/v1/volunteers/bookings/{booking_id}": Spec("skip", why=_BY_ID),
    "POST /api/v1/volunteers/bookings/{booking_id}/{action}": Spec("skip", why=_BY_ID),
    "GET /volunteers/spaces/": Spec("login", anon=302),
    "GET /volunteers/spaces/{space_id}/": Spec("skip", why=_BY_ID),
    "POST /volunteers/spaces/{space_id}/book": Spec("skip", why=_BY_ID),
    "POST /volunteers/bookings/{booking_id}/{action}": Spec("skip", why=_BY_ID),
    "GET /api/v1/volunteers/me": Spec("login"),
    "PUT /api/v1/volunteers/me": Spec("login"),
    "GET /api/v1/volunteers/hours": Spec("login"),
    "GET /api/v1/volunteers/teams": Spec("login"),
    "POST /api/v1/volunteers/teams/{team_id}/memberships": Spec("roles", denied=404, params=NO_TEAM),
    "GET /api/v1/volunteers/memberships": Spec("login"),
    "POST /api/v1/volunteers/memberships/{membership_id}/{action}": Spec(
        "roles", denied=404, params=NO_MEMBERSHIP
    ),
    "GET /api/v1/volunteers/activities": Spec("login"),
    "POST /api/v1/volunteers/activities": Spec("roles", roles=ORGANISERS, body=_activity_body, allowed=422),
    "GET /api/v1/volunteers/activities/{activity_id}": Spec("roles", denied=404, params=NO_ACTIVITY),
    "POST /api/v1/volunteers/activities/{activity_id}/signups": Spec("roles", denied=404, params=NO_ACTIVITY),
    "GET /api/v1/volunteers/activities/{activity_id}/signups": Spec("roles", denied=404, params=NO_ACTIVITY),
    "POST /api/v1/volunteers/signups/{signup_id}/{action}": Spec("roles", denied=404, params=NO_SIGNUP),
    "GET /volunteers/": Spec("login", anon=302),
    "GET /volunteers/activities/{activity_id}/": Spec("roles", anon=302, denied=404, params=NO_ACTIVITY),
    "POST /volunteers/activities/{activity_id}/signup": Spec(
        "roles", anon=302, denied=404, params=NO_ACTIVITY
    ),
    "POST /volunteers/signups/{signup_id}/{action}": Spec("roles", anon=302, denied=404, params=NO_SIGNUP),
    "GET /volunteers/teams/": Spec("login", anon=302),
    "POST /volunteers/teams/{team_id}/join": Spec("roles", anon=302, denied=404, params=NO_TEAM),
    "POST /volunteers/memberships/{membership_id}/{action}": Spec(
        "roles", anon=302, denied=404, params=NO_MEMBERSHIP
    ),
    "GET /volunteers/workbench/": Spec("roles", anon=302, roles=ORGANISERS),
    "POST /volunteers/workbench/publish": Spec("roles", anon=302, roles=ORGANISERS, allowed=422),
    "GET /volunteers/workbench/activities/{activity_id}/": Spec(
        "roles", anon=302, denied=404, params=NO_ACTIVITY
    ),
    "GET /volunteers/workbench/activities/{activity_id}/qr.svg": Spec(
        "roles", anon=302, denied=404, params=NO_ACTIVITY
    ),
}
