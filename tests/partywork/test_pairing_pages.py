"""结对帮扶, 党员召集 and 亮身份 pages with the demo personas: the branch's pairings and a visit that
raises its totals, a new pairing, the ledger; a call-out answered from the member's page; the party
badge a staff member chose to show on their work — and who is turned away."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from dangqun.accounts.models import User
from dangqun.cases.models import CaseEvent
from dangqun.core import clock
from dangqun.partywork.models import CallOut, CallOutReply, Pairing, PairingVisit, PartyBadge, ReplyStatus
from dangqun.partywork.pairing_selectors import badge_users

pytestmark = pytest.mark.django_db


def _as(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _number(page: str, dd_id: str) -> str:
    match = re.search(rf'id="{dd_id}">([^<]+)<', page)
    assert match is not None, dd_id
    return match.group(1)


def test_a_visit_on_the_pairing_page_raises_the_branch_totals(demo) -> None:
    pairing = Pairing.objects.select_related("org").get(member__user__username="party_member")
    secretary = _as("branch_secretary")
    url = f"/partywork/orgs/{pairing.org.code}/pairings/"
    page = secretary.get(url).content.decode()
    assert f'id="pairing-{pairing.pk}"' in page
    assert "逾期" in page  # the branch's 挂包 pairing is overdue in the demo
    visits, problems = int(_number(page, "pt-visits")), int(_number(page, "pt-problems"))
    response = secretary.post(
        f"/partywork/pairings/{pairing.pk}/visits/",
        {
            "visited_on": clock.local_today().isoformat(),
            "found": "屋顶漏雨",
            "money": "300",
            "problems_solved": "1",
        },
    )
    assert response.status_code == 302
    detail = secretary.get(response["Location"]).content.decode()
    assert "屋顶漏雨" in detail
    after = secretary.get(url).content.decode()
    assert int(_number(after, "pt-visits")) == visits + 1
    assert int(_number(after, "pt-problems")) == problems + 1
    # Bad input changes nothing and says why.
    count = PairingVisit.objects.count()
    bad = secretary.post(
        f"/partywork/pairings/{pairing.pk}/visits/", {"visited_on": "x", "found": "y"}, follow=True
    )
    assert "YYYY-MM-DD" in bad.content.decode()
    assert PairingVisit.objects.count() == count
    # The paired member sees it from their page; a citizen cannot open it; the ledger downloads.
    assert f'id="my-pairing-{pairing.pk}"' in _as("party_member").get("/citizen/partywork/").content.decode()
    assert _as("citizen").get(f"/partywork/pairings/{pairing.pk}/").status_code == 404
    xlsx = secretary.get(f"/partywork/orgs/{pairing.org.code}/pairings.xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_new_pairing_from_the_form(demo) -> None:
    from dangqun.registry.models import Household

    pairing = Pairing.objects.select_related("org").get(member__user__username="party_member")
    paired = Pairing.objects.filter(household__isnull=False).values("household")
    household = Household.objects.filter(residents__tags__code="disabled").exclude(pk__in=paired).first()
    assert household is not None
    secretary = _as("branch_secretary")
    response = secretary.post(
        f"/partywork/orgs/{pairing.org.code}/pairings/new/",
        {"kind": "assist", "household": household.code, "every_days": "90"},
    )
    created = Pairing.objects.get(household=household)
    assert response["Location"] == f"/partywork/pairings/{created.pk}/"
    end = secretary.post(f"/partywork/pairings/{created.pk}/end/", {"reason": "已搬离"})
    assert end.status_code == 302
    created.refresh_from_db()
    assert created.status == "ended"


def test_a_call_out_answered_from_the_members_page(demo) -> None:
    callout = CallOut.objects.get(status="open", replies__member__user__username="working_member")
    staff = _as("community_staff")
    start = (clock.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    end = (clock.now() + dt.timedelta(days=2, hours=2)).strftime("%Y-%m-%dT%H:%M")
    staff.post(
        f"/partywork/orgs/{callout.org.code}/callouts/new/",
        {"title": "帮助村民搬运化肥", "place": "村委会", "starts_at": start, "ends_at": end, "needed": "56"},
    )
    new = CallOut.objects.get(title="帮助村民搬运化肥")
    assert new.replies.count() >= 2
    member = _as("working_member")
    page = member.get("/citizen/partywork/callouts/").content.decode()
    reply = CallOutReply.objects.get(callout=new, member__user__username="working_member")
    assert f'id="reply-{reply.pk}"' in page
    member.post(f"/partywork/callout-replies/{reply.pk}/accept/")
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.ACCEPTED
    board = staff.get(f"/partywork/orgs/{callout.org.code}/callouts/").content.decode()
    section = board[board.index(f'id="callout-{new.pk}"') :]
    assert reply.member.name in section[: section.index("</section>")]
    assert _as("citizen").get(f"/partywork/orgs/{callout.org.code}/callouts/").status_code == 404


def test_the_party_badge_shows_on_work_only_with_consent(demo) -> None:
    shown = badge_users()
    event = CaseEvent.objects.filter(actor_id__in=shown).select_related("case").first()
    assert event is not None, "the demo has staff members who show the badge on their cases"
    dispatcher = _as("dispatcher")
    assert 'class="party-badge"' in dispatcher.get(f"/cases/{event.case.code}/").content.decode()
    PartyBadge.objects.filter(member__user_id=event.actor_id).update(shown=False)
    assert 'class="party-badge"' not in dispatcher.get(f"/cases/{event.case.code}/").content.decode()
    # A member sets it on their own page; a citizen with no member record cannot.
    member = _as("working_member")
    member.post("/citizen/partywork/badge/", {"shown": "1"})
    assert "已亮明党员身份" in member.get("/citizen/partywork/callouts/").content.decode()
    _as("citizen").post("/citizen/partywork/badge/", {"shown": "1"})
    assert not PartyBadge.objects.filter(member__user__username="citizen").exists()


def test_the_command_dashboard_shows_the_district_pairing_panel(demo) -> None:
    page = _as("dispatcher").get("/command/").content.decode()
    panel = page[page.index('id="partywork-panel"') :]
    panel = panel[: panel.index("</section>")]
    assert "结对党员" in panel
    assert "召集中" in panel
    assert 'id="partywork-panel"' not in _as("citizen").get("/command/").content.decode()
