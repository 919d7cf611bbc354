"""居务公开栏 through the API and the pages, as the demo personas: a resident reads a community's board
without logging in (its own notices and its street's, pinned first, the expired and withdrawn ones
gone) and the counts per year; the community's staff publish, pin, correct and withdraw a notice of
their own board; another community's staff get 404 for it and cannot write to that board; a script in
a notice is stored and rendered inert."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from dangqun.accounts.models import Membership, Role
from dangqun.civic.models import Notice, NoticeKind, NoticeStatus
from dangqun.core import clock
from dangqun.core.models import AuditEvent
from dangqun.regions.models import Region, RegionLevel

ATTACK = (
    '<p onclick="steal()">停水通知</p><script>alert("x")</script>'
    '<img src=x onerror="alert(1)"><a href="javascript:alert(2)">点此</a>'
)


def _other_community(civic) -> Region:  # type: ignore[no-untyped-def]
    return (
        Region.objects.filter(level=RegionLevel.COMMUNITY, path__subtree=civic.street.path)
        .exclude(pk=civic.community.pk)
        .order_by("path")
        .first()
    )


def _other_staff(api_as, civic):  # type: ignore[no-untyped-def]
    """street_staff's colleague in another community: a community_staff membership there."""
    from dangqun.accounts.models import User
    from dangqun.demo.personas import DEMO_PASSWORD

    other = _other_community(civic)
    user = User.objects.create_user(username="other_cs", password=DEMO_PASSWORD, display_name="钱")
    Membership.objects.create(user=user, role=Role.COMMUNITY_STAFF, region=other)
    return api_as("other_cs"), other


def test_the_seeded_board_is_public_pinned_first_and_counts_a_year(client, civic) -> None:
    board = client.get(f"/api/v1/civic/board/{civic.community.code}?limit=200")

    assert board.status_code == 200, board.content
    body = board.json()
    assert body["count"] > 50
    items = body["items"]
    pinned = [n["pinned"] for n in items]
    assert pinned == sorted(pinned, reverse=True)
    assert {n["region_code"] for n in items} >= {civic.community.code, civic.street.code}
    today = clock.local_today()
    assert all(n["status"] == "published" for n in items)
    assert all(n["expires_on"] is None or n["expires_on"] >= today.isoformat() for n in items)
    counts = client.get(f"/api/v1/civic/board/{civic.community.code}/counts?year={today.year}")
    assert counts.status_code == 200
    assert counts.json()["total"] == sum(counts.json()["by_kind"].values()) > 0
    # About two a week on every community's board: thousands a year district-wide at full scale.
    communities = Region.objects.filter(level=RegionLevel.COMMUNITY).count()
    year = Notice.objects.filter(published_at__gte=clock.now() - dt.timedelta(days=366)).count()
    assert year >= 100 * communities
    assert client.get("/api/v1/civic/board/NO-SUCH").status_code == 404
    assert client.get(f"/api/v1/civic/board/{civic.community.code}?kind=finance").json()["count"] >= 1


