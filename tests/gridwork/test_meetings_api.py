"""研判 meetings through the API and the pages: the community records a 周研判 with a case and a
decision owned by its grid worker, who marks it done through the door; bad input names its field and
writes nothing; other regions are 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from dangqun.accounts.models import Membership, Role
from dangqun.cases.models import Case
from dangqun.core import clock
from dangqun.demo.personas import DEMO_PASSWORD
from dangqun.gridwork.models import Decision, DecisionStatus, Meeting

URL = "/api/v1/gridwork/meetings"


@pytest.fixture
def community(grid_world):  # type: ignore[no-untyped-def]
    membership = Membership.objects.select_related("region").get(
        user__username="community_staff", role=Role.COMMUNITY_STAFF
    )
    assert grid_world.grid.path.startswith(membership.region.path), "the personas share a community"
    return membership.region


def _body(community, **fields):  # type: ignore[no-untyped-def]
    today = clock.local_today()
    body = {
        "region": community.code,
        "kind": "weekly",
        "held_on": today.isoformat(),
        "topic": "本周高频诉求研判",
        "attendees": "书记、网格长、网格员",
        "minutes": "逐件研判",
        "decisions": [
            {
                "text": "楼道堆物督促物业清理",
                "owner": "grid_worker",
                "due_date": (today + dt.timedelta(days=7)).isoformat(),
            }
        ],
    }
    body.update(fields)
    return body


def test_a_meeting_with_a_decision_its_owner_marks_done(api_as, community) -> None:
    case = Case.objects.filter(grid__path__startswith=community.path).order_by("-id").first()
    assert case is not None
    staff = api_as("community_staff")
    recorded = staff.post_json(URL, _body(community, cases=[case.code]))
    assert recorded.status_code == 201, recorded.content
    meeting = recorded.json()
    assert meeting["cases"] == [case.code]
    decision = meeting["decisions"][0]
    assert decision["owner"] == "grid_worker" or decision["owner"]
    assert decision["status"] == "open"
    assert decision["overdue"] is False

    worker = api_as("grid_worker")
    mine = worker.get("/api/v1/gridwork/decisions?mine=true").json()
    assert decision["id"] in [d["id"] for d in mine]
    done = worker.post_json(f"/api/v1/gridwork/decisions/{decision['id']}/done", {"note": "物业已清理"})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == DecisionStatus.DONE
    assert worker.post_json(f"/api/v1/gridwork/decisions/{decision['id']}/done", {}).status_code == 409
    assert staff.get(f"{URL}/{meeting['id']}").json()["decisions"][0]["done_note"] == "物业已清理"


def test_bad_input_names_its_field_and_writes_nothing(api_as, community) -> None:
    staff = api_as("community_staff")
    today = clock.local_today()
    before = Meeting.objects.count(), Decision.objects.count()
    cases = [
        ({"held_on": (today + dt.timedelta(days=1)).isoformat()}, "held_on"),
        ({"kind": "yearly"}, "kind"),
        ({"topic": ""}, "topic"),
        ({"region": "no-such-region"}, "region"),
        ({"cases": ["Z-19990101-0001"]}, "cases.1"),
        (
            {"decisions": [{"text": "x", "owner": "citizen", "due_date": today.isoformat()}]},
            "decisions.1.owner",
        ),
        (
            {
                "decisions": [
                    {
                        "text": "x",
                        "owner": "grid_worker",
                        "due_date": (today - dt.timedelta(days=3)).isoformat(),
                    }
                ]
            },
            "decisions.1.due_date",
        ),
    ]
    for fields, field in cases:
        response = staff.post_json(URL, _body(community, **fields))
        assert response.status_code == 422, (fields, response.content)
        assert field in response.content.decode(), (fields, response.content)
    assert (Meeting.objects.count(), Decision.objects.count()) == before


def test_scope_and_roles(api_as, community, grid_world) -> None:
    other = (
        Meeting.objects.exclude(region_path__startswith=community.path)
        .exclude(region_path__in=[community.path[: i + 1] for i, c in enumerate(community.path) if c == "/"])
        .first()
    )
    assert other is not None, "the demo holds meetings in other communities"
    assert api_as("community_staff").get(f"{URL}/{other.pk}").status_code == 404
    assert api_as("citizen").get(f"{URL}/{other.pk}").status_code == 404
    assert api_as("citizen").get(URL).json() == []
    other_community = other.region
    assert api_as("community_staff").post_json(URL, _body(other_community)).status_code == 404
    # a grid worker attends and owns decisions, but does not record a community's meeting
    assert api_as("grid_worker").post_json(URL, _body(community)).status_code == 404
    decision = Decision.objects.filter(meeting=other, status=DecisionStatus.OPEN).first()
    if decision is not None:
        assert (
            api_as("grid_worker").post_json(f"/api/v1/gridwork/decisions/{decision.pk}/done", {}).status_code
            == 404
        )


def _login(username: str) -> Client:
    client = Client()
    assert client.post("/login/", {"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


def test_the_pages_record_and_mark_done(community) -> None:
    staff = _login("community_staff")
    page = staff.get("/gridwork/meetings/")
    assert page.status_code == 200
    assert 'id="meeting-list"' in page.content.decode()
    form = staff.get("/gridwork/meetings/new/")
    assert form.status_code == 200
    due = (clock.local_today() + dt.timedelta(days=3)).isoformat()
    posted = staff.post(
        "/gridwork/meetings/new/",
        {"region": community.code, "kind": "daily", "held_on": clock.local_today().isoformat(),
         "topic": "日碰头:昨夜路灯报修", "d1_text": "联系城管局修复路灯", "d1_owner": "grid_worker",
         "d1_due": due},
    )  # fmt: skip
    assert posted.status_code == 302, posted.content.decode()[:2000]
    meeting = Meeting.objects.get(topic="日碰头:昨夜路灯报修")
    decision = meeting.decisions.get()
    worker = _login("grid_worker")
    assert "联系城管局修复路灯" in worker.get("/gridwork/meetings/").content.decode()
    worker.post(f"/gridwork/decisions/{decision.pk}/done/", {"note": "已修复"})
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DONE
    bad = staff.post(
        "/gridwork/meetings/new/",
        {"region": community.code, "kind": "daily", "held_on": "tomorrow", "topic": "x"},
    )
    assert bad.status_code == 200
    assert "YYYY-MM-DD" in bad.content.decode()
    assert _login("citizen").get("/gridwork/meetings/new/").status_code == 403
