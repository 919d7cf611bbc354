"""党内统计年报 through the API: the counts add up to the rolls of the subtree, a member who leaves
(减少党员) leaves the total and enters the year's changes, a transfer across a branch's edge counts
in and out, a branch of 7 full members without a committee is listed until it elects one, and the
Excel workbook carries the same numbers. Bad years are 422; another scope is 404."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from dangqun.core import clock
from dangqun.orgs.models import PartyOrg
from dangqun.party.models import Development, Meeting, MeetingKind, MemberStatus, PartyMember, Term


def _on_rolls(org: PartyOrg) -> int:
    return PartyMember.objects.filter(party_org__path__subtree=org.path, status=MemberStatus.ACTIVE).count()


def _stats(client, org: PartyOrg, **params) -> dict:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/v1/party/orgs/{org.code}/statistics", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_street_statistics_add_up_to_its_rolls(api_as, party):
    stats = _stats(api_as("party_admin"), party.street)

    total = _on_rolls(party.street)
    assert stats["total"] == total > 0
    assert stats["full"] + stats["probationary"] == total
    for section in ("by_gender", "by_age", "by_education", "by_ethnicity", "by_occupation", "by_standing"):
        assert sum(r["count"] for r in stats[section]) == total, section
    assert stats["minority"] > 0, "the demo's Dandong has Manchu and Korean members"
    assert {r["label"] for r in stats["by_occupation"]} >= {"离退休人员"}
    branches = PartyOrg.objects.filter(
        path__startswith=party.street.path, kind="branch", is_active=True
    ).count()
    assert next(r for r in stats["orgs_by_kind"] if r["key"] == "branch")["count"] == branches
    assert stats["left"] >= 1, "the demo has members who left the persona street this year"
    assert stats["left"] == sum(r["count"] for r in stats["left_by_reason"])
    developed = Development.objects.filter(
        branch__path__startswith=party.street.path, admitted_on__year=clock.local_today().year
    ).count()
    assert stats["developed"] == developed


def test_a_member_who_dies_leaves_the_total_and_counts_as_a_death(api_as, party):
    client = api_as("branch_secretary")
    before = _stats(client, party.branch)
    last_year = clock.local_today().year - 1
    before_last_year = _stats(client, party.branch, year=last_year)
    member = party.members[1]
    joined = member.joined_on or dt.date(2000, 1, 1)
    day = max(clock.local_today().replace(month=1, day=1), joined)

    response = client.post_json(
        f"/api/v1/party/members/{member.pk}/leave", {"left_reason": "death", "left_on": day.isoformat()}
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "left"
    after = _stats(client, party.branch)
    assert after["total"] == before["total"] - 1
    assert after["died"] == before["died"] + 1
    assert after["left"] == before["left"] + 1
    # The year before still counts the member: they were on the rolls on its 31 December.
    assert _stats(client, party.branch, year=last_year)["total"] == before_last_year["total"]


def test_a_transfer_between_branches_counts_out_and_in_but_not_for_the_street(api_as, party):
    admin = api_as("party_admin")
    target = (
        PartyOrg.objects.filter(path__startswith=party.street.path, kind="branch", is_active=True)
        .exclude(pk=party.branch.pk)
        .order_by("path")
        .first()
    )
    assert target is not None
    before = {o.code: _stats(admin, o) for o in (party.branch, target, party.street)}
    issued = admin.post_json(
        "/api/v1/party/transfers",
        {
            "member_id": party.members[2].pk,
            "letter_no": "TJ-STAT-1",
            "valid_months": 3,
            "to_org": target.code,
        },
    )
    assert issued.status_code == 201, issued.content

    accepted = admin.post_json(f"/api/v1/party/transfers/{issued.json()['id']}/accept", {})

    assert accepted.status_code == 200, accepted.content
    after = {o.code: _stats(admin, o) for o in (party.branch, target, party.street)}
    assert after[party.branch.code]["transferred_out"] == before[party.branch.code]["transferred_out"] + 1
    assert after[target.code]["transferred_in"] == before[target.code]["transferred_in"] + 1
    assert after[party.street.code]["transferred_in"] == before[party.street.code]["transferred_in"]
    assert after[party.street.code]["transferred_out"] == before[party.street.code]["transferred_out"]
    assert after[party.street.code]["total"] == before[party.street.code]["total"]


def _large_branch(party) -> PartyOrg:  # type: ignore[no-untyped-def]
    for org in PartyOrg.objects.filter(path__startswith=party.street.path, kind="branch", is_active=True):
        full = PartyMember.objects.filter(party_org=org, status=MemberStatus.ACTIVE, is_probationary=False)
        if full.count() >= 7:
            return org
    pytest.fail("the persona street has no branch of 7 full members")


def test_a_large_branch_without_a_committee_is_listed_until_it_elects_one(api_as, party):
    client = api_as("party_admin")
    branch = _large_branch(party)
    Term.objects.filter(org=branch).delete()
    Meeting.objects.filter(org=branch, kind=MeetingKind.COMMITTEE).delete()

    missing = {o["code"] for o in _stats(client, party.street)["committee_missing"]}
    assert branch.code in missing

    elected = client.post_json(
        f"/api/v1/party/orgs/{branch.code}/terms",
        {
            "elected_on": (clock.local_today() - dt.timedelta(days=3)).isoformat(),
            "secretary": "王建国",
            "deputies": ["李红"],
            "members": ["赵强"],
        },
    )
    assert elected.status_code == 201, elected.content
    stats = _stats(client, party.street)
    assert branch.code not in {o["code"] for o in stats["committee_missing"]}
    assert stats["committee_set"] == stats["committee_required"] - len(stats["committee_missing"])


def test_the_yearbook_downloads_as_a_workbook_with_the_same_numbers(api_as, party):
    client = api_as("party_admin")
    stats = _stats(client, party.street)

    response = client.get(f"/api/v1/party/orgs/{party.street.code}/statistics.xlsx")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert party.street.name in str(sheet["A1"].value)
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert values["党员总数"] == stats["total"]
    assert values["死亡"] == stats["died"]
    assert len(book.worksheets) == 2


@pytest.mark.parametrize("year", [1900, 3000])
def test_a_year_out_of_range_is_422_naming_it(api_as, party, year):
    response = api_as("party_admin").get(f"/api/v1/party/orgs/{party.street.code}/statistics", {"year": year})

    assert response.status_code == 422
    assert "year" in response.json()["errors"]


def test_a_secretary_cannot_read_the_street_or_another_branch(api_as, party):
    client = api_as("branch_secretary")

    assert client.get(f"/api/v1/party/orgs/{party.street.code}/statistics").status_code == 404
    assert client.get(f"/api/v1/party/orgs/{party.other.code}/statistics.xlsx").status_code == 404
    assert api_as("grid_worker").get(f"/api/v1/party/orgs/{party.branch.code}/statistics").status_code == 404


def test_the_age_bands_counted_in_the_database_match_the_members_ages(api_as, party):
    stats = _stats(api_as("party_admin"), party.street)
    as_of = dt.date.fromisoformat(stats["as_of"])
    uppers = (30, 35, 40, 45, 50, 55, 60, 70, 80, 999)
    expected = [0] * len(uppers)
    for birth in PartyMember.objects.filter(
        party_org__path__startswith=party.street.path, status=MemberStatus.ACTIVE, birth_date__isnull=False
    ).values_list("birth_date", flat=True):
        age = as_of.year - birth.year - ((as_of.month, as_of.day) < (birth.month, birth.day))
        expected[next(i for i, upper in enumerate(uppers) if age <= upper)] += 1

    assert [r["count"] for r in stats["by_age"] if r["key"]] == expected