def test_staff_publish_pin_correct_and_withdraw_their_own_notice(api_as, client, civic) -> None:
    staff = api_as("community_staff")

    created = staff.post_json(
        "/api/v1/civic/notices",
        {"region": civic.community.code, "kind": "finance", "title": "11月份社区经费收支公开",
         "body": "<p>收入 3,200 元</p>", "pinned": True},
    )  # fmt: skip

    assert created.status_code == 201, created.content
    notice = created.json()
    assert notice["status"] == "draft"
    assert notice["issuer"] == civic.community.name
    assert [m["action"] for m in notice["moves"]] == ["publish"]
    board_url = f"/api/v1/civic/board/{civic.community.code}?limit=200"
    assert notice["id"] not in [n["id"] for n in client.get(board_url).json()["items"]]
    assert client.get(f"/api/v1/civic/board-notices/{notice['id']}").status_code == 404

    published = staff.post_json(f"/api/v1/civic/notices/{notice['id']}/publish", {})
    assert published.status_code == 200, published.content
    first = client.get(board_url).json()["items"][0]
    assert first["id"] == notice["id"]  # pinned and newest
    again = staff.post_json(f"/api/v1/civic/notices/{notice['id']}/publish", {})
    assert again.status_code == 409
    fixed = staff.patch_json(f"/api/v1/civic/notices/{notice['id']}", {"title": "11月份经费收支公开(更正)"})
    assert fixed.status_code == 200, fixed.content
    assert client.get(f"/api/v1/civic/board-notices/{notice['id']}").json()["title"].endswith("(更正)")
    no_reason = staff.post_json(f"/api/v1/civic/notices/{notice['id']}/withdraw", {})
    assert no_reason.status_code == 422
    withdrawn = staff.post_json(f"/api/v1/civic/notices/{notice['id']}/withdraw", {"reason": "数字有误"})
    assert withdrawn.status_code == 200
    assert withdrawn.json()["withdraw_reason"] == "数字有误"
    assert client.get(f"/api/v1/civic/board-notices/{notice['id']}").status_code == 404
    assert staff.patch_json(f"/api/v1/civic/notices/{notice['id']}", {"title": "再改"}).status_code == 409
    events = AuditEvent.objects.filter(target_type="civic.notice", target_id=str(notice["id"]))
    assert sorted(events.values_list("event_type", flat=True)) == sorted(
        ["civic.notice_created", "civic.notice_published", "civic.notice_updated", "civic.notice_withdrawn"]
    )


def test_an_expiring_notice_leaves_the_board_and_a_past_one_cannot_be_published(
    api_as, client, civic
) -> None:
    staff = api_as("community_staff")
    today = clock.local_today()
    running = staff.post_json(
        "/api/v1/civic/notices",
        {"region": civic.community.code, "kind": "affairs", "title": "低保拟审批名单公示",
         "expires_on": (today + dt.timedelta(days=7)).isoformat(), "publish": True},
    ).json()  # fmt: skip
    stale = staff.post_json(
        "/api/v1/civic/notices",
        {"region": civic.community.code, "kind": "affairs", "title": "过期公示",
         "expires_on": (today - dt.timedelta(days=1)).isoformat()},
    ).json()  # fmt: skip

    assert running["status"] == "published"
    assert client.get(f"/api/v1/civic/board-notices/{running['id']}").status_code == 200
    refused = staff.post_json(f"/api/v1/civic/notices/{stale['id']}/publish", {})
    assert refused.status_code == 422, refused.content
    Notice.objects.filter(pk=running["id"]).update(expires_on=today - dt.timedelta(days=1))
    assert client.get(f"/api/v1/civic/board-notices/{running['id']}").status_code == 404
    ids = [
        n["id"] for n in client.get(f"/api/v1/civic/board/{civic.community.code}?limit=200").json()["items"]
    ]
    assert running["id"] not in ids


def test_another_communitys_staff_get_404_and_cannot_write_to_that_board(api_as, civic) -> None:
    staff = api_as("community_staff")
    notice = staff.post_json(
        "/api/v1/civic/notices",
        {"region": civic.community.code, "kind": "service", "title": "停水通知", "publish": True},
    ).json()
    other, other_region = _other_staff(api_as, civic)

    assert other.get(f"/api/v1/civic/notices/{notice['id']}").status_code == 404
    assert other.patch_json(f"/api/v1/civic/notices/{notice['id']}", {"title": "篡改"}).status_code == 404
    assert (
        other.post_json(f"/api/v1/civic/notices/{notice['id']}/withdraw", {"reason": "x"}).status_code == 404
    )
    assert notice["id"] not in [n["id"] for n in other.get("/api/v1/civic/notices?limit=200").json()["items"]]
    foreign = other.post_json(
        "/api/v1/civic/notices", {"region": civic.community.code, "kind": "service", "title": "冒名"}
    )
    assert foreign.status_code == 422
    assert "region" in foreign.json()["errors"]
    own = other.post_json(
        "/api/v1/civic/notices", {"region": other_region.code, "kind": "service", "title": "本社区"}
    )
    assert own.status_code == 201
    assert api_as("citizen").get("/api/v1/civic/notices").status_code == 403
    assert Notice.objects.get(pk=notice["id"]).title == "停水通知"
    # The street's staff keep the community's board too.
    street = api_as("street_staff")
    assert street.get(f"/api/v1/civic/notices/{notice['id']}").status_code == 200


