"""Who reaches the 党员服务 routes the access matrix skips: every persona on the demo community's rows.

The community side (its 党工委's 党务管理员, the community and street staff, the system administrator)
reaches the community's reports, posts and sign-ups; a member their own; everyone else gets 404."""

from __future__ import annotations

import pytest

from dangqun.partywork.models import MemberReport, ReportStatus, ServiceSignup
from tests.access.expectations import PERSONAS

pytestmark = pytest.mark.django_db

COMMUNITY_SIDE = {"community_staff", "street_staff", "party_admin", "sysadmin"}


@pytest.mark.parametrize("persona", [*PERSONAS, "working_member"])
def test_community_rows_are_reached_only_by_their_side(api_as, persona: str) -> None:
    report = MemberReport.objects.select_related("community_org", "unit_org").get(
        member__user__username="working_member", status=ReportStatus.ACCEPTED
    )
    signup = ServiceSignup.objects.filter(post__community_org=report.community_org).order_by("pk").first()
    assert signup is not None
    code = report.community_org.code
    client = api_as(persona)
    side = persona in COMMUNITY_SIDE
    own = persona == "working_member"
    reads = {
        f"/api/v1/partywork/communities/{code}/reports": side,
        f"/api/v1/partywork/communities/{code}/posts": side,
        f"/api/v1/partywork/posts/{signup.post_id}/signups": side,
        f"/api/v1/partywork/reports/{report.pk}": side or own or persona == "sysadmin",
        # The unit's branch: held by the street's 党工委 in the demo.
        f"/api/v1/partywork/units/{report.unit_org.code}/feedback": persona in {"party_admin", "sysadmin"},
    }
    for path, reached in reads.items():
        status = client.get(path).status_code
        assert status == (200 if reached else 404), (persona, path, status)
    # Accepting an accepted report: 404 outside the scope, 409 (the status) inside it.
    move = client.post_json(f"/api/v1/partywork/reports/{report.pk}/accept", {}).status_code
    assert move == (409 if side or own else 404), (persona, move)
    # Confirming a sign-up's hours: the community side only (409/200 by the sign-up's state).
    confirm = client.post_json(f"/api/v1/partywork/signups/{signup.pk}/absent", {}).status_code
    if side:
        assert confirm in {200, 409}
    else:
        assert confirm == 404, (persona, confirm)
