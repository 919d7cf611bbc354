"""The volunteer pages: the resident's phone walk (find → sign up → check in) and the organiser's
workbench (publish, see sign-ups masked, confirm hours, the check-in QR)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from dangqun.accounts.models import User
from dangqun.core import clock as app_clock
from dangqun.volunteers.models import Activity, HoursEntry, SignUp

pytestmark = pytest.mark.django_db


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _publish(staff: Client) -> Activity:
    day = (app_clock.local_today() + dt.timedelta(days=2)).isoformat()
    response = staff.get("/volunteers/workbench/")
    assert response.status_code == 200
    region = response.context["regions"][0].code
    posted = staff.post(
        "/volunteers/workbench/publish",
        {
            "region": region,
            "title": "普法宣传进小区",
            "kind": "law",
            "place": "演示社区党群服务站",
            "lat": "40.13",
            "lng": "124.39",
            "radius": "300",
            "day": day,
            "start": "09:00",
            "end": "11:00",
            "slots": "1",
            "hours": "2",
        },
    )
    assert posted.status_code == 302, posted.content.decode()[:2000]
    return Activity.objects.get(title="普法宣传进小区", starts_at__date__gte=app_clock.local_today())


def test_publish_with_bad_input_names_the_field() -> None:
    staff = _client("community_staff")
    response = staff.post("/volunteers/workbench/publish", {"title": "", "day": "x"})
    assert response.status_code == 422
    assert "请选择主办区域" in response.content.decode()
    assert _client("citizen").get("/volunteers/workbench/").status_code == 403


def test_resident_signs_up_checks_in_and_the_organiser_confirms(clock) -> None:
    staff, citizen = _client("community_staff"), _client("citizen")
    activity = _publish(staff)
    home = citizen.get("/volunteers/")
    assert home.status_code == 200
    assert activity.title in home.content.decode()
    page = citizen.get(f"/volunteers/activities/{activity.pk}/")
    assert "我要报名" in page.content.decode()
    assert citizen.post(f"/volunteers/activities/{activity.pk}/signup").status_code == 302
    # the one place is taken: the next one is offered the waiting list
    full = _client("party_member").get(f"/volunteers/activities/{activity.pk}/")
    assert "名额已满,报名候补" in full.content.decode()

    signup = SignUp.objects.get(activity=activity, volunteer__user__username="citizen")
    qr = staff.get(f"/volunteers/workbench/activities/{activity.pk}/qr.svg")
    assert qr.status_code == 200
    assert qr["Content-Type"] == "image/svg+xml"
    assert citizen.get(f"/volunteers/workbench/activities/{activity.pk}/qr.svg").status_code == 404

    with clock.frozen(activity.starts_at + dt.timedelta(minutes=1)):
        scanned = citizen.get(f"/volunteers/activities/{activity.pk}/?code={activity.check_in_code}")
        assert f'value="{activity.check_in_code}"' in scanned.content.decode()
        far = citizen.post(
            f"/volunteers/signups/{signup.pk}/check_in", {"lat": "40.2", "lng": "124.39"}, follow=True
        )
        assert "超出签到范围" in far.content.decode()
        done = citizen.post(f"/volunteers/signups/{signup.pk}/check_in", {"code": activity.check_in_code})
        assert done.status_code == 302
    with clock.frozen(activity.ends_at):
        manage = staff.get(f"/volunteers/workbench/activities/{activity.pk}/")
        html = manage.content.decode()
        assert "刘**" in html
        assert "刘桂兰" not in html
        assert "认定时长" in html
        staff.post(
            f"/volunteers/signups/{signup.pk}/confirm",
            {"next": f"/volunteers/workbench/activities/{activity.pk}/"},
        )
        staff.post(f"/volunteers/signups/{signup.pk}/confirm", {})
    assert HoursEntry.objects.filter(activity=activity).count() == 1
    mine = citizen.get("/volunteers/").content.decode()
    assert 'id="star-progress"' in mine or "已达到最高星级" in mine


def test_teams_page_lists_teams_and_the_owner_approves() -> None:
    worker = _client("working_member")
    page = worker.get("/volunteers/teams/")
    assert page.status_code == 200
    team, _totals, _mine = page.context["teams"][0]
    assert worker.post(f"/volunteers/teams/{team.pk}/join").status_code == 302
    staff_page = _client("community_staff").get("/volunteers/teams/")
    pending = [m for m, _name in staff_page.context["pending"] if m.team_id == team.pk]
    assert pending
    assert "韩*" in staff_page.content.decode()