def test_a_script_in_a_notice_is_stored_and_rendered_inert(api_as, civic) -> None:
    staff = api_as("community_staff")
    created = staff.post_json(
        "/api/v1/civic/notices",
        {"region": civic.community.code, "kind": "service", "title": '<script>alert("t")</script>停水',
         "body": ATTACK, "publish": True},
    ).json()  # fmt: skip

    stored = Notice.objects.get(pk=created["id"])
    assert "<script" not in stored.body
    assert "onclick" not in stored.body
    assert "onerror" not in stored.body
    assert "javascript:" not in stored.body
    assert "停水通知" in stored.body
    anonymous = Client()
    page = anonymous.get(f"/civic/board/notice/{created['id']}/").content.decode()
    assert '<script>alert("t")' not in page
    assert "&lt;script&gt;" in page
    assert "<script>alert(" not in page
    assert "onerror" not in page
    board = anonymous.get(f"/civic/board/{civic.community.code}/").content.decode()
    assert "&lt;script&gt;" in board
    assert '<script>alert("t")' not in board


def test_the_board_pages_open_without_login_and_staff_publish_from_the_desk(civic) -> None:
    from dangqun.accounts.models import User

    anonymous = Client()
    boards = anonymous.get("/civic/board/")
    picked = anonymous.get(f"/civic/board/?region={civic.community.code}")
    board = anonymous.get(f"/civic/board/{civic.community.code}/")
    finance = anonymous.get(f"/civic/board/{civic.community.code}/?kind=finance")

    assert boards.status_code == 200
    assert picked.status_code == 302
    assert board.status_code == 200
    html = board.content.decode()
    assert "置顶" in html
    assert 'id="year-total"' in html
    assert finance.status_code == 200
    assert anonymous.get("/civic/board/NO-SUCH/").status_code == 404
    assert anonymous.get("/civic/notices/").status_code == 302
    staff = Client()
    staff.force_login(User.objects.get(username="community_staff"))
    desk = staff.get("/civic/notices/")
    assert desk.status_code == 200
    posted = staff.post(
        "/civic/notices/",
        {"region": civic.community.code, "kind": NoticeKind.PARTY, "title": "主题党日活动公开",
         "body": "<p>内容</p>", "pinned": "1", "publish": "1"},
    )  # fmt: skip
    assert posted.status_code == 302, posted.content
    notice = Notice.objects.get(title="主题党日活动公开")
    assert notice.status == NoticeStatus.PUBLISHED
    assert notice.pinned
    edit = staff.get(f"/civic/notices/{notice.pk}/")
    assert edit.status_code == 200
    assert "撤回" in edit.content.decode()
    moved = staff.post(f"/civic/notices/{notice.pk}/withdraw/", {"reason": "重复发布"})
    assert moved.status_code == 302
    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.WITHDRAWN
    assert anonymous.get(f"/civic/board/notice/{notice.pk}/").status_code == 404
    citizen = Client()
    citizen.force_login(User.objects.get(username="citizen"))
    assert citizen.get("/civic/notices/").status_code == 403
    assert citizen.get(f"/civic/notices/{notice.pk}/").status_code == 403


def test_reanchoring_the_demo_moves_the_board_and_the_proposals(civic) -> None:
    from dangqun.civic.models import Proposal
    from dangqun.demo.calendar import demo_shift

    notice = Notice.objects.filter(expires_on__isnull=False).order_by("id").first()
    proposal = Proposal.objects.filter(vote_closes_at__isnull=False).order_by("id").first()
    assert notice is not None
    assert proposal is not None

    shifted = demo_shift(7)

    week = dt.timedelta(days=7)
    assert shifted["notice"] == Notice.objects.count()
    moved = Notice.objects.get(pk=notice.pk)
    assert moved.published_at == notice.published_at + week  # type: ignore[operator]
    assert moved.expires_on == notice.expires_on + week  # type: ignore[operator]
    assert Proposal.objects.get(pk=proposal.pk).vote_closes_at == proposal.vote_closes_at + week  # type: ignore[operator]
