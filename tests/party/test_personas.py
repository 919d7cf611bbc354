"""The party personas: a branch secretary scoped to one branch, a party member with their own page,
and 党小组 that hold the members of their branch."""

from __future__ import annotations

from django.db.models import Count
from django.test import Client

from dangqun.demo.personas import DEMO_PASSWORD
from dangqun.orgs.models import PartyOrg, PartyOrgKind
from dangqun.party.models import MemberStatus, PartyMember


def test_the_branch_secretary_reads_its_branch_and_nothing_else(api_as, party):
    client = api_as("branch_secretary")

    own = client.get("/api/v1/party-members", {"party_org": party.branch.code, "limit": 500})
    other = client.get("/api/v1/party-members", {"party_org": party.other.code})
    street = client.get("/api/v1/party-members", {"party_org": party.street.code})

    assert own.status_code == 200
    assert {m["id"] for m in own.json()["items"]} >= {m.pk for m in party.members}
    assert {m["party_org_code"] for m in own.json()["items"]} == {party.branch.code}
    assert other.status_code == 404
    assert street.status_code == 404
    assert client.get(f"/api/v1/party/orgs/{party.other.code}/meeting-plan").status_code == 404
    assert client.get(f"/api/v1/party/members/{party.outsider.pk}/transfers").status_code == 404


def test_the_party_member_sees_their_own_organisation_meetings_and_transfers(api_as, party):
    body = api_as("party_member").get("/api/v1/party/me").json()

    assert body["name"] == "黄志强"
    assert body["party_org_code"] == party.branch.code
    assert body["phone"].count("*") >= 4  # masked as in the registry
    assert api_as("citizen").get("/api/v1/party/me").status_code == 404
    member = api_as("party_member")
    assert member.get(f"/api/v1/party/orgs/{party.branch.code}/meeting-plan").status_code == 404


def test_every_member_of_a_branch_with_groups_is_in_one_of_them(demo):
    branches = PartyOrg.objects.filter(children__kind=PartyOrgKind.GROUP).distinct()
    assert branches.exists()
    for branch in branches:
        members = PartyMember.objects.filter(party_org=branch, status=MemberStatus.ACTIVE)
        grouped = members.filter(party_group__parent=branch).count()
        assert grouped == members.count(), branch.name


def test_the_party_home_counts_the_members_of_each_group(demo):
    client = Client()
    assert client.post("/login/", {"username": "party_admin", "password": DEMO_PASSWORD}).status_code == 302
    tree = client.get("/").context["tree"]
    groups = [row for row in tree if row.org.kind == PartyOrgKind.GROUP]
    expected = dict(
        PartyMember.objects.filter(status=MemberStatus.ACTIVE, party_group__isnull=False)
        .values_list("party_group")
        .annotate(n=Count("id"))
    )
    assert groups
    assert [row.members for row in groups] == [expected.get(row.org.pk, 0) for row in groups]
    assert sum(row.members for row in groups) > 0
