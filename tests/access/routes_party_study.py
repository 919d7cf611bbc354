"""Access rules of the 党员教育 routes (study library and training records in ``dangqun.party``),
merged into ``expectations.ROUTES``.

Organisation-wide reads and writes are scoped to the party organisation like the rest of the party
workbench. A course, a study record, a training and a session are the matrix world's strangers, so
those routes are probed persona by persona on the demo's rows in tests/party/test_study_access.py."""

from __future__ import annotations

from typing import Any

from tests.access.expectations import PARTY_ORG_WEB, PARTY_STAFF, WEB_LOGIN, Spec

COVERED = (
    "a course, study record, training or session: probed per persona in tests/party/test_study_access.py"
)
MEMBER_ONLY = Spec("roles", roles=frozenset({"party_member"}))
ORG = Spec("scoped", target="party_org")


def _course_form(_world: Any) -> dict[str, Any]:
    return {"title": "", "kind": "text"}  # reached: 422 (no title), nothing created


def _training_body(_world: Any) -> dict[str, Any]:
    return {"kind": "bogus", "title": "矩阵培训"}  # reached: 422 (unknown kind), nothing created


ROUTES: dict[str, Spec] = {
    "GET /api/v1/party/study/me": MEMBER_ONLY,
    "GET /api/v1/party/training/me": MEMBER_ONLY,
    "GET /api/v1/party/study/courses/{course_id}": Spec("skip", why=COVERED),
    "GET /api/v1/party/study/courses/{course_id}/file": Spec("skip", why=COVERED),
    "POST /api/v1/party/study/courses/{course_id}/open": Spec("skip", why=COVERED),
    "POST /api/v1/party/study/courses/{course_id}/quiz": Spec("skip", why=COVERED),
    "POST /api/v1/party/study/courses/{course_id}/questions": Spec("skip", why=COVERED),
    "POST /api/v1/party/study/courses/{course_id}/moves/{action}": Spec("skip", why=COVERED),
    "POST /api/v1/party/study/records/{record_id}/progress": Spec("skip", why=COVERED),
    "POST /api/v1/party/study/records/{record_id}/finish": Spec("skip", why=COVERED),
    "GET /api/v1/party/orgs/{code}/study/courses": ORG,
    "POST /api/v1/party/orgs/{code}/study/courses": Spec("scoped", target="party_org", form=_course_form),
    "GET /api/v1/party/orgs/{code}/study/completion": ORG,
    "GET /api/v1/party/orgs/{code}/study/completion.xlsx": ORG,
    "GET /api/v1/party/orgs/{code}/study/members": ORG,
    "GET /api/v1/party/orgs/{code}/trainings": ORG,
    "POST /api/v1/party/orgs/{code}/trainings": Spec("scoped", target="party_org", body=_training_body),
    "GET /api/v1/party/orgs/{code}/training-hours": ORG,
    "GET /api/v1/party/orgs/{code}/training-hours.xlsx": ORG,
    "GET /api/v1/party/trainings/{training_id}": Spec("skip", why=COVERED),
    "POST /api/v1/party/trainings/{training_id}/sessions": Spec("skip", why=COVERED),
    "GET /api/v1/party/training-sessions/{session_id}/attendance": Spec("skip", why=COVERED),
    "POST /api/v1/party/training-sessions/{session_id}/attendance": Spec("skip", why=COVERED),
    # --- web ---
    "GET /citizen/study/": WEB_LOGIN,
    "GET /citizen/study/{course_id}/": Spec("skip", why=COVERED),
    "POST /citizen/study/{course_id}/open/": Spec("skip", why=COVERED),
    "POST /citizen/study/{course_id}/finish/": Spec("skip", why=COVERED),
    "POST /citizen/study/{course_id}/quiz/": Spec("skip", why=COVERED),
    "GET /party/study/": Spec("roles", anon=302, roles=PARTY_STAFF),
    "POST /party/study/courses/": Spec(
        "skip", why="the organisation is in the form: tests/party/test_study_pages.py"
    ),
    "GET /party/study/courses/{course_id}/": Spec("skip", why=COVERED),
    "POST /party/study/courses/{course_id}/questions/": Spec("skip", why=COVERED),
    "POST /party/study/courses/{course_id}/{action}/": Spec("skip", why=COVERED),
    "GET /party/study/orgs/{code}/": PARTY_ORG_WEB,
    "GET /party/training/": Spec("roles", anon=302, roles=PARTY_STAFF),
    "POST /party/training/new/": Spec(
        "skip", why="the organisation is in the form: tests/party/test_study_pages.py"
    ),
    "GET /party/training/{training_id}/": Spec("skip", why=COVERED),
    "POST /party/training/{training_id}/sessions/": Spec("skip", why=COVERED),
    "GET /party/training/sessions/{session_id}/": Spec("skip", why=COVERED),
    "POST /party/training/sessions/{session_id}/attendance/": Spec("skip", why=COVERED),
}
