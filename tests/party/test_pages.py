"""The 组织指导 pages and the party member's page, as the personas use them."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from dangqun.core import clock
from dangqun.demo.personas import DEMO_PASSWORD
from dangqun.party.models import Meeting, MemberStatus, PartyMember, Transfer, TransferStatus


def _login(username: str) -> Client:
    client = Client()
    assert client.post("/login/", {"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


def _form(party, held_at: dt.datetime) -> dict:  # type: ignore[no-untyped-def]
    roll = [str(m.pk) for m in party.members]
    return {
        "kind": "committee",
        "topic": "研究本月支部工作",
        "held_at": timezone.localtime(held_at).strftime("%Y-%m-%dT%H:%M"),
        "place": "党群服务站",
        "host": "林秀英",
        "roll": roll,
        "present": roll[:-1],
        f"reason_{roll[-1]}": "病假",
    }


def test_the_secretary_records_a_committee_meeting_on_the_branch_page(party):
    client = _login("branch_secretary")
    url = f"/party/orgs/{party.branch.code}/"
    before = client.get(url).context["done"]

    response = client.post(f"{url}meetings/", _form(party, clock.now() - dt.timedelta(hours=1)))

    assert response.status_code == 302
    page = client.get(url)
    assert page.context["done"] == before + 1
    assert "已记录支委会" in page.content.decode()
    meeting = Meeting.objects.filter(org=party.branch, topic="研究本月支部工作").get()
    assert meeting.absentee_count == 1
    assert client.get(f"/party/meetings/{meeting.pk}/").status_code == 200


def test_a_future_meeting_on_the_page_is_refused_naming_the_field(party):
    client = _login("branch_secretary")

    response = client.post(
        f"/party/orgs/{party.branch.code}/meetings/", _form(party, clock.now() + dt.timedelta(days=2))
    )

    assert response.status_code == 422
    assert "held_at" in response.context["errors"]
    assert not Meeting.objects.filter(org=party.branch, topic="研究本月支部工作").exists()


def test_the_workbench_lists_the_branch_and_its_rate_and_hides_the_others(party):
    client = _login("branch_secretary")

    html = client.get("/party/").content.decode()

    assert party.branch.name in html
    assert "三会一课完成率" in html
    assert client.get(f"/party/orgs/{party.other.code}/").status_code == 404
    assert _login("citizen").get("/party/").status_code == 403


def test_a_transfer_issued_by_the_secretary_is_accepted_by_the_street(party):
    client = _login("branch_secretary")
    member = party.members[0]
    target = (
        PartyMember.objects.filter(party_org__path__startswith=party.street.path, status=MemberStatus.ACTIVE)
        .exclude(party_org=party.branch)
        .exclude(party_org__kind="group")
        .values_list("party_org__code", flat=True)
        .first()
    )
    assert target is not None

    client.post(
        f"/party/orgs/{party.branch.code}/transfers/",
        {"member_id": member.pk, "to_org": target, "letter_no": "YBZ-T-1", "valid_months": 2},
    )
    transfer = Transfer.objects.get(letter_no="YBZ-T-1")
    assert transfer.status == TransferStatus.ISSUED
    member.refresh_from_db()
    assert member.party_org == party.branch  # nothing moves before acceptance
    admin = _login("party_admin")
    assert "YBZ-T-1" in admin.get("/party/").content.decode()
    admin.post(f"/party/transfers/{transfer.pk}/accept/", {"next": "/party/"})

    transfer.refresh_from_db()
    member.refresh_from_db()
    assert transfer.status == TransferStatus.ACCEPTED
    assert member.party_org.code == target


def test_the_party_member_page_shows_the_member_their_branch(party):
    html = _login("party_member").get("/citizen/party/").content.decode()

    assert party.branch.name in html
    assert "黄志强" in html
    assert "未关联党员档案" in _login("citizen").get("/citizen/party/").content.decode()


def test_recording_march_dues_on_the_branch_page_shrinks_the_arrears(party):
    client = _login("branch_secretary")
    url = f"/party/orgs/{party.branch.code}/"
    march = dt.date(clock.local_today().year, 3, 1)
    page = client.get(url)
    before = page.context["dues_arrears_months"]
    debtor = next(r for r in page.context["dues_arrears"] if march in r.arrears)

    client.post(
        f"{url}dues/",
        {
            "member_id": debtor.member.pk,
            "month": march.strftime("%Y-%m"),
            "amount": str(debtor.monthly_amount),
        },
    )
    bad = client.post(
        f"{url}dues/", {"member_id": debtor.member.pk, "month": "2026-04", "amount": "-3"}, follow=True
    )

    assert client.get(url).context["dues_arrears_months"] == before - 1
    assert "金额须大于零" in bad.content.decode()
    street = _login("party_admin").get(f"/party/orgs/{party.street.code}/")
    assert party.branch.name in [s.org.name for s in street.context["dues_summary"]]
