"""The 年报 page and the 换届 and 减少党员 forms of the organisation page, as the personas use them."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from dangqun.core import clock
from dangqun.demo.personas import DEMO_PASSWORD
from dangqun.party.models import MemberStatus, PartyMember, Term


def _login(username: str) -> Client:
    client = Client()
    assert client.post("/login/", {"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


def test_the_admin_reads_the_yearbook_and_finds_the_download(party):
    client = _login("party_admin")

    response = client.get(f"/party/orgs/{party.street.code}/statistics/")

    assert response.status_code == 200
    stats = response.context["stats"]
    assert (
        stats.total
        == PartyMember.objects.filter(
            party_org__path__startswith=party.street.path, status=MemberStatus.ACTIVE
        ).count()
    )
    html = response.content.decode()
    assert f"/api/v1/party/orgs/{party.street.code}/statistics.xlsx?year={clock.local_today().year}" in html
    assert f'id="stat-total">{stats.total}<' in html
    last_year = client.get(
        f"/party/orgs/{party.street.code}/statistics/", {"year": clock.local_today().year - 1}
    )
    assert last_year.context["stats"].year == clock.local_today().year - 1
    assert (
        f"/party/orgs/{party.street.code}/statistics/"
        in client.get(f"/party/orgs/{party.street.code}/").content.decode()
    )


def test_the_secretary_cannot_open_the_street_yearbook(party):
    client = _login("branch_secretary")

    assert client.get(f"/party/orgs/{party.street.code}/statistics/").status_code == 404
    assert client.get(f"/party/orgs/{party.branch.code}/statistics/").status_code == 200


def test_the_secretary_records_the_new_term_on_the_branch_page(party):
    client = _login("branch_secretary")
    url = f"/party/orgs/{party.branch.code}/"
    assert client.get(url).context["term_state"] == "due"

    response = client.post(
        f"{url}terms/",
        {
            "elected_on": (clock.local_today() - dt.timedelta(days=1)).isoformat(),
            "term_years": "3",
            "secretary": "何建华",
            "deputies": "",
            "members": "陈静,刘洋",
        },
    )

    assert response.status_code == 302
    page = client.get(url)
    assert page.context["term_state"] == "current"
    term = Term.objects.filter(org=party.branch).order_by("-elected_on").first()
    assert term is not None
    assert (term.secretary, term.members) == ("何建华", ["陈静", "刘洋"])


def test_a_future_term_on_the_page_is_refused(party):
    client = _login("branch_secretary")
    before = Term.objects.filter(org=party.branch).count()

    response = client.post(
        f"/party/orgs/{party.branch.code}/terms/",
        {"elected_on": "2999-01-01", "secretary": "何建华"},
        follow=True,
    )

    assert Term.objects.filter(org=party.branch).count() == before
    assert "选举日期不能晚于今天" in response.content.decode()


def test_the_secretary_records_a_death_on_the_roll_and_not_another_branch_member(party):
    client = _login("branch_secretary")
    member = party.members[0]
    url = f"/party/orgs/{party.branch.code}/leave/"

    response = client.post(
        url, {"member_id": member.pk, "left_reason": "death", "left_on": clock.local_today().isoformat()}
    )

    assert response.status_code == 302
    assert PartyMember.objects.get(pk=member.pk).status == MemberStatus.LEFT
    outsider = client.post(
        url, {"member_id": party.outsider.pk, "left_reason": "death", "left_on": "2026-01-05"}
    )
    assert outsider.status_code == 404
    assert PartyMember.objects.get(pk=party.outsider.pk).status == MemberStatus.ACTIVE
