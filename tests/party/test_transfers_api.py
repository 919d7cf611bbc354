"""组织关系转接 through the API: issue, accept or return, the 回执 of a letter out of the deployment,
expiry; scope (404), the door's order (409 / 403 / 422) and the member's history."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from dangqun.core import clock
from dangqun.core.models import AuditEvent
from dangqun.orgs.models import PartyOrg, PartyOrgKind
from dangqun.party.models import MemberStatus, PartyMember, Transfer, TransferStatus
from dangqun.party.services import transfers_expire


def _street_branch(party) -> PartyOrg:  # type: ignore[no-untyped-def]
    """Another branch of party_admin's street (the street receives for it)."""
    org = (
        PartyOrg.objects.filter(path__startswith=party.street.path, kind=PartyOrgKind.BRANCH, is_active=True)
        .exclude(pk=party.branch.pk)
        .order_by("path")
        .first()
    )
    assert org is not None
    return org


def _issue(client, member: PartyMember, **body):  # type: ignore[no-untyped-def]
    return client.post_json(
        "/api/v1/party/transfers", {"member_id": member.pk, "letter_no": "YBZ-A-1", "valid_months": 3, **body}
    )


def test_a_transfer_moves_the_member_only_when_the_receiving_side_accepts(api_as, party):
    secretary, admin = api_as("branch_secretary"), api_as("party_admin")
    member, target = party.members[0], _street_branch(party)
    before = secretary.get(f"/api/v1/party/orgs/{party.branch.code}/meeting-plan").status_code

    issued = _issue(secretary, member, to_org=target.code)

    assert before == 200
    assert issued.status_code == 201, issued.content
    body = issued.json()
    assert body["status"] == "issued"
    assert body["expires_on"] > body["issued_on"]
    member.refresh_from_db()
    assert member.party_org == party.branch
    assert [m["action"] for m in body["moves"]] == []  # the sender cannot accept its own letter
    refused = secretary.post_json(f"/api/v1/party/transfers/{body['id']}/accept", {})
    assert refused.status_code == 403
    assert [m["action"] for m in admin.get(f"/api/v1/party/transfers/{body['id']}").json()["moves"]] == [
        "accept",
        "return",
    ]

    accepted = admin.post_json(f"/api/v1/party/transfers/{body['id']}/accept", {})

    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    member.refresh_from_db()
    assert member.party_org == target
    assert member.party_group is None
    again = admin.post_json(f"/api/v1/party/transfers/{body['id']}/accept", {})
    assert again.status_code == 409
    history = admin.get(f"/api/v1/party/members/{member.pk}/transfers").json()
    assert [h["letter_no"] for h in history][-1] == "YBZ-A-1"
    events = AuditEvent.objects.filter(target_type="party.transfer", target_id=str(body["id"]))
    assert set(events.values_list("event_type", flat=True)) == {
        "party.transfer_issued",
        "party.transfer_accepted",
    }
    # the member now belongs to the other branch: the secretary no longer reads them
    assert secretary.get(f"/api/v1/party/members/{member.pk}/transfers").status_code == 404


def test_a_transfer_to_the_members_own_branch_is_409(api_as, party):
    response = _issue(api_as("branch_secretary"), party.members[0], to_org=party.branch.code)

    assert response.status_code == 409
    assert not Transfer.objects.filter(letter_no="YBZ-A-1").exists()


def test_a_branch_the_letter_was_not_sent_to_cannot_accept_it_404(api_as, party):
    sysadmin = api_as("sysadmin")
    issued = _issue(sysadmin, party.outsider, to_org=_street_branch(party).code).json()
    elsewhere = _issue(sysadmin, PartyMember.objects.filter(party_org=party.other).exclude(
        pk=party.outsider.pk).filter(status=MemberStatus.ACTIVE).first(), letter_no="YBZ-A-2",
        to_org=PartyOrg.objects.filter(kind=PartyOrgKind.BRANCH).exclude(path__startswith=party.street.path)
        .exclude(pk=party.other.pk).order_by("path").first().code).json()  # fmt: skip

    stranger = api_as("branch_secretary").post_json(f"/api/v1/party/transfers/{elsewhere['id']}/accept", {})
    street = api_as("party_admin").post_json(f"/api/v1/party/transfers/{issued['id']}/accept", {})

    assert stranger.status_code == 404
    assert street.status_code == 200  # the street holds the receiving branch


def test_returning_needs_a_reason_and_leaves_the_member_where_they_were(api_as, party):
    secretary, admin = api_as("branch_secretary"), api_as("party_admin")
    transfer = _issue(secretary, party.members[1], to_org=_street_branch(party).code).json()

    no_reason = admin.post_json(f"/api/v1/party/transfers/{transfer['id']}/return", {})
    returned = admin.post_json(f"/api/v1/party/transfers/{transfer['id']}/return", {"reason": "抬头有误"})

    assert no_reason.status_code == 422
    assert "reason" in no_reason.json()["errors"]
    assert returned.json()["status"] == "returned"
    assert returned.json()["note"] == "抬头有误"
    assert PartyMember.objects.get(pk=party.members[1].pk).party_org == party.branch


def test_a_letter_out_of_the_deployment_closes_with_its_receipt(api_as, party):
    secretary = api_as("branch_secretary")
    member = party.members[2]
    transfer = _issue(secretary, member, destination="中共大连市某街道机关支部委员会").json()
    assert [m["action"] for m in transfer["moves"]] == ["receipt"]

    missing = secretary.post_json(f"/api/v1/party/transfers/{transfer['id']}/receipt", {})
    done = secretary.post_json(f"/api/v1/party/transfers/{transfer['id']}/receipt", {"receipt_no": "HZ-001"})

    assert missing.status_code == 422
    assert "receipt_no" in missing.json()["errors"]
    assert done.json()["receipt_no"] == "HZ-001"
    assert PartyMember.objects.get(pk=member.pk).status == MemberStatus.TRANSFERRED_OUT


def test_bad_letters_are_422_naming_the_field(api_as, party):
    secretary = api_as("branch_secretary")
    member = party.members[0]

    months = _issue(secretary, member, to_org=_street_branch(party).code, valid_months=0)
    nowhere = _issue(secretary, member)
    unknown = _issue(secretary, member, to_org="NO-SUCH-ORG")
    not_a_branch = _issue(secretary, member, to_org=party.street.code)

    assert "valid_months" in months.json()["errors"]
    assert "to_org" in nowhere.json()["errors"]
    assert "to_org" in unknown.json()["errors"]
    assert "to_org" in not_a_branch.json()["errors"]
    assert {r.status_code for r in (months, nowhere, unknown, not_a_branch)} == {422}
    assert _issue(secretary, party.outsider, to_org=party.branch.code).status_code == 404


def test_letters_past_their_validity_expire_by_the_daily_job(api_as, party):
    transfer = _issue(api_as("branch_secretary"), party.members[0], to_org=_street_branch(party).code).json()
    later = clock.now() + dt.timedelta(days=130)

    with mock.patch.object(clock, "now", return_value=later):
        late = api_as("party_admin").post_json(f"/api/v1/party/transfers/{transfer['id']}/accept", {})
        expired = transfers_expire()

    assert late.status_code == 422  # the guard: past its validity
    assert expired >= 1
    assert Transfer.objects.get(pk=transfer["id"]).status == TransferStatus.EXPIRED
