"""民事民议 through the API and the pages, as the demo personas: the seeded proposals are public with
their tally, comments (the hidden one only for the community's staff) and result; a registered resident
votes for their household once — a second vote from the same household, a vote after the window and a
vote on a decided matter are 409, a voter who is not a registered resident of a household in the region
403, nothing written; the community raises a matter, hides a comment, opens the vote, records the
decision only after the window and then what was done; another community's staff get 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from dangqun.accounts.models import Membership, Role, User
from dangqun.civic.models import (
    CivicContact,
    Proposal,
    ProposalComment,
    ProposalStatus,
    ProposalVote,
)
from dangqun.core import clock as core_clock
from dangqun.core.models import AuditEvent
from dangqun.demo.build_proposals import DONE_TITLE, HIDDEN_REASON, OPEN_TITLE
from dangqun.demo.calendar import anchor_end
from dangqun.demo.personas import DEMO_PASSWORD
from dangqun.regions.models import Region, RegionLevel
from dangqun.registry.models import Gender, Resident


def _open() -> Proposal:
    return Proposal.objects.get(title=OPEN_TITLE)


@pytest.fixture
def at_demo_end(clock):  # type: ignore[no-untyped-def]
    """The application's time is the demo's end (the test district is anchored to a fixed day): the
    open proposal's window is open."""
    clock.at = anchor_end() + dt.timedelta(minutes=30)
    return clock


def _user(username: str, resident: Resident | None = None) -> User:
    user = User.objects.create_user(username=username, password=DEMO_PASSWORD, display_name=username)
    Membership.objects.create(user=user, role=Role.CITIZEN)
    if resident is not None:
        CivicContact.objects.create(user=user, resident=resident)
    return user


def _housemate(civic) -> Resident:  # type: ignore[no-untyped-def]
    """Another member of the citizen persona's household (the demo links working_member to one)."""
    household = civic.resident.household
    other = Resident.objects.filter(household=household).exclude(pk=civic.resident.pk).first()
    if other is None:
        other = Resident.objects.create(
            household=household, grid=household.grid, name="刘小军", gender=Gender.MALE
        )
    return other


def _neighbour(civic) -> Resident:  # type: ignore[no-untyped-def]
    """A resident of another household in the persona community."""
    return (
        Resident.objects.filter(household__grid__path__subtree=civic.community.path)
        .exclude(household=civic.resident.household)
        .exclude(household__isnull=True)
        .order_by("id")
        .first()
    )


def _vote(client, proposal_id: int, choice: str = "for"):  # type: ignore[no-untyped-def]
    return client.post_json(f"/api/v1/civic/proposals/{proposal_id}/vote", {"choice": choice})


def test_the_seeded_proposals_are_public_with_tally_comments_and_result(
    client, api_as, civic, at_demo_end
) -> None:
    listing = client.get(f"/api/v1/civic/proposals?region={civic.community.code}")

    assert listing.status_code == 200, listing.content
    titles = {p["title"]: p for p in listing.json()["items"]}
    assert {OPEN_TITLE, DONE_TITLE} <= set(titles)
    done = client.get(f"/api/v1/civic/proposals/{titles[DONE_TITLE]['id']}").json()
    assert done["status"] == "done"
    assert done["decision"]
    assert done["outcome"]
    assert done["tally"]["voted_households"] > 0
    assert done["tally"]["households"] >= done["tally"]["voted_households"]
    assert done["tally"]["for_votes"] > done["tally"]["against_votes"]
    opened = client.get(f"/api/v1/civic/proposals/{titles[OPEN_TITLE]['id']}").json()
    assert opened["status"] == "voting"
    assert opened["moves"] == []
    assert opened["my_vote"] == {"eligible": False, "choice": None}
    public = list(opened["comments"])
    assert all(not c["hidden"] for c in public)
    assert all("*" in c["author"] for c in public)  # names masked for the public
    staff_view = api_as("community_staff").get(f"/api/v1/civic/proposals/{opened['id']}").json()
    hidden = [c for c in staff_view["comments"] if c["hidden"]]
    assert [c["hidden_reason"] for c in hidden] == [HIDDEN_REASON]
    assert {m["action"] for m in staff_view["moves"]} == set()  # the window is still open: no decision yet
    assert client.get("/api/v1/civic/proposals/999999999").status_code == 404


