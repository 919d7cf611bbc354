"""党的声音 through the API, as the demo personas: the party member's feed carries a year of items
(pinned first, this morning's under today) with realistic read ratios; the street's party
administrator publishes to the members of its subtree, the push reaches their inboxes in the
background, the member opens the item and the receipt count rises, per branch; withdrawing takes it off
the feed. And what an attacker tries: another subtree's organisation (422 naming the field), another
publisher's item (404), a reader's item not sent to them (404), a wrong role (403), publishing twice
(409), a script in the text (stored inert)."""

from __future__ import annotations

import datetime as dt

from dangqun.accounts.models import Membership, Role, User
from dangqun.civic.voice_jobs import push_voice_now
from dangqun.civic.voice_models import VoiceItem, VoiceReceipt, VoiceStatus
from dangqun.core.models import AuditEvent
from dangqun.demo.calendar import anchor_end
from dangqun.notify.models import Notification
from dangqun.orgs.models import PartyOrg
from dangqun.party.models import PartyMember

ATTACK = (
    '<p onclick="steal()">学习</p><script>alert(1)</script>'
    '<img src="/static/x.png" onerror="alert(2)" alt="图">'
)


def _street_org() -> PartyOrg:
    org = Membership.objects.get(user__username="party_admin").party_org
    assert org is not None
    return org


def _other_street_org(org: PartyOrg) -> PartyOrg:
    other = PartyOrg.objects.filter(kind=org.kind, parent=org.parent).exclude(pk=org.pk).first()
    assert other is not None
    return other


def test_the_member_feed_has_a_year_pinned_and_today_with_real_read_ratios(api_as, clock) -> None:
    member = api_as("party_member")
    end = anchor_end()

    with clock.frozen(end + dt.timedelta(minutes=30)):
        response = member.get("/api/v1/voice/feed?limit=100")

    assert response.status_code == 200, response.content
    feed = response.json()
    assert feed["pinned"]
    assert all(i["pinned"] for i in feed["pinned"])
    assert next(i["title"] for i in feed["today"]).startswith("今日要闻")
    assert len(feed["earlier"]) >= 50
    assert feed["unread"] >= 1
    assert all(i["page_url"] == f"/voice/{i['id']}/" for i in feed["earlier"])
    # Older than a week: most have read them; this morning's: few.
    week_ago = end - dt.timedelta(days=7)
    old = VoiceReceipt.objects.filter(item__published_at__lt=week_ago, item__status=VoiceStatus.PUBLISHED)
    share = old.filter(read_at__isnull=False).count() / old.count()
    assert 0.6 <= share <= 0.97, share
    fresh = VoiceReceipt.objects.filter(item__title__startswith="今日要闻")
    assert fresh.count() >= 3
    assert fresh.filter(read_at__isnull=False).count() < fresh.count() / 2
    assert VoiceItem.objects.filter(status=VoiceStatus.WITHDRAWN).exists()
    withdrawn_ids = set(VoiceItem.objects.filter(status=VoiceStatus.WITHDRAWN).values_list("pk", flat=True))
    shown = {i["id"] for part in ("pinned", "today", "earlier") for i in feed[part]}
    assert not shown & withdrawn_ids


