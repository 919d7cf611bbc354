"""Access rules of the 区域化党建 routes (``dangqun.community``), merged into ``expectations.ROUTES``.

Region-coded routes follow the registry's reach (the staff who read the grid registries, in their
subtrees). The need and project routes name objects the shared access world does not place; their
404 outside scope, 403 for the wrong role and 409 for an illegal move are tested in
tests/community/test_lists_api.py.
"""

from __future__ import annotations

from tests.access.expectations import Spec

_OBJECT = "need/project scope, role and moves: tests/community/test_lists_api.py"
_COBUILD = "co-building writes, scope and doubles: tests/community/test_cobuild_api.py"
_MEETING = (
    "joint meetings and their decisions, scope, role and moves: tests/community/test_joint_meetings_api.py"
)
REGION = Spec("scoped", target="region_page")
_SERVICE = "service requests: scope, role, bad input and moves: tests/community/test_service_list_api.py"
LOGIN = Spec("login")

ROUTES: dict[str, Spec] = {
    "POST /api/v1/community/needs": Spec("skip", why="writes a need: tests/community/test_lists_api.py"),
    "GET /api/v1/community/needs": LOGIN,
    "GET /api/v1/community/needs/{need_id}": Spec("skip", why=_OBJECT),
    "GET /api/v1/community/needs/{need_id}/matches": Spec("skip", why=_OBJECT),
    "POST /api/v1/community/needs/{need_id}/claim": Spec("skip", why=_OBJECT),
    "POST /api/v1/community/needs/{need_id}/project": Spec("skip", why=_OBJECT),
    "POST /api/v1/community/needs/{need_id}/{action}": Spec("skip", why=_OBJECT),
    "POST /api/v1/community/projects/{project_id}/{action}": Spec("skip", why=_OBJECT),
    "POST /api/v1/community/resources": Spec(
        "skip", why="writes a resource: tests/community/test_resources_api.py"
    ),
    "GET /api/v1/community/resources": LOGIN,
    "GET /api/v1/community/units": LOGIN,
    "GET /api/v1/community/regions/{code}/lists": Spec("scoped", target="region_page"),
    "GET /api/v1/community/wall/{code}": Spec("public", anon=200, target="region_page"),
    "GET /community/regions/{code}/": Spec("scoped", anon=302, target="region_page"),
    "GET /community/needs/{need_id}/": Spec("skip", why=_OBJECT),
    "POST /community/needs/{need_id}/act/": Spec("skip", why=_OBJECT),
    "GET /wall/{code}/": Spec("public", anon=200, target="region_page"),
    "POST /api/v1/community/cobuild/units": Spec("skip", why=_COBUILD),
    "GET /api/v1/community/cobuild/regions/{code}/units": REGION,
    "POST /api/v1/community/cobuild/agreements": Spec("skip", why=_COBUILD),
    "GET /api/v1/community/cobuild/regions/{code}/agreements": REGION,
    "POST /api/v1/community/cobuild/agreements/{agreement_id}/renew": Spec("skip", why=_COBUILD),
    "POST /api/v1/community/cobuild/alliances": Spec("skip", why=_COBUILD),
    "GET /api/v1/community/cobuild/regions/{code}/alliances": REGION,
    "POST /api/v1/community/cobuild/alliances/{alliance_id}/members": Spec("skip", why=_COBUILD),
    "POST /api/v1/community/cobuild/pairings": Spec("skip", why=_COBUILD),
    "GET /api/v1/community/cobuild/regions/{code}/pairings": REGION,
    "POST /api/v1/community/cobuild/meetings": Spec("skip", why=_MEETING),
    "GET /api/v1/community/cobuild/regions/{code}/meetings": REGION,
    "GET /api/v1/community/cobuild/meetings/{meeting_id}": Spec("skip", why=_MEETING),
    "POST /api/v1/community/responsibilities/{responsibility_id}/complete": Spec("skip", why=_MEETING),
    "GET /community/regions/{code}/cobuild/": Spec("scoped", anon=302, target="region_page"),
    "POST /community/regions/{code}/cobuild/meetings/": Spec("skip", why=_MEETING),
    "GET /community/regions/{code}/agreements.xlsx": Spec("scoped", anon=302, target="region_page"),
    "GET /community/meetings/{meeting_id}/": Spec("skip", why=_MEETING),
    "POST /community/responsibilities/{responsibility_id}/complete/": Spec("skip", why=_MEETING),
    "GET /api/v1/community/services/{code}": Spec(
        "skip", why="public list of a community's items: " + _SERVICE
    ),
    "POST /api/v1/community/service-requests": Spec("skip", why=_SERVICE),
    "GET /api/v1/community/service-requests": LOGIN,
    "POST /api/v1/community/service-requests/{request_id}/{action}": Spec("skip", why=_SERVICE),
    "GET /community/regions/{code}/services/": Spec("scoped", anon=302, target="region_page"),
    "GET /community/regions/{code}/services.xlsx": Spec("scoped", anon=302, target="region_page"),
    "POST /community/service-requests/{request_id}/act/": Spec("skip", why=_SERVICE),
    "GET /citizen/services/": Spec("login", anon=302),
    "POST /citizen/services/": Spec("skip", why=_SERVICE),
}

_SECRETARY = "书记项目: scope, role, bad input and moves: tests/community/test_secretary_projects_api.py"
ROUTES.update(
    {
        "GET /api/v1/community/secretary-projects": LOGIN,
        "GET /api/v1/community/secretary-projects.xlsx": LOGIN,
        "POST /api/v1/community/secretary-projects": Spec("skip", why=_SECRETARY),
        "GET /api/v1/community/secretary-projects/{project_id}": Spec("skip", why=_SECRETARY),
        "POST /api/v1/community/secretary-projects/{project_id}/{action}": Spec("skip", why=_SECRETARY),
    }
)
