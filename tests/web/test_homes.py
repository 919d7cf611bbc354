"""Each role signs in and gets its own home, showing its own scope and not another's."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangqun.registry.models import Facility, FacilityKind
from tests.web.conftest import World


def _nav_keys(html: str) -> set[str]:
    return set(re.findall(r'data-nav="([a-z_]+)"', html))


@pytest.mark.parametrize(
    ("username", "shown", "hidden"),
    [
        (
            "grid_worker",
            ["我的网格", "锦江一网格", "刘网格", "13600000001", "锦江花园1号楼", "张大爷"],
            ["春江", "金山街道"],
        ),
        ("grid_leader", ["锦江一网格", "周网格长", "五级责任链"], ["春江", "金山街道"]),
        (
            "community_staff",
            ["锦江社区", "锦江一网格", "锦江二网格", "独居老人", "锦江社区党委"],
            ["春江", "金山街道"],
        ),
        ("street_staff", ["六道口街道", "锦江社区"], ["春江社区", "金山街道"]),
        ("dispatcher", ["指挥中心", "待派单队列", "按时办结率", "调度小郑"], ["春江一网格"]),
        ("leader", ["指挥中心", "待派单队列", "满意率"], ["春江一网格"]),
        ("department_staff", ["部门工作台", "待签收", "城管小吴"], ["区水务局", "消火栓"]),
        ("party_admin", ["锦江社区党委", "锦江花园小区党支部", "李书记"], ["春江社区党委", "金山街道党工委"]),
        ("sysadmin", ["系统概况", "regions.boundary_changed", "/admin/"], []),
    ],
)
def test_each_role_gets_its_own_home(client_as, username: str, shown: list[str], hidden: list[str]) -> None:
    client = client_as(username)

    response = client.get("/", follow=True)

    assert response.status_code == 200
    html = response.content.decode()
    for text in shown:
        assert text in html, text
    for text in hidden:
        assert text not in html, text


def test_header_shows_name_and_role(client_as) -> None:
    html = client_as("grid_worker").get("/").content.decode()

    header = html[html.index("<header") : html.index("</header>")]
    assert "刘网格" in header
    assert "网格员 · 锦江一网格" in header
    assert 'action="/logout/"' in header
    assert "csrfmiddlewaretoken" in header


def test_citizen_home_is_the_citizen_app(client_as) -> None:
    client = client_as("citizen")

    response = client.get("/", follow=True)

    assert response.redirect_chain[-1][0] == "/citizen/"
    html = response.content.decode()
    assert "我要反映" in html
    assert 'href="/find-grid/"' in html


# What staff who oversee a region's grid work, party members and policies see beside their own pages.
SUPERVISING = {
    "gridwork_overdue",
    "gridwork_missed",
    "gridwork_diaries",
    "gridwork_meetings",
    "gridwork_workers",
    "gridwork_ratings",
    "gridwork_campaigns",
    "partywork",
    "volunteers_home",
    "volunteers_workbench",
    "volunteers_spaces",
    "voice_desk",
    "civic_policies",
    "civic_service_desk",
    "civic_notices",
    "civic_deliberation",
}


@pytest.mark.parametrize(
    ("username", "entries"),
    [
        # every signed-in user may join volunteer activities (志愿服务) and book a shared space (共享空间);
        # residents read the policies meant for them
        # and the service guides (办事指南)
        (
            "citizen",
            {
                "home",
                "find_grid",
                "volunteers_home",
                "volunteers_spaces",
                "voice",
                "civic_my_policies",
                "civic_services",
                "civic_boards",
                "civic_proposals",
                "gridwork_my_workers",
            },
        ),
        (
            "grid_worker",
            {
                "home",
                "region",
                "community",
                "gridwork_visits",
                "gridwork_patrol",
                "gridwork_diary",
                "gridwork_grid_campaigns",
                "volunteers_home",
                "volunteers_spaces",
                "find_grid",
            },
        ),
        (
            "community_staff",
            {"home", "region", "workbench", "community", "find_grid"} | SUPERVISING,
        ),
        (
            "dispatcher",
            {
                "home",
                "region",
                "command",
                "community",
                "volunteers_home",
                "volunteers_workbench",
                "volunteers_spaces",
                "voice_desk",
                "civic_policies",
                "civic_service_desk",
                "civic_notices",
                "civic_deliberation",
                "find_grid",
            },
        ),
        (
            "department_staff",
            {
                "home",
                "workbench",
                "department",
                "volunteers_home",
                "volunteers_spaces",
                "civic_service_desk",
                "find_grid",
            },
        ),
        (
            "party_admin",
            {
                "home",
                "party",
                "partywork",
                "volunteers_home",
                "volunteers_spaces",
                "study",
                "voice_desk",
                "find_grid",
            },
        ),
        (
            "sysadmin",
            {"home", "command", "find_grid", "admin", "study"} | SUPERVISING,
        ),
    ],
)
def test_menu_lists_only_what_the_role_may_use(client_as, username: str, entries: set[str]) -> None:
    html = client_as(username).get("/find-grid/").content.decode()

    assert _nav_keys(html) == entries


def test_grid_worker_menu_points_at_its_own_grid(client_as, world: World) -> None:
    html = client_as("grid_worker").get("/").content.decode()

    assert f'href="/regions/{world.grids[0].code}/" data-nav="region"' in html
    assert 'data-nav="admin"' not in html


def test_grid_home_draws_the_grid_among_its_siblings(client_as, world: World) -> None:
    html = client_as("grid_worker").get("/").content.decode()

    svg = html[html.index("<svg") : html.index("</svg>")]
    assert svg.count("<path") == 2  # 锦江一网格 and its sibling 锦江二网格
    assert "area-current" in svg
    assert "锦江二网格" in svg
    assert "春江一网格" not in svg
    # the sibling is outside a grid worker's scope: drawn, but not a link
    assert f'href="/regions/{world.grids[1].code}/"' not in svg


def test_grid_home_masks_personal_data(client_as) -> None:
    html = client_as("grid_worker").get("/").content.decode()

    assert "138****5678" in html
    assert "13812345678" not in html


def test_community_home_counts_every_grid(client_as) -> None:
    html = client_as("community_staff").get("/").content.decode()

    table = html[html.index("<table") : html.index("</table>")]
    assert re.search(r"锦江一网格</a></th><td>锦江花园小区</td>\s*<td class=\"num\">1</td>", table)
    assert "锦江二网格" in table


def test_district_home_rolls_counts_up_per_street(client_as, world: World) -> None:
    html = client_as("leader").get(f"/regions/{world.district.code}/").content.decode()

    row = re.search(r"六道口街道</a></th>(.*?)</tr>", html, re.S)
    assert row is not None
    cells = re.findall(r'<td class="num">([^<]*)</td>', row.group(1))
    # communities, grids, residents, households, party orgs, party members
    assert cells == ["1", "2", "2", "1", "3", "4"]


def test_sysadmin_sees_audit_time_in_chinese(client_as) -> None:
    html = client_as("sysadmin").get("/").content.decode()

    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", html)


def test_staff_whose_unit_is_inactive_falls_back_to_the_finder(client_as, world: World) -> None:
    world.grids[0].is_active = False
    world.grids[0].save(update_fields=["is_active"])

    response = client_as("grid_worker").get("/")

    assert response.status_code == 302
    assert response["Location"] == "/find-grid/"


def test_department_staff_still_see_their_departments_and_facilities(client_as) -> None:
    html = client_as("department_staff").get("/department/").content.decode()

    for text in ["区城市管理局", "市容环境", "路灯", "井盖"]:
        assert text in html, text
    assert "区水务局" not in html


def test_department_page_queries_do_not_grow_with_facilities(
    client_as, world: World, django_assert_max_num_queries: Any
) -> None:
    client = client_as("department_staff")
    with CaptureQueriesContext(connection) as before:
        assert client.get("/department/").status_code == 200
    city = Facility.objects.get(code="WF0").owner_department
    Facility.objects.bulk_create(
        Facility(code=f"QF{i}", kind=kind, name=f"新设施{i}", grid=world.grids[i % 3], owner_department=city)
        for i, kind in enumerate(list(FacilityKind.values) * 2)
    )

    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get("/department/").status_code == 200
