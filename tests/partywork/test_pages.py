"""党员服务 pages with the demo personas: the public 智慧导航, the member's page, the community's page,
the unit's feedback and the ranking — a whole walk through the forms, and who is turned away."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from dangqun.accounts.models import User
from dangqun.core import clock
from dangqun.partywork.models import MemberReport, NavPoint, ReportStatus, ServicePost, ServiceSignup

pytestmark = pytest.mark.django_db


def _as(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _persona_report() -> MemberReport:
    return MemberReport.objects.select_related("community_org", "unit_org").get(
        member__user__username="working_member", status=ReportStatus.ACCEPTED
    )


def test_anonymous_visitor_sees_the_nearest_service_site_first(demo) -> None:
    point = NavPoint.objects.filter(kind="service_site").order_by("pk").first()
    assert point is not None
    page = Client().get(f"/partywork/nav/?lat={point.lat}&lng={point.lng}").content.decode()
    first = page.index('class="list-item nav-point"')
    assert page.index(point.name, first) < page.index("</li>", first)
    assert "vendor/leaflet/leaflet.js" in page
    assert "0.00 公里" in page
    # Search by name, no location.
    assert point.name in Client().get("/partywork/nav/", {"q": point.name}).content.decode()
    assert Client().get("/partywork/nav/?lat=abc&lng=1").status_code == 200


def test_the_walk_through_the_pages(demo, django_assert_max_num_queries) -> None:
    report = _persona_report()
    code = report.community_org.code
    member, staff = _as("working_member"), _as("community_staff")
    page = member.get("/citizen/partywork/").content.decode()
    assert report.community_org.name in page
    before = Decimal(member.get("/api/v1/partywork/me").json()["hours"])
    # The community posts a 服务岗 for today; the member signs up; the community confirms two hours.
    response = staff.post(
        f"/partywork/communities/{code}/posts/",
        {"title": "矩阵楼道清理", "date": clock.local_today().isoformat(), "slots": "3", "hours": "2"},
    )
    assert response.status_code == 302
    post = ServicePost.objects.get(title="矩阵楼道清理")
    assert "矩阵楼道清理" in member.get("/citizen/partywork/").content.decode()
    assert member.post(f"/partywork/posts/{post.pk}/signup/").status_code == 302
    signup = ServiceSignup.objects.get(post=post)
    with django_assert_max_num_queries(60):
        community = staff.get(f"/partywork/communities/{code}/").content.decode()
    assert f'id="signup-{signup.pk}"' in community
    assert staff.post(f"/partywork/signups/{signup.pk}/confirm/", {"hours": "2"}).status_code == 302
    signup.refresh_from_db()
    assert signup.status == "confirmed"
    assert Decimal(member.get("/api/v1/partywork/me").json()["hours"]) == before + 2
    # 双报到: the unit's page (the street's 党工委 holds the unit branch) and the ranking.
    unit = _as("party_admin").get(f"/partywork/units/{report.unit_org.code}/").content.decode()
    assert report.member.name in unit
    assert report.unit_org.name in member.get("/partywork/ranking/").content.decode()


def test_a_new_report_is_accepted_on_the_community_page(demo) -> None:
    report = _persona_report()
    member, staff = _as("working_member"), _as("community_staff")
    assert member.post(f"/partywork/reports/{report.pk}/end/", {"reason": "搬家"}).status_code == 302
    assert "report-form" in member.get("/citizen/partywork/").content.decode()
    member.post("/citizen/partywork/report/", {"community": report.community_org.code, "skills": "维修"})
    new = MemberReport.objects.get(member=report.member, status=ReportStatus.PENDING)
    page = staff.get(f"/partywork/communities/{report.community_org.code}/").content.decode()
    assert f'id="report-{new.pk}"' in page
    staff.post(f"/partywork/reports/{new.pk}/accept/", {"next": "/partywork/"})
    new.refresh_from_db()
    assert new.status == ReportStatus.ACCEPTED


def test_others_are_turned_away(demo) -> None:
    report = _persona_report()
    code = report.community_org.code
    secretary = _as("branch_secretary")
    assert secretary.get(f"/partywork/communities/{code}/").status_code == 404
    assert secretary.get(f"/partywork/units/{report.unit_org.code}/").status_code == 404
    assert secretary.post(f"/partywork/reports/{report.pk}/end/", {"reason": "x"}).status_code == 404
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    assert Client().get("/citizen/partywork/").status_code == 302
    assert "未关联党员档案" in _as("citizen").get("/citizen/partywork/").content.decode()
    assert code in _as("community_staff").get("/partywork/").content.decode()
