"""Organisation rules, checked: the street sees which of its branches break them; a branch that
holds its 支委会 leaves the committee rule; a secretary sees only its own branch."""

from __future__ import annotations

import datetime as dt

from dangqun.core import clock
from dangqun.orgs.models import PartyOrg
from dangqun.party.models import MemberStatus, PartyMember


def test_the_street_lists_its_branches_that_break_the_rules(api_as, party):
    rows = api_as("party_admin").get(f"/api/v1/party/orgs/{party.street.code}/health").json()

    assert rows, "the demo has branches breaking the rules"
    branch_codes = set(
        PartyOrg.objects.filter(
            path__startswith=party.street.path, kind__in=["branch", "general_branch", "committee"]
        ).values_list("code", flat=True)
    )
    assert {r["org_code"] for r in rows} <= branch_codes
    small = [r for r in rows if r["rule"] == "joint_branch"]
    for row in small:
        full = PartyMember.objects.filter(
            party_org__code=row["org_code"], status=MemberStatus.ACTIVE, is_probationary=False
        ).count()
        assert full < 3


def test_holding_the_committee_meeting_clears_the_committee_rule(api_as, party):
    client = api_as("branch_secretary")
    url = f"/api/v1/party/orgs/{party.branch.code}/health"
    before = {r["rule"] for r in client.get(url).json()}

    client.post_json(
        f"/api/v1/party/orgs/{party.branch.code}/meetings",
        {
            "kind": "committee",
            "topic": "研究支部工作",
            "held_at": (clock.now() - dt.timedelta(minutes=30)).isoformat(),
            "place": "党群服务站",
            "host": "林秀英",
            "attendees": [party.members[0].pk],
        },
    )

    after = {r["rule"] for r in client.get(url).json()}
    assert "committee" not in after
    assert after <= before
    assert client.get(f"/api/v1/party/orgs/{party.street.code}/health").status_code == 404
