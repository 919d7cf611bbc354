"""An institution's organisation (机关事业单位, seed 000): full-time party staff at least 2 % of the
unit's headcount, and a 专职副书记 rotated after two terms. The staffing is recorded through the API
(422 naming the field, nothing changed; another subtree is 404); the health check names each break."""

from __future__ import annotations

import datetime as dt

from dangqun.core import clock
from dangqun.core.models import AuditEvent
from dangqun.orgs.models import PartyOrg
from dangqun.party.events import PartyEvent
from dangqun.party.models import OrgStaffing, Term


def _rules(client, code: str) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    rows = client.get(f"/api/v1/party/orgs/{code}/health").json()
    out: dict[str, list[str]] = {}
    for row in rows:
        if row["org_code"] == code:
            out.setdefault(row["rule"], []).append(row["text"])
    return out


def _elect(client, code: str, day: dt.date, deputy: str) -> None:  # type: ignore[no-untyped-def]
    response = client.post_json(
        f"/api/v1/party/orgs/{code}/terms",
        {
            "elected_on": day.isoformat(),
            "secretary": "周志刚",
            "deputies": ["孙丽"],
            "members": ["吴涛"],
            "full_time_deputy": deputy,
        },
    )
    assert response.status_code == 201, response.content


def test_an_institution_short_of_party_staff_is_flagged_until_it_has_two_percent(api_as, party):
    client = api_as("branch_secretary")
    url = f"/api/v1/party/orgs/{party.branch.code}/staffing"
    assert client.get(url).json()["is_institution"] is False

    response = client.put_json(url, {"is_institution": True, "headcount": 151, "party_staff": 3})

    assert response.status_code == 200, response.content
    assert response.json()["required_party_staff"] == 4  # 2 % of 151, rounded up
    texts = _rules(client, party.branch.code)["party_staff"]
    assert "151" in texts[0]
    assert "4" in texts[0]
    assert AuditEvent.objects.filter(event_type=PartyEvent.STAFFING_SET).count() == 1

    client.put_json(url, {"is_institution": True, "headcount": 150, "party_staff": 3})

    assert "party_staff" not in _rules(client, party.branch.code)


def test_a_unit_that_is_not_an_institution_is_not_held_to_the_institution_rules(api_as, party):
    client = api_as("branch_secretary")
    client.put_json(
        f"/api/v1/party/orgs/{party.branch.code}/staffing",
        {"is_institution": False, "headcount": 500, "party_staff": 0},
    )

    rules = _rules(client, party.branch.code)
    assert "party_staff" not in rules
    assert "full_time_deputy" not in rules


def test_a_full_time_deputy_in_a_third_term_running_must_rotate(api_as, party):
    client = api_as("branch_secretary")
    code = party.branch.code
    client.put_json(
        f"/api/v1/party/orgs/{code}/staffing", {"is_institution": True, "headcount": 50, "party_staff": 1}
    )
    Term.objects.filter(org=party.branch).delete()
    today = clock.local_today()
    _elect(client, code, today.replace(year=today.year - 7), "")
    assert "full_time_deputy" in _rules(client, code)  # none on the current term

    _elect(client, code, today.replace(year=today.year - 4), "钱晓东")
    _elect(client, code, today.replace(year=today.year - 1), "钱晓东")
    assert "full_time_deputy" not in _rules(client, code)  # two terms: still in order

    _elect(client, code, today - dt.timedelta(days=1), "钱晓东")

    texts = _rules(client, code)["full_time_deputy"]
    assert "钱晓东" in texts[0]
    terms = client.get(f"/api/v1/party/orgs/{code}/terms").json()
    assert terms["current"]["full_time_deputy"] == "钱晓东"
    assert "钱晓东" in terms["current"]["deputies"]

    _elect(client, code, today, "李红")
    assert "full_time_deputy" not in _rules(client, code)


def test_bad_staffing_is_422_naming_the_field_and_changes_nothing(api_as, party):
    client = api_as("branch_secretary")
    url = f"/api/v1/party/orgs/{party.branch.code}/staffing"

    more_staff = client.put_json(url, {"is_institution": True, "headcount": 10, "party_staff": 11})
    negative = client.put_json(url, {"is_institution": True, "headcount": -1, "party_staff": 0})

    assert more_staff.status_code == 422
    assert "party_staff" in more_staff.content.decode()
    assert negative.status_code == 422
    assert "headcount" in negative.content.decode()
    assert not OrgStaffing.objects.filter(org=party.branch).exists()


def test_another_subtree_reads_and_writes_nothing(api_as, party):
    client = api_as("branch_secretary")
    url = f"/api/v1/party/orgs/{party.other.code}/staffing"

    assert client.get(url).status_code == 404
    response = client.put_json(url, {"is_institution": True, "headcount": 10, "party_staff": 1})

    assert response.status_code == 404
    assert not OrgStaffing.objects.filter(org=party.other).exists()


def test_the_demo_districts_departments_show_the_institution_rules(api_as):
    root = PartyOrg.objects.filter(parent__isnull=True, is_active=True).order_by("path").first()
    assert root is not None
    rows = api_as("sysadmin").get(f"/api/v1/party/orgs/{root.code}/health").json()

    rules = {r["rule"] for r in rows}
    assert {"party_staff", "full_time_deputy"} <= rules
    assert OrgStaffing.objects.filter(is_institution=True).count() >= 4
