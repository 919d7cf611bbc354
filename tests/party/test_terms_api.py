"""换届选举 through the API: the persona branch's term runs out within six months (the health check
reminds), recording the new term clears it and makes its secretary the branch's; bad terms are 422
naming the field; an organisation with no term or a term run out is flagged; other scopes are 404."""

from __future__ import annotations

import datetime as dt

import pytest

from dangqun.core import clock
from dangqun.core.models import AuditEvent
from dangqun.orgs.models import PartyOrg
from dangqun.party.dates import add_months
from dangqun.party.models import MemberStatus, PartyMember, Term


def _term(**body) -> dict:  # type: ignore[no-untyped-def]
    return {
        "elected_on": (clock.local_today() - dt.timedelta(days=2)).isoformat(),
        "secretary": "周志刚",
        "deputies": ["孙丽"],
        "members": ["吴涛", "郑梅"],
        **body,
    }


def test_the_persona_branch_is_due_and_a_new_term_clears_the_reminder(api_as, party):
    client = api_as("branch_secretary")
    url = f"/api/v1/party/orgs/{party.branch.code}/terms"
    health = f"/api/v1/party/orgs/{party.branch.code}/health"
    assert client.get(url).json()["state"] == "due"
    assert "term_due" in {r["rule"] for r in client.get(health).json()}

    response = client.post_json(url, _term())

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["term_years"] == 3
    assert body["committee_size"] == 4
    assert body["expires_on"] == add_months(clock.local_today() - dt.timedelta(days=2), 36).isoformat()
    listing = client.get(url).json()
    assert listing["state"] == "current"
    assert listing["current"]["secretary"] == "周志刚"
    assert len(listing["terms"]) >= 2
    assert not {"term_due", "term_expired", "no_term"} & {r["rule"] for r in client.get(health).json()}
    assert PartyOrg.objects.get(pk=party.branch.pk).secretary_name == "周志刚"
    assert AuditEvent.objects.filter(event_type="party.term_recorded", target_id=str(body["id"])).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"elected_on": "2999-01-01"}, "elected_on"),
        ({"elected_on": "yesterday"}, "elected_on"),
        ({"secretary": " "}, "secretary"),
        ({"term_years": 9}, "term_years"),
        ({"members": ["甲", "乙", "丙", "丁", "戊", "己"]}, "members"),
        ({"members": ["周志刚"]}, "members"),
    ],
)
def test_a_bad_term_is_422_naming_the_field(api_as, party, body, field):
    before = Term.objects.count()

    response = api_as("branch_secretary").post_json(
        f"/api/v1/party/orgs/{party.branch.code}/terms", _term(**body)
    )

    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert Term.objects.count() == before


def test_a_group_holds_no_election(api_as, party):
    group = PartyOrg.objects.filter(parent=party.branch, kind="group").first()
    if group is None:
        pytest.skip("the persona branch has no 党小组")
    response = api_as("party_admin").post_json(f"/api/v1/party/orgs/{group.code}/terms", _term())
    assert response.status_code == 422
    assert "org" in response.json()["errors"]


def test_the_street_sees_organisations_without_a_term_or_past_it(api_as, party):
    rows = api_as("party_admin").get(f"/api/v1/party/orgs/{party.street.code}/health").json()

    rules = {r["rule"] for r in rows}
    assert {"no_term", "term_expired", "term_due"} <= rules


def test_other_scopes_are_404(api_as, party):
    secretary = api_as("branch_secretary")
    assert secretary.get(f"/api/v1/party/orgs/{party.street.code}/terms").status_code == 404
    assert secretary.post_json(f"/api/v1/party/orgs/{party.other.code}/terms", _term()).status_code == 404
    assert api_as("grid_worker").get(f"/api/v1/party/orgs/{party.branch.code}/terms").status_code == 404


def test_a_branch_of_seven_full_members_with_a_committee_of_one_is_flagged(api_as, party):
    """支部工作条例: 正式党员7人以上的党支部设立支部委员会, 由3至5人组成 (应设尽设)."""
    movers = PartyMember.objects.filter(status=MemberStatus.ACTIVE, is_probationary=False).exclude(
        party_org=party.branch
    )[:7]
    PartyMember.objects.filter(pk__in=[m.pk for m in movers]).update(party_org=party.branch)
    client = api_as("branch_secretary")
    url = f"/api/v1/party/orgs/{party.branch.code}/terms"
    health = f"/api/v1/party/orgs/{party.branch.code}/health"

    assert client.post_json(url, _term(deputies=[], members=[])).status_code == 201  # a secretary alone
    flagged = [r for r in client.get(health).json() if r["rule"] == "committee_size"]
    assert len(flagged) == 1
    assert "3至5人" in flagged[0]["text"]
    assert "本届1人" in flagged[0]["text"]

    yesterday = (clock.local_today() - dt.timedelta(days=1)).isoformat()
    again = client.post_json(url, _term(elected_on=yesterday, deputies=["孙丽"], members=["吴涛"]))  # three
    assert again.status_code == 201, again.content
    assert "committee_size" not in {r["rule"] for r in client.get(health).json()}
