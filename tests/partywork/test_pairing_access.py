"""Who reaches the 结对帮扶 and 党员召集 routes the access matrix skips: every persona on the persona
branch's pairings and the demo community's call-out.

The organisation's side (its party roles and the staff of the region it leads) reaches the pairings,
totals, ledger and call-outs; a paired member their own pairing, an invited member their own reply;
everyone else gets 404."""

from __future__ import annotations

import pytest

from dangqun.partywork.models import CallOut, CallOutStatus, Pairing
from tests.access.expectations import PERSONAS

pytestmark = pytest.mark.django_db

BRANCH_SIDE = {"branch_secretary", "community_staff", "street_staff", "party_admin", "sysadmin"}
COMMUNITY_SIDE = {"community_staff", "street_staff", "party_admin", "sysadmin"}
INVITED = {"party_member", "working_member"}


@pytest.mark.parametrize("persona", [*PERSONAS, "working_member"])
def test_pairings_and_call_outs_are_reached_only_by_their_side(api_as, persona: str) -> None:
    pairing = Pairing.objects.select_related("org").get(member__user__username="party_member")
    callout = CallOut.objects.select_related("org").get(
        org__region__isnull=False, status=CallOutStatus.OPEN, replies__member__user__username="party_member"
    )
    branch, community = pairing.org.code, callout.org.code
    client = api_as(persona)
    side = persona in BRANCH_SIDE
    reads = {
        f"/api/v1/partywork/orgs/{branch}/pairings": side,
        f"/api/v1/partywork/orgs/{branch}/pairing-totals": side,
        f"/api/v1/partywork/orgs/{branch}/pairings.xlsx": side,
        f"/partywork/orgs/{branch}/pairings/": side,
        f"/api/v1/partywork/pairings/{pairing.pk}": side or persona == "party_member",
        f"/partywork/pairings/{pairing.pk}/": side or persona == "party_member",
        f"/api/v1/partywork/orgs/{community}/callouts": persona in COMMUNITY_SIDE,
        f"/partywork/orgs/{community}/callouts/": persona in COMMUNITY_SIDE,
        f"/api/v1/partywork/callouts/{callout.pk}": persona in COMMUNITY_SIDE | INVITED,
    }
    for path, reached in reads.items():
        status = client.get(path).status_code
        assert status == (200 if reached else 404), (persona, path, status)
    # Resuming an active pairing: 404 outside the scope, 409 (the status) for whoever sees it.
    move = client.post_json(f"/api/v1/partywork/pairings/{pairing.pk}/resume", {}).status_code
    assert move == (409 if side or persona == "party_member" else 404), (persona, move)
    # An unknown move: 422 for whoever sees the object, 404 for everyone else.
    close = client.post_json(f"/api/v1/partywork/callouts/{callout.pk}/bogus", {}).status_code
    assert close == (422 if persona in COMMUNITY_SIDE | INVITED else 404), (persona, close)
    reply = callout.replies.get(member__user__username="party_member")
    answer = client.post_json(f"/api/v1/partywork/callout-replies/{reply.pk}/bogus", {}).status_code
    assert answer == (422 if persona in COMMUNITY_SIDE | {"party_member"} else 404), (persona, answer)
