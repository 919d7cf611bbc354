"""The pages: the community's four lists with counts, a need's page offering only the door's moves
(claim, then 立项 with the ranked resources), and the public wall without a login."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from dangqun.accounts.models import Membership, Role, User
from dangqun.community.models import CoUnit, Need, NeedStatus
from dangqun.core import clock


def _login(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_lists_need_and_wall_pages(demo):
    community = Membership.objects.get(user__username="community_staff", role=Role.COMMUNITY_STAFF).region
    staff = _login("community_staff")
    page = staff.get(f"/community/regions/{community.code}/")
    assert page.status_code == 200
    html = page.content.decode()
    for key in ("needs", "resources", "projects", "responsibilities"):
        assert f'data-list="{key}"' in html
    need = Need.objects.filter(region__path__subtree=community.path, status=NeedStatus.PUBLISHED).first()
    assert need is not None
    html = staff.get(f"/community/needs/{need.pk}/").content.decode()
    assert 'data-action="claim"' in html
    assert 'data-action="start"' not in html  # the door does not offer 立项 before a claim
    assert 'id="matches"' in html
    unit = CoUnit.objects.filter(region=community).order_by("id").first()
    r = staff.post(f"/community/needs/{need.pk}/act/", {"action": "claim", "unit_id": unit.pk})
    assert r.status_code == 302
    html = staff.get(f"/community/needs/{need.pk}/").content.decode()
    assert 'data-action="start"' in html
    # a bad due date: 422, nothing changes
    r = staff.post(
        f"/community/needs/{need.pk}/act/", {"action": "start", "owner_name": "张明", "due_on": "x"}
    )
    assert r.status_code == 422
    due = (clock.local_today() + dt.timedelta(days=10)).isoformat()
    r = staff.post(
        f"/community/needs/{need.pk}/act/", {"action": "start", "owner_name": "张明", "due_on": due}
    )
    assert r.status_code == 302
    assert Need.objects.get(pk=need.pk).status == NeedStatus.IN_PROGRESS
    # claiming again from a stale form: 409
    r = staff.post(f"/community/needs/{need.pk}/act/", {"action": "claim", "unit_id": unit.pk})
    assert r.status_code == 409
    # the public wall: no login, counts and resolved items, no full names
    wall = Client().get(f"/wall/{community.code}/")
    assert wall.status_code == 200
    html = wall.content.decode()
    assert "★" in html
    resolved = Need.objects.filter(region__path__subtree=community.path, status=NeedStatus.RESOLVED).first()
    assert resolved is not None
    assert resolved.title in html
    assert resolved.raiser_name not in html