def test_admin_publishes_member_reads_and_the_receipts_rise(
    api_as, run_jobs, django_capture_on_commit_callbacks
) -> None:
    admin = api_as("party_admin")
    org = _street_org()
    reached = PartyMember.objects.filter(
        party_org__path__subtree=org.path, status="active", user__isnull=False, user__is_active=True
    ).count()

    created = admin.post_json(
        "/api/v1/voice/items",
        {"kind": "article", "title": "学习贯彻全会精神", "audience": "members", "org": org.code,
         "summary": "全会精神要点", "body": ATTACK, "pinned": True},
    )  # fmt: skip

    assert created.status_code == 201, created.content
    item = created.json()
    assert item["status"] == "draft"
    assert item["issuer"] == org.name
    assert "<script" not in item["body"]
    assert "onclick" not in item["body"]
    assert "onerror" not in item["body"]
    assert '<img src="/static/x.png" alt="图">' in item["body"]
    assert [m["action"] for m in item["moves"]] == ["publish"]
    with django_capture_on_commit_callbacks(execute=True):
        published = admin.post_json(f"/api/v1/voice/items/{item['id']}/publish", {})
    assert published.status_code == 200, published.content
    again = admin.post_json(f"/api/v1/voice/items/{item['id']}/publish", {})
    assert again.status_code == 409
    detail = admin.get(f"/api/v1/voice/items/{item['id']}").json()
    assert detail["push_status"] == "done"
    assert detail["recipient_count"] == reached >= 3
    member_user = User.objects.get(username="party_member")
    assert Notification.objects.filter(
        recipient=member_user, kind="civic.voice", subject_id=str(item["id"])
    ).exists()
    assert AuditEvent.objects.filter(event_type="civic.voice_pushed", target_id=str(item["id"])).exists()

    member = api_as("party_member")
    feed = member.get("/api/v1/voice/feed").json()
    assert item["id"] in [i["id"] for i in feed["pinned"]]
    opened = member.get(f"/api/v1/voice/feed/{item['id']}")
    assert opened.status_code == 200
    assert opened.json()["read_at"] is None
    marked = member.post_json(f"/api/v1/voice/feed/{item['id']}/read", {})
    assert marked.status_code == 200
    assert marked.json()["read_at"]
    assert (
        member.post_json(f"/api/v1/voice/feed/{item['id']}/read", {}).json()["read_at"]
        == marked.json()["read_at"]
    )

    receipts = admin.get(f"/api/v1/voice/items/{item['id']}/receipts?read=true").json()
    assert receipts["read"] == 1
    assert receipts["total"] == reached
    assert [r["name"] for r in receipts["readers"]] == [member_user.display_name]
    branch = PartyMember.objects.get(user=member_user).party_org
    group = next(g for g in receipts["groups"] if g["code"] == branch.code)
    assert group["read"] == 1
    assert group["unread"] == group["total"] - 1
    unread = admin.get(f"/api/v1/voice/items/{item['id']}/receipts?group={branch.code}").json()["readers"]
    assert len(unread) == group["unread"]
    listed = admin.get("/api/v1/voice/items?q=学习贯彻全会精神").json()["items"]
    assert listed[0]["read_count"] == 1

    withdrawn = admin.post_json(f"/api/v1/voice/items/{item['id']}/withdraw", {"reason": "内容有误"})
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    assert member.get(f"/api/v1/voice/feed/{item['id']}").status_code == 404
    assert push_voice_now(item["id"]) == 0  # a withdrawn item is not pushed further


def test_bad_input_names_the_field_and_writes_nothing(api_as) -> None:
    admin = api_as("party_admin")
    org = _street_org()
    before = VoiceItem.objects.count()
    cases = [
        ({"kind": "poem", "title": "x", "audience": "members", "org": org.code}, "kind"),
        ({"kind": "article", "title": "x", "audience": "everyone", "org": org.code}, "audience"),
        ({"kind": "article", "title": "x", "audience": "members", "org": _other_street_org(org).code}, "org"),
        ({"kind": "article", "title": "x", "audience": "residents", "region": "NO-SUCH"}, "region"),
        ({"kind": "video", "title": "x", "audience": "members", "org": org.code}, "video_url"),
        (
            {
                "kind": "video",
                "title": "x",
                "audience": "members",
                "org": org.code,
                "video_url": "javascript:alert(1)",
            },
            "video_url",
        ),
        ({"kind": "article", "title": "  ", "audience": "members", "org": org.code}, "title"),
        (
            {"kind": "article", "title": "x", "audience": "members", "org": org.code, "channels": ["pigeon"]},
            "channels",
        ),
    ]
    for body, field in cases:
        response = admin.post_json("/api/v1/voice/items", body)
        assert response.status_code == 422, (body, response.content)
        assert field in response.content.decode(), (field, response.content)
    assert VoiceItem.objects.count() == before