def test_one_vote_per_household_second_vote_is_409_nothing_written(api_as, civic, at_demo_end) -> None:
    proposal = _open()
    _user("housemate", _housemate(civic))
    citizen, housemate = api_as("citizen"), api_as("housemate")
    before = ProposalVote.objects.filter(proposal=proposal).count()

    first = _vote(citizen, proposal.pk, "for")

    assert first.status_code == 201, first.content
    assert first.json()["my_vote"] == {"eligible": True, "choice": "for"}
    second = _vote(housemate, proposal.pk, "against")
    assert second.status_code == 409, second.content
    assert second.json()["code"] == "household_voted"
    again = _vote(citizen, proposal.pk, "against")
    assert again.status_code == 409
    assert ProposalVote.objects.filter(proposal=proposal).count() == before + 1
    vote = ProposalVote.objects.get(proposal=proposal, household=civic.resident.household)
    assert vote.choice == "for"
    assert vote.voter.username == "citizen"
    assert (
        AuditEvent.objects.filter(event_type="civic.proposal_voted", target_id=str(proposal.pk)).count() == 1
    )
    # A neighbour's household has its own vote.
    _user("neighbour", _neighbour(civic))
    assert _vote(api_as("neighbour"), proposal.pk, "against").status_code in {201, 409}


