"""Access rules of the 网格工作 routes (``dangqun.gridwork``), merged into ``expectations.ROUTES``."""

from __future__ import annotations

from tests.access.expectations import GRID_APP, LOGIN, WEB_LOGIN, Spec

VISIT_WHY = (
    "visits are not objects of the access world; tests/gridwork/test_visits_api.py probes them in and "
    "out of scope (404), by role (403) and by status (409)"
)
PATROL_WHY = (
    "patrols are not objects of the access world; tests/gridwork/test_patrols_api.py probes them in and "
    "out of scope (404), by owner (403/409) and by status (409)"
)
DIARY_WHY = (
    "diaries are not objects of the access world; tests/gridwork/test_diaries_api.py probes them in and "
    "out of scope (404), by role (403) and by status (409)"
)
DIARY_READERS = frozenset(
    {"grid_worker", "grid_leader", "community_staff", "street_staff", "dispatcher", "leader", "sysadmin"}
)
MEETING_WHY = (
    "meetings and decisions are not objects of the access world; tests/gridwork/test_meetings_api.py "
    "probes them in and out of scope (404), by role (404 for a region not supervised) and by status (409)"
)
CAMPAIGN_WHY = (
    "campaigns and their doors are not objects of the access world; tests/gridwork/test_campaigns.py probes "
    "them in and out of scope (404), by role (403 for staff who do not work the grid) and by status (409)"
)
# accounts linked to a registered household (the demo's citizen persona)
RESIDENTS = frozenset({"citizen"})
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
    "GET /gridwork/patrols/missed/": Spec("roles", anon=302, roles=SUPERVISORS),
    "GET /grid/patrol/": GRID_APP,
    # starting a patrol: only a grid worker or grid leader (their own grid); others 403
    "POST /api/v1/gridwork/patrols": Spec("roles", roles=frozenset({"grid_worker", "grid_leader"})),
    "GET /api/v1/gridwork/patrols/missed": LOGIN,
    "GET /api/v1/gridwork/patrols/{patrol_id}": Spec("skip", why=PATROL_WHY),
    "POST /api/v1/gridwork/patrols/{patrol_id}/points": Spec("skip", why=PATROL_WHY),
    "POST /api/v1/gridwork/patrols/{patrol_id}/findings": Spec("skip", why=PATROL_WHY),
    "POST /api/v1/gridwork/patrols/{patrol_id}/end": Spec("skip", why=PATROL_WHY),
    # 社情日记: a list filtered to the reader's scope; written only by a grid's worker or leader
    "GET /api/v1/gridwork/diaries": LOGIN,
    "POST /api/v1/gridwork/diaries": Spec("roles", roles=frozenset({"grid_worker", "grid_leader"})),
    "GET /api/v1/gridwork/diaries/{entry_id}": Spec("skip", why=DIARY_WHY),
    "POST /api/v1/gridwork/diaries/{entry_id}/review": Spec("skip", why=DIARY_WHY),
    "POST /api/v1/gridwork/diaries/{entry_id}/comments": Spec("skip", why=DIARY_WHY),
    "GET /grid/diary/": GRID_APP,
    "GET /gridwork/diaries/": Spec("roles", anon=302, roles=DIARY_READERS),
    "GET /gridwork/diaries/{entry_id}/": Spec("skip", why=DIARY_WHY),
    "GET /gridwork/diaries/{entry_id}/{action}/": Spec("skip", why=DIARY_WHY),
    # 研判: lists filtered to the reader's regions; recording names a region (404 outside the scope)
    "GET /api/v1/gridwork/meetings": LOGIN,
    "POST /api/v1/gridwork/meetings": Spec("skip", why=MEETING_WHY),
    "GET /api/v1/gridwork/meetings/{meeting_id}": Spec("skip", why=MEETING_WHY),
    "GET /api/v1/gridwork/decisions": LOGIN,
    "POST /api/v1/gridwork/decisions/{decision_id}/done": Spec("skip", why=MEETING_WHY),
    "GET /gridwork/meetings/": Spec("roles", anon=302, roles=DIARY_READERS),
    "GET /gridwork/meetings/new/": Spec("roles", anon=302, roles=SUPERVISORS),
    "GET /gridwork/meetings/{meeting_id}/": Spec("skip", why=MEETING_WHY),
    "GET /gridwork/decisions/{decision_id}/done/": Spec("skip", why=MEETING_WHY),
    # 网格员履职: a list filtered to the reader's grids (empty for others)
    "GET /api/v1/gridwork/workers": LOGIN,
    "GET /gridwork/workers/": Spec("roles", anon=302, roles=DIARY_READERS),
    # 民情评议: a resident's own grid workers (an empty list for an account without a household); rating
    # is reached only by an account linked to a registered household (worker 0: 404 once reached), the
    # ranking only by those who read the grids' workers
    "GET /api/v1/gridwork/ratings/mine": LOGIN,
    "POST /api/v1/gridwork/ratings": Spec(
        "roles", roles=RESIDENTS, body=lambda _w: {"worker": 0, "score": 5}, allowed=404
    ),
    "GET /api/v1/gridwork/ratings": Spec("roles", roles=DIARY_READERS),
    "GET /citizen/grid-workers/": WEB_LOGIN,
    # 入户排查: lists filtered to the reader's scope (empty for others)
    "GET /api/v1/gridwork/campaigns": LOGIN,
    "POST /api/v1/gridwork/campaigns": Spec("skip", why=CAMPAIGN_WHY),
    "GET /api/v1/gridwork/campaigns/{campaign_id}": Spec("skip", why=CAMPAIGN_WHY),
    "POST /api/v1/gridwork/campaigns/{campaign_id}/{action}": Spec("skip", why=CAMPAIGN_WHY),
    "GET /api/v1/gridwork/campaigns/{campaign_id}/doors": Spec("skip", why=CAMPAIGN_WHY),
    "GET /api/v1/gridwork/campaigns/{campaign_id}/export.xlsx": Spec("skip", why=CAMPAIGN_WHY),
    "POST /api/v1/gridwork/doors/{door_id}/record": Spec("skip", why=CAMPAIGN_WHY),
    "POST /api/v1/gridwork/doors/{door_id}/absent": Spec("skip", why=CAMPAIGN_WHY),
    "GET /gridwork/campaigns/": Spec("roles", anon=302, roles=DIARY_READERS),
    "GET /gridwork/campaigns/{campaign_id}/": Spec("skip", why=CAMPAIGN_WHY),
    "GET /gridwork/campaigns/{campaign_id}/{action}/": Spec("skip", why=CAMPAIGN_WHY),
    "GET /grid/campaigns/": Spec("roles", anon=302, roles=DIARY_READERS),
    "GET /grid/campaigns/{campaign_id}/": Spec("skip", why=CAMPAIGN_WHY),
    "GET /grid/doors/{door_id}/": Spec("skip", why=CAMPAIGN_WHY),
    "GET /gridwork/ratings/": Spec("roles", anon=302, roles=DIARY_READERS),
}
