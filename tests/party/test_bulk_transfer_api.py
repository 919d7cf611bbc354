"""集中转接 (e.g. graduates): a party_admin sends several members to one destination in one action. Each
becomes an ordinary letter (accepted one by one through the transfer's door); all or nothing, and the
member who cannot move is named; a branch secretary may not; another subtree's admin gets 404."""

from __future__ import annotations

from dangqun.accounts.models import Membership, Role, User
from dangqun.core.models import AuditEvent
from dangqun.party.events import PartyEvent
from dangqun.party.models import MemberStatus, PartyMember, Transfer, TransferStatus
from tests.party.test_transfers_api import _street_branch


def _free_members(party, n: int) -> list[PartyMember]:  # type: ignore[no-untyped-def]
    busy = Transfer.objects.filter(status=TransferStatus.ISSUED).values("member_id")
    members = list(
        PartyMember.objects.filter(party_org=party.branch, status=MemberStatus.ACTIVE)
        .exclude(pk__in=busy)
        .order_by("pk")[:n]
    )
    assert len(members) == n
    return members


def _bulk(client, members, **body):  # type: ignore[no-untyped-def]
    return client.post_json(
        "/api/v1/party/transfers/bulk",
        {"member_ids": [m.pk for m in members], "letter_no_prefix": "2026-BY", "valid_months": 3, **body},
    )


def test_graduates_move_in_one_action_each_with_a_letter_the_receiver_accepts(api_as, party):
    admin = api_as("party_admin")
    members, target = _free_members(party, 3), _street_branch(party)

    response = _bulk(admin, members, to_org=target.code)

    assert response.status_code == 201, response.content
    rows = response.json()
    assert [r["letter_no"] for r in rows] == ["2026-BY-001", "2026-BY-002", "2026-BY-003"]
    assert {r["member_id"] for r in rows} == {m.pk for m in members}
    assert {r["status"] for r in rows} == {"issued"}
    assert AuditEvent.objects.filter(event_type=PartyEvent.TRANSFER_ISSUED).count() >= 3
    assert AuditEvent.objects.filter(event_type=PartyEvent.TRANSFER_BULK_ISSUED).count() == 1
    for member in members:
        member.refresh_from_db()
        assert member.party_org == party.branch  # nobody moves before acceptance

    accepted = admin.post_json(f"/api/v1/party/transfers/{rows[0]['id']}/accept", {})

    assert accepted.status_code == 200
    members[0].refresh_from_db()
    assert members[0].party_org == target


def test_out_of_the_deployment_the_destination_is_named_once(api_as, party):
    response = _bulk(api_as("party_admin"), _free_members(party, 2), destination="沈阳某大学党委")

    assert response.status_code == 201, response.content
    assert {r["destination"] for r in response.json()} == {"沈阳某大学党委"}
    assert {r["to_org_code"] for r in response.json()} == {None}


def test_one_member_who_cannot_move_stops_the_batch_and_is_named(api_as, party):
    admin = api_as("party_admin")
    members, target = _free_members(party, 3), _street_branch(party)
    blocked = members[1]
    first = admin.post_json(
        "/api/v1/party/transfers",
        {"member_id": blocked.pk, "letter_no": "YBZ-B-1", "valid_months": 3, "to_org": target.code},
    )
    assert first.status_code == 201
    before = Transfer.objects.count()

    response = _bulk(admin, members, to_org=target.code)

    assert response.status_code == 409
    assert blocked.name in response.json()["detail"]
    assert Transfer.objects.count() == before


def test_a_used_letter_number_is_422_naming_the_member_and_nothing_is_issued(api_as, party):
    admin = api_as("party_admin")
    members, target = _free_members(party, 3), _street_branch(party)
    other = PartyMember.objects.filter(party_org=target, status=MemberStatus.ACTIVE).first()
    assert other is not None
    admin.post_json(
        "/api/v1/party/transfers",
        {"member_id": other.pk, "letter_no": "2026-BY-002", "valid_months": 3, "destination": "外地"},
    )
    before = Transfer.objects.count()

    response = _bulk(admin, members, to_org=target.code)

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert list(errors) == ["letter_no_prefix"]
    assert members[1].name in errors["letter_no_prefix"][0]
    assert Transfer.objects.count() == before


def test_bad_shared_fields_are_422_naming_the_field(api_as, party):
    admin = api_as("party_admin")
    members = _free_members(party, 2)

    months = _bulk(admin, members, valid_months=0, destination="外地")
    nowhere = _bulk(admin, members)
    nobody = _bulk(admin, [], destination="外地")
    twice = _bulk(admin, [members[0], members[0]], destination="外地")

    assert months.status_code == 422
    assert "valid_months" in months.content.decode()
    assert nowhere.status_code == 422
    assert "to_org" in nowhere.content.decode()
    assert nobody.status_code == 422
    assert "member_ids" in nobody.content.decode()
    assert twice.status_code == 422
    assert "member_ids" in twice.content.decode()
    assert not Transfer.objects.filter(letter_no__startswith="2026-BY").exists()


def test_a_branch_secretary_issues_letters_one_by_one(api_as, party):
    response = _bulk(api_as("branch_secretary"), _free_members(party, 2), destination="外地")

    assert response.status_code == 403
    assert not Transfer.objects.filter(letter_no__startswith="2026-BY").exists()


def test_the_admin_of_another_subtree_gets_404_and_nothing_moves(api_as, party, client):
    intruder = User.objects.create_user(username="other_party_admin", password="pw-Attack-2026")
    Membership.objects.create(user=intruder, role=Role.PARTY_ADMIN, party_org=party.other)
    client.force_login(intruder)
    before = Transfer.objects.count()

    response = client.post(
        "/api/v1/party/transfers/bulk",
        {
            "member_ids": [m.pk for m in _free_members(party, 2)],
            "letter_no_prefix": "2026-BY",
            "valid_months": 3,
            "destination": "外地",
        },
        content_type="application/json",
    )
    page = client.get(f"/party/orgs/{party.branch.code}/bulk-transfer/")

    assert response.status_code == 404
    assert page.status_code == 404
    assert Transfer.objects.count() == before


def test_the_workbench_page_issues_the_batch_and_names_a_blocked_member(api_as, party, client):
    admin = User.objects.get(username="party_admin")
    client.force_login(admin)
    members, target = _free_members(party, 2), _street_branch(party)
    url = f"/party/orgs/{party.branch.code}/bulk-transfer/"
    page = client.get(url)
    assert page.status_code == 200
    assert members[0].name in page.content.decode()

    bad = client.post(
        url,
        {
            "member_id": [m.pk for m in members],
            "letter_no_prefix": "2026-BY",
            "valid_months": 3,
            "to_org": party.branch.code,
        },
    )

    assert bad.status_code == 422
    assert members[0].name in bad.content.decode()
    assert not Transfer.objects.filter(letter_no__startswith="2026-BY").exists()

    good = client.post(
        url,
        {
            "member_id": [m.pk for m in members],
            "letter_no_prefix": "2026-BY",
            "valid_months": 3,
            "to_org": target.code,
        },
    )

    assert good.status_code == 302
    assert Transfer.objects.filter(letter_no__startswith="2026-BY", to_org=target).count() == 2
