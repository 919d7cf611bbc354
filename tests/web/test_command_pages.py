"""指挥中心: who may open it, the triage queue and one-action dispatch, supervision, map data, big screen,
and the query counts of each page (they do not grow with the number of cases)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dangqun.accounts.models import User
from dangqun.cases.enums import CaseStatus
from dangqun.cases.models import Case, CaseEvent
from dangqun.cases.services.transition import case_transition
from dangqun.cases.workflow import Action
from tests.web.test_case_page import as_user, dispatched_case, lead_department, new_case

PAGE_BUDGET = 200 * 1024


@pytest.mark.parametrize(
    ("username", "target"),
    [("dispatcher", "/command/"), ("leader", "/command/"), ("department_staff", "/workbench/")],
)
def test_pc_roles_land_on_their_own_home(demo: Any, username: str, target: str) -> None:
    response = as_user(username).get("/")

    assert response.status_code == 302
    assert response.url == target


@pytest.mark.parametrize("username", ["citizen", "grid_worker", "department_staff", "party_admin"])
def test_others_may_not_open_the_command_centre(demo: Any, username: str) -> None:
    client = as_user(username)

    for path in ("/command/", "/command/supervision/", "/command/map/cases.json", "/command/screen/"):
        assert client.get(path).status_code == 403, path
    assert 'data-nav="command"' not in client.get("/find-grid/").content.decode()


def test_anonymous_visitors_are_sent_to_login(demo: Any) -> None:
    response = Client().get("/command/")

    assert response.status_code == 302
    assert response.url.startswith("/login/")


def test_dashboard_shows_kpis_queue_suggestion_and_rankings(demo: Any) -> None:
    case = new_case("楼道堆物堵塞通道")
    Case.objects.filter(pk=case.pk).update(
        suggested_route={
            "rule_name": "测试规则",
            "lead_department": lead_department().code,
            "triage": {"category": "X", "category_name": "消防安全", "confidence": 0.87, "top": []},
        }
    )

    html = as_user("dispatcher").get("/command/").content.decode()

    for label in ("受理", "办结", "办结率", "按时办结率", "满意率", "待派单队列", "单位排名"):
        assert label in html, label
    assert "楼道堆物堵塞通道" in html
    assert "消防安全" in html
    assert "置信度 87%" in html
    assert f'value="d:{lead_department().code}" selected' in html
    assert 'id="chart-data"' in html
    assert 'data-nav="command"' in html


def test_leader_sees_the_queue_but_no_dispatch_form(demo: Any) -> None:
    new_case("领导只看不派")

    html = as_user("leader").get("/command/").content.decode()

    assert "领导只看不派" in html
    assert "/command/dispatch/" not in html


def test_one_action_dispatch_from_the_queue_and_a_stale_second_try(demo: Any) -> None:
    case = new_case()
    dept = lead_department()
    form = {"lead": f"d:{dept.code}", "expected_version": case.version, "next": "/command/"}

    first = as_user("dispatcher").post(f"/command/dispatch/{case.code}/", form)
    second = as_user("dispatcher").post(f"/command/dispatch/{case.code}/", form, follow=True)

    assert first.status_code == 302
    assert first.url == "/command/"
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED
    assert CaseEvent.objects.filter(case=case, event_type="dispatched").count() == 1
    assert "诉求已被他人更新" in second.content.decode()


def test_dispatch_with_an_unknown_unit_changes_nothing(demo: Any) -> None:
    case = new_case()

    response = as_user("dispatcher").post(
        f"/command/dispatch/{case.code}/", {"lead": "d:NOPE", "next": "https://evil.example/"}, follow=True
    )

    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert response.redirect_chain[0][0] == f"/cases/{case.code}/"
    assert "未知的办理单位" in response.content.decode()


def test_supervision_lists_overdue_and_extension_requests(demo: Any) -> None:
    case = dispatched_case()
    staff = User.objects.get(username="department_staff")
    case_transition(case=case, action=Action.REQUEST_EXTENSION, actor=staff, reason="材料未到", days="2")

    html = as_user("dispatcher").get("/command/supervision/").content.decode()

    assert "超期清单" in html
    assert "待审批延期" in html
    assert "材料未到" in html
    assert f"/cases/{case.code}/" in html


def test_map_data_are_geojson_and_bad_filters_are_422_in_chinese(demo: Any) -> None:
    case = new_case("地图上的诉求")
    client = as_user("dispatcher")

    cases = client.get("/command/map/cases.json").json()
    grids = client.get("/command/map/grids.json").json()
    bad_date = client.get("/command/map/cases.json?from=2026-13-40")
    bad_category = client.get("/command/map/cases.json?category=NOPE")

    codes = [f["properties"]["code"] for f in cases["features"]]
    assert case.code in codes
    assert grids["features"]
    assert grids["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert bad_date.status_code == 422
    assert "日期格式" in bad_date.json()["detail"]
    assert bad_category.status_code == 422
    assert "未知分类编码" in bad_category.json()["detail"]


def test_map_filters_by_status(demo: Any) -> None:
    submitted = new_case()
    dispatched = dispatched_case()

    data = as_user("dispatcher").get("/command/map/cases.json?status=dispatched").json()

    codes = {f["properties"]["code"] for f in data["features"]}
    assert dispatched.code in codes
    assert submitted.code not in codes


def test_big_screen_polls_and_returns_its_panel_to_htmx(demo: Any) -> None:
    client = as_user("leader")

    page = client.get("/command/screen/").content.decode()
    panel = client.get("/command/screen/", HTTP_HX_REQUEST="true").content.decode()

    assert re.search(r'hx-trigger="every \d+s"', page)
    assert "/static/vendor/htmx/htmx.min.js" in page
    assert panel.lstrip().startswith('<div id="screen-panel"')
    assert "<html" not in panel


def test_pages_have_no_inline_scripts_and_charts_only_where_drawn(demo: Any) -> None:
    client = as_user("dispatcher")
    for path in ("/command/", "/command/supervision/", "/command/map/", "/command/screen/"):
        html = client.get(path).content.decode()
        scripts = re.findall(r"<script([^>]*)>", html)
        assert all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts), path
        assert not re.search(r"\son[a-z]+=", html), path
        assert len(html.encode()) < PAGE_BUDGET, path
    assert "echarts" not in client.get("/command/supervision/").content.decode()
    assert "echarts" not in client.get("/command/map/").content.decode()


def test_chart_data_carry_every_grouping(demo: Any) -> None:
    html = as_user("dispatcher").get("/command/?period=365").content.decode()

    raw = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html, re.S)
    assert raw is not None
    data = json.loads(raw.group(1))
    assert set(data) == {"street", "department", "category", "time"}
    assert all(len(s["labels"]) == len(s["accepted"]) for s in data.values())


def _grow() -> None:
    """More cases in every state the pages show: new, dispatched, overdue-able, supervised."""
    dispatcher = User.objects.get(username="dispatcher")
    for i in range(4):
        new_case(f"增加的诉求{i}")
        case = dispatched_case()
        case_transition(case=case, action=Action.SUPERVISE, actor=dispatcher, reason="督办")
    Case.objects.filter(status=CaseStatus.DISPATCHED).update(resolve_due_at="2020-01-01T00:00:00Z")


@pytest.mark.parametrize(
    "path",
    [
        "/command/",
        "/command/supervision/",
        "/command/map/",
        "/command/map/cases.json",
        "/command/map/grids.json",
        "/command/screen/",
    ],
)
def test_command_pages_queries_do_not_grow_with_cases(
    demo: Any, path: str, django_assert_max_num_queries: Any
) -> None:
    client = as_user("dispatcher")
    new_case("起点")
    dispatched_case()
    with CaptureQueriesContext(connection) as before:
        assert client.get(path).status_code == 200
    _grow()

    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(path).status_code == 200
