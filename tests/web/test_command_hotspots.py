"""热点问题 in the command centre: the refresh job clusters our own cases, the page shows the hotspots
with their member cases to dispatchers and leaders only, and a hotspot becomes one proactive case or a
supervision of its members (through the workflow). Attackers: other roles, GET, unknown ids, replays."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dangqun.accounts.models import Membership, Role, User
from dangqun.cases.enums import CaseChannel, CaseStatus
from dangqun.cases.models import Case
from dangqun.cases.services.intake import case_create
from dangqun.cases.services.transition import Unit, case_transition
from dangqun.cases.workflow import Action
from dangqun.core.models import AuditEvent
from dangqun.regions.models import Region, RegionLevel
from dangqun.triage.hotspots_services import refresh_hotspots
from dangqun.triage.jobs import refresh_hotspots as refresh_task
from dangqun.triage.models import Hotspot
from tests.web.test_case_page import as_user, lead_department

REPORTS = [
    ("投诉幸福里小区旁边搅拌站噪音扰民", "幸福里小区旁边的搅拌站每天夜里施工,噪音太大,居民无法休息。"),
    ("幸福里小区附近搅拌站夜间施工噪音严重", "搅拌站就在幸福里小区附近,夜间施工噪音严重影响休息。"),
    ("幸福里小区搅拌站扰民问题", "幸福里小区附近建了搅拌站,噪音和粉尘严重,请有关部门处理。"),
    ("请求处理幸福里小区旁搅拌站噪音", "我们是幸福里小区居民,旁边搅拌站噪音扰民,晚上睡不着。"),
]


def _grid() -> Region:
    grid = Membership.objects.get(user__username="grid_worker", role=Role.GRID_WORKER).region
    assert isinstance(grid, Region)
    return grid


def _reports(grid: Region | None = None, reports: list[tuple[str, str]] = REPORTS) -> list[Case]:
    grid, dispatcher = grid or _grid(), User.objects.get(username="dispatcher")
    return [
        case_create(
            actor=dispatcher,
            channel=CaseChannel.HOTLINE_12345,
            title=title,
            description=text,
            lng=grid.centroid_lng,
            lat=grid.centroid_lat,
            reporter_phone=f"1390000000{k}",
        ).case
        for k, (title, text) in enumerate(reports)
    ]


def _hotspot_of(cases: list[Case]) -> Hotspot:
    ids = {c.pk for c in cases}
    for hotspot in Hotspot.objects.all():
        if ids <= set(hotspot.memberships.values_list("case_id", flat=True)):
            return hotspot
    raise AssertionError("the reports did not form one hotspot")


@pytest.fixture
def spot(demo: Any) -> tuple[Hotspot, list[Case]]:
    cases = _reports()
    refresh_hotspots()
    return _hotspot_of(cases), cases


def test_the_refresh_job_clusters_recent_cases_into_a_hotspot(demo: Any) -> None:
    cases = _reports()
    audits = AuditEvent.objects.filter(event_type="triage.hotspots_refreshed").count()

    result = refresh_task.call()

    hotspot = _hotspot_of(cases)
    assert result["hotspots"] == Hotspot.objects.count() >= 1
    assert "搅拌站" in hotspot.title
    assert "幸福里" in hotspot.place
    assert hotspot.n_reporters >= 4
    assert AuditEvent.objects.filter(event_type="triage.hotspots_refreshed").count() == audits + 1


def test_dispatcher_sees_hotspots_with_member_cases_and_the_dashboard_panel(spot: Any) -> None:
    hotspot, cases = spot
    client = as_user("dispatcher")

    page = client.get("/command/hotspots/").content.decode()
    dashboard = client.get("/command/").content.decode()

    assert hotspot.title in page
    assert all(c.code in page for c in cases)
    assert f"/command/hotspots/{hotspot.pk}/proactive/" in page
    assert f"/command/hotspots/#hotspot-{hotspot.pk}" in dashboard


@pytest.mark.parametrize("username", ["citizen", "grid_worker", "department_staff"])
def test_other_roles_may_not_see_or_act_on_hotspots(spot: Any, username: str) -> None:
    hotspot, _ = spot
    client = as_user(username)
    before = Case.objects.count()

    assert client.get("/command/hotspots/").status_code == 403
    assert client.post(f"/command/hotspots/{hotspot.pk}/proactive/").status_code == 403
    assert client.post(f"/command/hotspots/{hotspot.pk}/supervise/", {"reason": "x"}).status_code == 403
    assert Case.objects.count() == before
    assert Client().get("/command/hotspots/").status_code == 302


def test_a_hotspot_becomes_one_proactive_case_listing_its_members(spot: Any) -> None:
    hotspot, cases = spot
    client = as_user("dispatcher")

    response = client.post(f"/command/hotspots/{hotspot.pk}/proactive/")

    hotspot.refresh_from_db()
    created = hotspot.proactive_case
    assert created is not None
    assert response.status_code == 302
    assert response.url == f"/cases/{created.code}/"
    assert created.channel == CaseChannel.PROACTIVE
    assert created.source_ref == f"hotspot:{hotspot.pk}"
    assert all(c.code in created.description for c in cases)
    assert AuditEvent.objects.filter(
        event_type="triage.hotspot_proactive", target_id=str(hotspot.pk)
    ).exists()
    # A replay (double click, second dispatcher) creates nothing more.
    before = Case.objects.count()
    again = client.post(f"/command/hotspots/{hotspot.pk}/proactive/", follow=True)
    assert Case.objects.count() == before
    assert "已转为未诉先办" in again.content.decode()
    # The row survives the next refresh; the page links the proactive case.
    refresh_hotspots()
    assert Hotspot.objects.filter(pk=hotspot.pk, proactive_case=created).exists()
    assert created.code in client.get("/command/hotspots/").content.decode()


def test_supervision_goes_through_the_workflow_and_skips_cases_it_refuses(spot: Any) -> None:
    hotspot, cases = spot
    dispatcher = User.objects.get(username="dispatcher")
    for case in cases[:3]:
        case_transition(case=case, action=Action.ACCEPT, actor=dispatcher)
        case_transition(
            case=case, action=Action.DISPATCH, actor=dispatcher, lead=Unit(department=lead_department())
        )
    client = as_user("dispatcher")

    refused = client.post(f"/command/hotspots/{hotspot.pk}/supervise/", {"reason": "  "}, follow=True)
    assert "请填写督办意见" in refused.content.decode()
    assert not Case.objects.filter(pk__in=[c.pk for c in cases], is_supervised=True).exists()

    response = client.post(
        f"/command/hotspots/{hotspot.pk}/supervise/", {"reason": "集中整治搅拌站噪音"}, follow=True
    )

    text = response.content.decode()
    assert set(Case.objects.filter(pk__in=[c.pk for c in cases], is_supervised=True)) == set(cases[:3])
    assert cases[3].code in text  # still submitted: listed as not supervised
    assert Case.objects.get(pk=cases[3].pk).status == CaseStatus.SUBMITTED
    hotspot.refresh_from_db()
    assert hotspot.supervised_at is not None


def test_wrong_method_and_unknown_hotspot(spot: Any) -> None:
    hotspot, _ = spot
    client = as_user("dispatcher")

    assert client.get(f"/command/hotspots/{hotspot.pk}/proactive/").status_code == 405
    assert client.post("/command/hotspots/999999/proactive/").status_code == 404
    assert client.post("/command/hotspots/999999/supervise/", {"reason": "x"}).status_code == 404


def test_hotspot_page_queries_do_not_grow_with_hotspots_and_members(
    spot: Any, django_assert_max_num_queries: Any
) -> None:
    client = as_user("dispatcher")
    with CaptureQueriesContext(connection) as before:
        assert client.get("/command/hotspots/").status_code == 200
    _reports()  # four more reports of the same problem: more members
    refresh_hotspots()

    with django_assert_max_num_queries(len(before.captured_queries)):
        response = client.get("/command/hotspots/")
    assert response.status_code == 200
    assert Hotspot.objects.filter(memberships__isnull=False).distinct().exists()


ELSEWHERE = [
    ("青松苑3号楼电梯频繁故障困人", "青松苑3号楼的电梯这个月已经坏了三次,昨天又把老人困在里面半个小时。"),
    ("投诉青松苑3号楼电梯经常停运", "青松苑3号楼电梯经常停运,维保单位来了也修不好,老人上下楼很困难。"),
    ("请尽快维修青松苑3号楼电梯", "我们是青松苑3号楼住户,电梯频繁故障,多次困人,请督促物业和维保单位维修。"),
]


def test_a_community_sees_its_own_hotspot_when_the_districts_hottest_lie_elsewhere(demo: Any) -> None:
    mine = _grid()
    community = mine.parent.parent if mine.parent else None
    assert community is not None
    assert community.level == RegionLevel.COMMUNITY
    other = (
        Region.objects.filter(level=RegionLevel.GRID)
        .exclude(path__startswith=community.path)
        .order_by("path")
        .first()
    )
    assert other is not None
    hottest = _reports(other)  # another community's burst, hotter: four reporters
    ours = _reports(mine, ELSEWHERE)  # three reporters in the persona's community

    refresh_hotspots(top=1)

    first, second = _hotspot_of(hottest), _hotspot_of(ours)
    assert first.rank < second.rank  # ranks stay the district's
    staff_page = as_user("community_staff").get("/command/hotspots/").content.decode()
    assert second.title in staff_page
    assert first.title not in staff_page  # out of the community's scope
    dispatcher_page = as_user("dispatcher").get("/command/hotspots/").content.decode()
    assert first.title in dispatcher_page