def test_the_unique_constraint_holds_without_the_service(civic) -> None:
    from django.db import IntegrityError, transaction

    proposal = _open()
    household = civic.resident.household
    ProposalVote.objects.filter(proposal=proposal, household=household).delete()
    ProposalVote.objects.create(
        proposal=proposal,
        household=household,
        resident=civic.resident,
        choice="for",
        cast_at=core_clock.now(),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ProposalVote.objects.create(
            proposal=proposal, household=household, resident=_housemate(civic), choice="against",
            cast_at=core_clock.now(),
        )  # fmt: skip


def test_unregistered_voters_are_refused(api_as, civic, at_demo_end) -> None:
    proposal = _open()
    before = ProposalVote.objects.filter(proposal=proposal).count()
    other_community = (
        Region.objects.filter(level=RegionLevel.COMMUNITY)
        .exclude(pk=civic.community.pk)
        .order_by("path")
        .first()
    )
    outsider = Resident.objects.filter(
        household__grid__path__subtree=other_community.path, household__isnull=False
    ).first()
    _user("outsider", outsider)
    _user("unlinked")
    homeless = Resident.objects.create(grid=civic.resident.grid, name="无户籍", gender=Gender.FEMALE)
    _user("no_household", homeless)

    for username in ("enterprise", "unlinked", "outsider", "no_household", "community_staff"):
        refused = _vote(api_as(username), proposal.pk)
        assert refused.status_code == 403, (username, refused.content)
    anonymous = Client(enforce_csrf_checks=False)
    assert anonymous.post(
        f"/api/v1/civic/proposals/{proposal.pk}/vote", {"choice": "for"}, content_type="application/json"
    ).status_code in {401, 403}
    assert ProposalVote.objects.filter(proposal=proposal).count() == before


def test_a_vote_outside_the_window_is_409(api_as, civic, clock) -> None:
    proposal = _open()
    citizen = api_as("citizen")
    end = anchor_end()
    assert proposal.vote_closes_at is not None

    clock.at = proposal.vote_closes_at + dt.timedelta(minutes=1)
    late = _vote(citizen, proposal.pk)
    clock.at = proposal.vote_opens_at - dt.timedelta(minutes=1)  # type: ignore[operator]
    early = _vote(citizen, proposal.pk)
    clock.at = end
    decided = _vote(citizen, Proposal.objects.get(title=DONE_TITLE).pk)

    assert late.status_code == 409, late.content
    assert late.json()["code"] == "outside_window"
    assert early.status_code == 409
    assert decided.status_code == 409
    assert not ProposalVote.objects.filter(proposal=proposal, household=civic.resident.household).exists()
    assert _vote(citizen, proposal.pk, "maybe").status_code == 422


def test_community_raises_moderates_opens_decides_and_records_what_was_done(
    api_as, client, civic, clock
) -> None:
    staff, citizen = api_as("community_staff"), api_as("citizen")
    raised = staff.post_json(
        "/api/v1/civic/proposals",
        {"region": civic.community.code, "title": "小区东门夜间是否关闭",
         "body": '<p>征求意见</p><script>alert(1)</script>'},
    )  # fmt: skip
    assert raised.status_code == 201, raised.content
    proposal = raised.json()
    assert proposal["origin"] == "community"
    assert "<script" not in proposal["body"]
    assert {m["action"] for m in proposal["moves"]} == {"open_vote", "close"}
    said = citizen.post_json(
        f"/api/v1/civic/proposals/{proposal['id']}/comments", {"body": "<b>支持</b>关闭"}
    )
    assert said.status_code == 201
    assert said.json()["body"] == "<b>支持</b>关闭"  # plain text, escaped when shown
    spam = citizen.post_json(f"/api/v1/civic/proposals/{proposal['id']}/comments", {"body": "广告"}).json()
    assert (
        citizen.post_json(
            f"/api/v1/civic/proposals/{proposal['id']}/comments/{spam['id']}/hide", {"reason": "广告"}
        ).status_code
        == 403
    )
    hid = staff.post_json(
        f"/api/v1/civic/proposals/{proposal['id']}/comments/{spam['id']}/hide", {"reason": "广告"}
    )
    assert hid.status_code == 200, hid.content
    assert hid.json()["hidden"] is True
    assert [c["id"] for c in client.get(f"/api/v1/civic/proposals/{proposal['id']}").json()["comments"]] == [
        said.json()["id"]
    ]
    assert _vote(citizen, proposal["id"]).status_code == 409  # not open for votes yet

    closes = core_clock.now() + dt.timedelta(days=3)
    bad = staff.post_json(f"/api/v1/civic/proposals/{proposal['id']}/open_vote", {})
    assert bad.status_code == 422
    opened = staff.post_json(
        f"/api/v1/civic/proposals/{proposal['id']}/open_vote", {"closes_at": closes.isoformat()}
    )
    assert opened.status_code == 200, opened.content
    assert opened.json()["status"] == "voting"
    assert _vote(citizen, proposal["id"], "for").status_code == 201
    early = staff.post_json(
        f"/api/v1/civic/proposals/{proposal['id']}/decide", {"result": "passed", "decision": "夜间关闭"}
    )
    assert early.status_code == 409, early.content  # the window is still open
    clock.at = closes + dt.timedelta(hours=1)
    unknown = staff.post_json(
        f"/api/v1/civic/proposals/{proposal['id']}/decide", {"result": "maybe", "decision": "x"}
    )
    assert unknown.status_code == 422
    decided = staff.post_json(
        f"/api/v1/civic/proposals/{proposal['id']}/decide",
        {"result": "passed", "decision": "表决通过:东门22:00至次日6:00关闭"},
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "passed"
    assert (
        citizen.post_json(f"/api/v1/civic/proposals/{proposal['id']}/comments", {"body": "晚了"}).status_code
        == 409
    )
    done = staff.post_json(
        f"/api/v1/civic/proposals/{proposal['id']}/implement", {"outcome": "已安装门禁,按时关闭"}
    )
    assert done.status_code == 200
    public = client.get(f"/api/v1/civic/proposals/{proposal['id']}").json()
    assert public["status"] == "done"
    assert public["tally"]["for_votes"] == 1
    assert public["decision"].startswith("表决通过")
    assert public["outcome"] == "已安装门禁,按时关闭"
    events = set(
        AuditEvent.objects.filter(target_type="civic.proposal", target_id=str(proposal["id"])).values_list(
            "event_type", flat=True
        )
    )
    assert {
        "civic.proposal_raised",
        "civic.proposal_voting_opened",
        "civic.proposal_decided",
        "civic.proposal_done",
        "civic.proposal_comment_hidden",
        "civic.proposal_voted",
    } <= events


def test_residents_raise_for_their_own_region_and_other_staff_get_404(api_as, civic) -> None:
    citizen = api_as("citizen")
    mine = citizen.post_json(
        "/api/v1/civic/proposals", {"region": civic.community.code, "title": "增设休息座椅"}
    )
    other_community = (
        Region.objects.filter(level=RegionLevel.COMMUNITY, path__subtree=civic.street.path)
        .exclude(pk=civic.community.pk)
        .order_by("path")
        .first()
    )
    theirs = citizen.post_json(
        "/api/v1/civic/proposals", {"region": other_community.code, "title": "越界提议"}
    )
    stranger = api_as("enterprise").post_json(
        "/api/v1/civic/proposals", {"region": civic.community.code, "title": "无户籍提议"}
    )

    assert mine.status_code == 201, mine.content
    assert mine.json()["origin"] == "resident"
    assert mine.json()["moves"] == []
    assert theirs.status_code == 403
    assert stranger.status_code == 403
    other = User.objects.create_user(username="other_cs", password=DEMO_PASSWORD, display_name="钱")
    Membership.objects.create(user=other, role=Role.COMMUNITY_STAFF, region=other_community)
    other_staff = api_as("other_cs")
    pid = mine.json()["id"]
    assert other_staff.post_json(f"/api/v1/civic/proposals/{pid}/close", {"reason": "x"}).status_code == 404
    comment = ProposalComment.objects.filter(proposal=_open()).first()
    assert (
        other_staff.post_json(
            f"/api/v1/civic/proposals/{comment.proposal_id}/comments/{comment.pk}/hide", {"reason": "x"}
        ).status_code
        == 404
    )
    assert Proposal.objects.get(pk=pid).status == ProposalStatus.COLLECTING
    closed = api_as("community_staff").post_json(
        f"/api/v1/civic/proposals/{pid}/close", {"reason": "不属于居民自治事项"}
    )
    assert closed.status_code == 200
    assert closed.json()["status"] == "rejected"


def test_the_pages_open_without_login_and_a_household_votes_once(civic, at_demo_end) -> None:
    proposal = _open()
    anonymous = Client()
    listing = anonymous.get(f"/civic/proposals/?region={civic.community.code}")
    page = anonymous.get(f"/civic/proposals/{proposal.pk}/")

    assert listing.status_code == 200
    assert OPEN_TITLE in listing.content.decode()
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="turnout"' in html
    assert "加微信" not in html  # the hidden comment
    citizen = Client()
    citizen.force_login(User.objects.get(username="citizen"))
    assert 'id="vote-form"' in citizen.get(f"/civic/proposals/{proposal.pk}/").content.decode()
    voted = citizen.post(f"/civic/proposals/{proposal.pk}/vote/", {"choice": "for"}, follow=True)
    assert 'id="my-vote"' in voted.content.decode()
    housemate = Client()
    housemate.force_login(_user("housemate", _housemate(civic)))
    refused = housemate.post(f"/civic/proposals/{proposal.pk}/vote/", {"choice": "against"}, follow=True)
    assert "本户已投票" in refused.content.decode()
    assert ProposalVote.objects.filter(proposal=proposal, household=civic.resident.household).count() == 1
    staff = Client()
    staff.force_login(User.objects.get(username="community_staff"))
    assert "加微信" in staff.get(f"/civic/proposals/{proposal.pk}/").content.decode()
    assert staff.get("/civic/deliberation/").status_code == 200
    assert citizen.get("/civic/deliberation/").status_code == 403
    assert citizen.get("/civic/proposals/new/").status_code == 200
    new = citizen.post("/civic/proposals/new/", {"region": civic.community.code, "title": "楼道灯维修"})
    assert new.status_code == 302
    assert Proposal.objects.filter(title="楼道灯维修").exists()
