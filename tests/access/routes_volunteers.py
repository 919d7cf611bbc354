"""Access rules of the 志愿服务 routes (``dangqun.volunteers``), merged into ``expectations.ROUTES``.

The space catalogue is open to every signed-in persona. A space or booking named by id is not among the
matrix's world objects; who reaches those (the booker and the space's owners, 404 for everyone else,
403 for a move the persona may not make) is tested in tests/volunteers."""

from __future__ import annotations

from tests.access.expectations import Spec

_BY_ID = "a space or booking by id: scope tested in tests/volunteers/test_spaces_api.py and test_pages.py"

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
}