def test_scope_roles_and_other_readers(api_as, run_jobs, django_capture_on_commit_callbacks) -> None:
    secretary = api_as("branch_secretary")
    branch = Membership.objects.get(user__username="branch_secretary").party_org
    assert branch is not None
    with django_capture_on_commit_callbacks(execute=True):
        created = secretary.post_json(
            "/api/v1/voice/items",
            {
                "kind": "notice",
                "title": "本月党员大会通知",
                "audience": "members",
                "org": branch.code,
                "publish": True,
            },
        )
    assert created.status_code == 201, created.content
    item_id = created.json()["id"]
    assert created.json()["status"] == "published"
    # The street's administrator oversees the branch; another street's does not know the item.
    assert api_as("party_admin").get(f"/api/v1/voice/items/{item_id}").status_code == 200
    other_org = _other_street_org(_street_org())
    outsider = User.objects.create_user(username="other_pa", password="Dangqun@2026", display_name="钱")
    Membership.objects.create(user=outsider, role=Role.PARTY_ADMIN, party_org=other_org)
    other = api_as("other_pa")
    assert other.get(f"/api/v1/voice/items/{item_id}").status_code == 404
    assert other.post_json(f"/api/v1/voice/items/{item_id}/withdraw", {"reason": "x"}).status_code == 404
    assert other.patch_json(f"/api/v1/voice/items/{item_id}", {"pinned": True}).status_code == 404
    # Residents and grid workers do not publish; a reader outside the audience gets 404.
    citizen = api_as("citizen")
    assert citizen.get("/api/v1/voice/items").status_code == 403
    assert citizen.post_json("/api/v1/voice/items", {"kind": "article", "title": "x", "audience": "members",
                                                      "org": branch.code}).status_code == 403  # fmt: skip
    assert citizen.get(f"/api/v1/voice/feed/{item_id}").status_code == 404
    assert api_as("working_member").post_json(f"/api/v1/voice/feed/{item_id}/read", {}).status_code == 404
    # The withdraw move needs a reason.
    assert secretary.post_json(f"/api/v1/voice/items/{item_id}/withdraw", {}).status_code == 422
    assert secretary.post_json(f"/api/v1/voice/items/{item_id}/fly", {}).status_code in {404, 422}


def test_district_staff_write_to_residents_and_staff(
    api_as, run_jobs, django_capture_on_commit_callbacks
) -> None:
    community = Membership.objects.get(user__username="community_staff").region
    street = Membership.objects.get(user__username="street_staff").region
    assert community is not None
    assert street is not None
    staff = api_as("community_staff")
    with django_capture_on_commit_callbacks(execute=True):
        created = staff.post_json(
            "/api/v1/voice/items",
            {"kind": "article", "title": "致居民的一封信", "audience": "residents", "region": community.code,
             "publish": True},
        )  # fmt: skip
    assert created.status_code == 201, created.content
    citizen_feed = api_as("citizen").get("/api/v1/voice/feed").json()
    assert created.json()["id"] in [
        i["id"] for part in ("pinned", "today", "earlier") for i in citizen_feed[part]
    ]
    # A community's staff cannot address the street.
    response = staff.post_json(
        "/api/v1/voice/items", {"kind": "notice", "title": "x", "audience": "staff", "region": street.code}
    )
    assert response.status_code == 422
    assert "region" in response.content.decode()
    leader = api_as("leader")
    with django_capture_on_commit_callbacks(execute=True):
        sent = leader.post_json(
            "/api/v1/voice/items",
            {
                "kind": "notice",
                "title": "干部下沉通知",
                "audience": "staff",
                "region": street.code,
                "publish": True,
            },
        )
    assert sent.status_code == 201
    assert sent.json()["recipient_count"] == 0  # counted when the push has run
    assert VoiceItem.objects.get(pk=sent.json()["id"]).recipient_count >= 2  # street and community staff
    grid_worker_feed = api_as("grid_worker").get("/api/v1/voice/feed").json()
    assert sent.json()["id"] in [i["id"] for i in grid_worker_feed["today"] + grid_worker_feed["pinned"]]
