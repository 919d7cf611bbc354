"""党员服务 through the API with the demo personas: 智慧导航, 报到 and its decision, 服务岗 sign-up and
confirmed hours, the unit's 双报到 feedback — and what an attacker would try."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from dangqun.core import clock
from dangqun.orgs.models import PartyOrg
from dangqun.partywork.models import MemberReport, NavPoint, ReportStatus

pytestmark = pytest.mark.django_db


def _persona_report() -> MemberReport:
    return MemberReport.objects.select_related("community_org", "unit_org").get(
        member__user__username="working_member", status=ReportStatus.ACCEPTED
    )


def test_anonymous_visitor_finds_the_nearest_first(demo) -> None:
    point = NavPoint.objects.filter(kind="service_site").order_by("pk").first()
    assert point is not None
    body = Client().get(f"/api/v1/partywork/nav?lat={point.lat}&lng={point.lng}&limit=8").json()
    assert body[0]["id"] == point.pk
    assert body[0]["km"] == 0
    kms = [row["km"] for row in body]
    assert kms == sorted(kms)
    assert len(body) == 8
    assert body[0]["opening_hours"]
    assert body[0]["address"]
    assert NavPoint.objects.filter(is_active=True).count() >= 20


def test_nav_bad_input_names_the_field(demo) -> None:
    client = Client()
    assert client.get("/api/v1/partywork/nav?lat=95&lng=120").json()["errors"].keys() >= {"lat"}
    response = client.get("/api/v1/partywork/nav?lat=40")
    assert response.status_code == 422
    assert "lng" in response.json()["errors"]
    assert client.get("/api/v1/partywork/nav?kind=bogus").status_code == 422
    assert client.get("/api/v1/partywork/nav?q=党群服务").status_code == 200


def test_working_member_reports_in_and_the_community_decides(api_as) -> None:
    member = api_as("working_member")
    staff = api_as("community_staff")
    report = _persona_report()
    code = report.community_org.code
    # Already reported in: a second request is a conflict.
    assert member.post_json("/api/v1/partywork/reports", {"community": code}).status_code == 409
    ended = member.post_json(f"/api/v1/partywork/reports/{report.pk}/end", {"reason": "搬家"})
    assert ended.status_code == 200, ended.content
    assert ended.json()["status"] == "ended"
    created = member.post_json("/api/v1/partywork/reports", {"community": code, "skills": "法律咨询"})
    assert created.status_code == 201, created.content
    new = created.json()
    assert new["status"] == "pending"
    assert new["moves"] == ["withdraw"]
    # The member cannot accept their own request; a branch secretary below the community cannot see it.
    assert member.post_json(f"/api/v1/partywork/reports/{new['id']}/accept", {}).status_code == 403
    assert (
        api_as("branch_secretary").post_json(f"/api/v1/partywork/reports/{new['id']}/accept", {}).status_code
        == 404
    )
    # Declining needs a reason.
    refused = staff.post_json(f"/api/v1/partywork/reports/{new['id']}/decline", {})
    assert refused.status_code == 422
    assert "reason" in refused.json()["errors"]
    pending = staff.get(f"/api/v1/partywork/communities/{code}/reports?status=pending").json()
    assert new["id"] in [r["id"] for r in pending]
    accepted = staff.post_json(f"/api/v1/partywork/reports/{new['id']}/accept", {})
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    again = staff.post_json(f"/api/v1/partywork/reports/{new['id']}/accept", {})
    assert again.status_code == 409


def test_report_refusals(api_as) -> None:
    member = api_as("working_member")
    assert member.post_json("/api/v1/partywork/reports", {"community": "NO-SUCH"}).status_code == 404
    assert member.post_json("/api/v1/partywork/reports", {"community": ""}).json()["errors"].keys() >= {
        "community"
    }
    org = _persona_report().community_org
    # A member whose branch is in a community, not a unit, is no 在职党员.
    response = api_as("party_member").post_json("/api/v1/partywork/reports", {"community": org.code})
    assert response.status_code == 409
    # A closed community organisation: 409.
    MemberReport.objects.filter(member__user__username="working_member").update(status=ReportStatus.ENDED)
    PartyOrg.objects.filter(pk=org.pk).update(is_active=False)
    assert member.post_json("/api/v1/partywork/reports", {"community": org.code}).status_code == 409
    # Another community's list is not the branch secretary's.
    assert (
        api_as("branch_secretary").get(f"/api/v1/partywork/communities/{org.code}/reports").status_code == 404
    )


def test_service_post_sign_up_and_confirmed_hours(api_as) -> None:
    member = api_as("working_member")
    staff = api_as("community_staff")
    report = _persona_report()
    code = report.community_org.code
    today = clock.local_today()
    before = Decimal(member.get("/api/v1/partywork/me").json()["hours"])
    made = staff.post_json(
        f"/api/v1/partywork/communities/{code}/posts",
        {"title": "楼道清理", "date": today.isoformat(), "slots": 1, "hours": "2", "category": "环境整治"},
    )
    assert made.status_code == 201, made.content
    post = made.json()
    assert post["id"] in [p["id"] for p in member.get("/api/v1/partywork/me").json()["open_posts"]]
    signed = member.post_json(f"/api/v1/partywork/posts/{post['id']}/signups", {})
    assert signed.status_code == 201, signed.content
    signup = signed.json()
    assert member.post_json(f"/api/v1/partywork/posts/{post['id']}/signups", {}).status_code == 409
    # The member cannot confirm their own hours; bad hours name the field and change nothing.
    assert (
        member.post_json(f"/api/v1/partywork/signups/{signup['id']}/confirm", {"hours": "2"}).status_code
        == 403
    )
    bad = staff.post_json(f"/api/v1/partywork/signups/{signup['id']}/confirm", {"hours": "abc"})
    assert bad.status_code == 422
    assert "hours" in bad.json()["errors"]
    assert (
        staff.post_json(f"/api/v1/partywork/signups/{signup['id']}/confirm", {"hours": "20"}).status_code
        == 422
    )
    assert staff.post_json(f"/api/v1/partywork/signups/{signup['id']}/confirm", {}).status_code == 422
    ok = staff.post_json(f"/api/v1/partywork/signups/{signup['id']}/confirm", {"hours": "2"})
    assert ok.status_code == 200, ok.content
    assert ok.json()["status"] == "confirmed"
    assert (
        staff.post_json(f"/api/v1/partywork/signups/{signup['id']}/confirm", {"hours": "2"}).status_code
        == 409
    )
    me = member.get("/api/v1/partywork/me").json()
    assert Decimal(me["hours"]) == before + 2
    # 双报到: the member's unit sees the hours (the system administrator reads every unit).
    feedback = api_as("sysadmin").get(f"/api/v1/partywork/units/{report.unit_org.code}/feedback").json()
    row = next(r for r in feedback if r["member_id"] == report.member_id)
    assert Decimal(row["hours"]) == before + 2
    ranking = member.get("/api/v1/partywork/ranking").json()
    assert report.unit_org.code in [r["code"] for r in ranking]
    # The street's 党工委 holds the unit's branch and reads it; a compound branch's secretary does not.
    assert (
        api_as("party_admin").get(f"/api/v1/partywork/units/{report.unit_org.code}/feedback").status_code
        == 200
    )
    assert (
        api_as("branch_secretary").get(f"/api/v1/partywork/units/{report.unit_org.code}/feedback").status_code
        == 404
    )


def test_a_future_post_cannot_be_confirmed_and_full_posts_refuse(api_as) -> None:
    member = api_as("working_member")
    staff = api_as("community_staff")
    code = _persona_report().community_org.code
    day = (clock.local_today() + dt.timedelta(days=3)).isoformat()
    post = staff.post_json(
        f"/api/v1/partywork/communities/{code}/posts", {"title": "助老", "date": day, "slots": 1}
    ).json()
    signup = member.post_json(f"/api/v1/partywork/posts/{post['id']}/signups", {}).json()
    assert signup["moves"] == ["cancel"]
    assert (
        staff.post_json(f"/api/v1/partywork/signups/{signup['id']}/confirm", {"hours": "2"}).status_code
        == 409
    )
    past = staff.post_json(
        f"/api/v1/partywork/communities/{code}/posts", {"title": "x", "date": "2020-01-01", "slots": 1}
    )
    assert past.status_code == 422
    assert "date" in past.json()["errors"]
    assert (
        staff.post_json(
            f"/api/v1/partywork/communities/{code}/posts", {"title": "x", "date": day, "slots": 0}
        ).status_code
        == 422
    )
    # A member not reported in there cannot see the post.
    assert api_as("party_member").post_json(
        f"/api/v1/partywork/posts/{post['id']}/signups", {}
    ).status_code in {403, 404}
    assert api_as("branch_secretary").get(f"/api/v1/partywork/posts/{post['id']}/signups").status_code == 404
    cancelled = member.post_json(f"/api/v1/partywork/signups/{signup['id']}/cancel", {})
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
