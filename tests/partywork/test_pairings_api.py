"""结对帮扶 through the API with the demo personas: the branch's pairings and totals, a visit that
raises them, the member's own pairing, the ledger in Excel — and what an attacker would try."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from dangqun.core import clock
from dangqun.orgs.models import PartyOrg
from dangqun.partywork.models import Pairing, PairingKind, PairingStatus
from dangqun.registry.models import Household

pytestmark = pytest.mark.django_db


def _branch() -> PartyOrg:
    """The persona branch (the branch secretary's; the party member's)."""
    return Pairing.objects.select_related("org").get(member__user__username="party_member").org


def test_a_visit_raises_the_branch_totals(api_as) -> None:
    secretary = api_as("branch_secretary")
    code = _branch().code
    before = secretary.get(f"/api/v1/partywork/orgs/{code}/pairing-totals").json()
    assert before["pairings"] >= 3
    assert before["families"] >= 2
    assert before["hardship_members"] == 1
    pairings = secretary.get(f"/api/v1/partywork/orgs/{code}/pairings").json()
    target = next(p for p in pairings if p["status"] == "active" and p["household"])
    assert target["moves"] == ["end"]
    visit = {
        "visited_on": clock.local_today().isoformat(),
        "found": "冬季取暖煤不足",
        "help_given": "送去取暖煤",
        "money": "500",
        "goods": "取暖煤",
        "problems_solved": 2,
    }
    created = secretary.post_json(f"/api/v1/partywork/pairings/{target['id']}/visits", visit)
    assert created.status_code == 201, created.content
    after = secretary.get(f"/api/v1/partywork/orgs/{code}/pairing-totals").json()
    assert after["visits"] == before["visits"] + 1
    assert after["problems_solved"] == before["problems_solved"] + 2
    assert Decimal(after["money"]) == Decimal(before["money"]) + 500
    detail = secretary.get(f"/api/v1/partywork/pairings/{target['id']}").json()
    assert detail["last_visit_on"] == visit["visited_on"]
    assert detail["overdue"] is False
    assert detail["visits"][0]["found"] == "冬季取暖煤不足"
    # The same day twice is a conflict; the street's 党工委 sees the branch's visit in its totals.
    again = secretary.post_json(f"/api/v1/partywork/pairings/{target['id']}/visits", visit)
    assert again.status_code == 409
    street = (
        api_as("party_admin").get(f"/api/v1/partywork/orgs/{_branch().parent.code}/pairing-totals").json()
    )
    assert street["visits"] >= after["visits"]


def test_visit_bad_input_names_the_field_and_changes_nothing(api_as) -> None:
    secretary = api_as("branch_secretary")
    pairing = Pairing.objects.filter(org=_branch(), status=PairingStatus.ACTIVE).first()
    assert pairing is not None
    count = pairing.visits.count()
    today = clock.local_today().isoformat()
    for body, field in (
        ({"visited_on": "2099-01-01", "found": "x"}, "visited_on"),
        ({"visited_on": "yesterday", "found": "x"}, "visited_on"),
        ({"visited_on": today, "found": ""}, "found"),
        ({"visited_on": today, "found": "x", "money": "-5"}, "money"),
        ({"visited_on": today, "found": "x", "money": "abc"}, "money"),
        ({"visited_on": today, "found": "x", "problems_solved": 1000}, "problems_solved"),
    ):
        response = secretary.post_json(f"/api/v1/partywork/pairings/{pairing.pk}/visits", body)
        assert response.status_code == 422, (body, response.content)
        assert field in response.json()["errors"]
    assert pairing.visits.count() == count


def test_the_paired_member_records_a_visit_and_cannot_end_the_pairing(api_as) -> None:
    member = api_as("party_member")
    pairing = Pairing.objects.get(member__user__username="party_member")
    detail = member.get(f"/api/v1/partywork/pairings/{pairing.pk}").json()
    assert detail["member_name"]
    assert detail["moves"] == []
    body = {"visited_on": clock.local_today().isoformat(), "found": "老人身体尚好", "problems_solved": 1}
    assert member.post_json(f"/api/v1/partywork/pairings/{pairing.pk}/visits", body).status_code == 201
    assert (
        member.post_json(f"/api/v1/partywork/pairings/{pairing.pk}/end", {"reason": "x"}).status_code == 403
    )
    # Another member, a citizen and a grid worker do not see it at all.
    for other in ("working_member", "citizen", "grid_worker"):
        assert api_as(other).get(f"/api/v1/partywork/pairings/{pairing.pk}").status_code == 404
        assert (
            api_as(other).post_json(f"/api/v1/partywork/pairings/{pairing.pk}/visits", body).status_code
            == 404
        )


def test_ending_needs_a_reason_and_an_ended_pairing_takes_no_visit(api_as) -> None:
    secretary = api_as("branch_secretary")
    pairing = Pairing.objects.filter(org=_branch(), status=PairingStatus.ACTIVE).first()
    assert pairing is not None
    refused = secretary.post_json(f"/api/v1/partywork/pairings/{pairing.pk}/end", {})
    assert refused.status_code == 422
    assert "reason" in refused.json()["errors"]
    ended = secretary.post_json(f"/api/v1/partywork/pairings/{pairing.pk}/end", {"reason": "已脱贫"})
    assert ended.status_code == 200
    assert ended.json()["moves"] == ["resume"]
    assert (
        secretary.post_json(f"/api/v1/partywork/pairings/{pairing.pk}/end", {"reason": "x"}).status_code
        == 409
    )
    body = {"visited_on": clock.local_today().isoformat(), "found": "x"}
    assert secretary.post_json(f"/api/v1/partywork/pairings/{pairing.pk}/visits", body).status_code == 409
    assert (
        secretary.post_json(f"/api/v1/partywork/pairings/{pairing.pk}/resume", {}).json()["status"]
        == "active"
    )


def test_pairing_a_household_in_need(api_as) -> None:
    secretary = api_as("branch_secretary")
    branch = _branch()
    paired = Pairing.objects.filter(household__isnull=False).values("household")
    household = (
        Household.objects.filter(residents__tags__code="assisted")
        .exclude(pk__in=paired)
        .order_by("code")
        .first()
    )
    assert household is not None
    url = f"/api/v1/partywork/orgs/{branch.code}/pairings"
    body = {"kind": PairingKind.ASSIST, "household": household.code, "every_days": 90}
    created = secretary.post_json(url, body)
    assert created.status_code == 201, created.content
    assert created.json()["next_due"]
    assert secretary.post_json(url, body).status_code == 409
    not_in_need = Household.objects.exclude(
        residents__tags__code__in=["assisted", "special_care", "disabled", "elderly_alone"]
    ).first()
    assert not_in_need is not None
    for bad, field in (
        ({**body, "kind": "bogus"}, "kind"),
        ({"kind": "assist"}, "household"),
        ({**body, "hardship_member": 1}, "household"),
        ({**body, "household": not_in_need.code}, "household"),
        ({**body, "every_days": 1}, "every_days"),
        ({**body, "member": 999999999}, "member"),
        ({**body, "started_on": "2099-01-01"}, "started_on"),
    ):
        response = secretary.post_json(url, bad)
        assert response.status_code == 422, (bad, response.content)
        assert field in response.json()["errors"]
    # Another organisation's branch: 404 for the secretary; a citizen has no organisation at all.
    other = PartyOrg.objects.filter(kind="branch").exclude(path__startswith=branch.path).first()
    assert other is not None
    assert secretary.post_json(f"/api/v1/partywork/orgs/{other.code}/pairings", body).status_code == 404
    assert api_as("citizen").get(url).status_code == 404


def test_overdue_pairings_are_flagged_and_the_ledger_exports(api_as) -> None:
    admin = api_as("party_admin")
    street = _branch().parent
    overdue = admin.get(f"/api/v1/partywork/orgs/{street.code}/pairings?overdue=true").json()
    assert overdue
    assert all(p["overdue"] and p["next_due"] < clock.local_today().isoformat() for p in overdue)
    totals = admin.get(f"/api/v1/partywork/orgs/{street.code}/pairing-totals").json()
    assert totals["overdue"] == len(overdue)
    response = admin.get(f"/api/v1/partywork/orgs/{street.code}/pairings.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    ledger, visits = book.worksheets
    assert ledger.max_row == 2 + Pairing.objects.filter(org__path__startswith=street.path).count()
    assert visits.max_row > 2
    assert api_as("citizen").get(f"/api/v1/partywork/orgs/{street.code}/pairings.xlsx").status_code == 404
