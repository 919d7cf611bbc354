"""Access rules of the 网格工作 routes (``dangqun.gridwork``), merged into ``expectations.ROUTES``."""

from __future__ import annotations

from tests.access.expectations import GRID_APP, LOGIN, Spec

VISIT_WHY = (
    "visits are not objects of the access world; tests/gridwork/test_visits_api.py probes them in and "
    "out of scope (404), by role (403) and by status (409)"
)
SUPERVISORS = frozenset({"grid_leader", "community_staff", "street_staff", "sysadmin"})

ROUTES: dict[str, Spec] = {
    # a list filtered to the reader's scope: empty for anyone without a grid role
    "GET /api/v1/gridwork/visits": LOGIN,
    "GET /api/v1/gridwork/visits/overdue-by-grid": LOGIN,
    "GET /api/v1/gridwork/visits/{visit_id}": Spec("skip", why=VISIT_WHY),
    "POST /api/v1/gridwork/visits/{visit_id}/record": Spec("skip", why=VISIT_WHY),
    "POST /api/v1/gridwork/visits/{visit_id}/cancel": Spec("skip", why=VISIT_WHY),
    "GET /grid/visits/": GRID_APP,
    "GET /grid/visits/{visit_id}/": Spec("skip", why=VISIT_WHY),
    "GET /gridwork/overdue/": Spec("roles", anon=302, roles=SUPERVISORS),
}
