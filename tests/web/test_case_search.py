"""诉求查询: one search for every role within its scope — by code, phone (whole or its last four
digits, by the keyed hash), name, words of the text, address, grid and the list filters — on the
command centre's list, the street staff's, the workbench's and the grid app's; its exports; its
query counts; and a street that never finds another street's case."""

from __future__ import annotations

import csv
import io
import re
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from dangqun.accounts.models import Membership, Role, User
from dangqun.cases.models import Case
from dangqun.cases.services.intake import case_create
from dangqun.core import pii
from dangqun.regions.models import Region, RegionLevel
from tests.web.test_case_page import as_user, dispatched_case

PHONE = "13977771234"


def persona_grid() -> Region:
    grid = Membership.objects.get(user__username="grid_worker", role=Role.GRID_WORKER).region
    assert isinstance(grid, Region)
    return grid


def other_street_grid() -> Region:
    """A grid in another street than the street staff's."""
    street = Membership.objects.get(user__username="street_staff", role=Role.STREET_STAFF).region
    assert isinstance(street, Region)
    grid = (
        Region.objects.filter(level=RegionLevel.GRID, is_active=True, centroid_lng__isnull=False)
        .exclude(path__startswith=street.path)
        .order_by("path")
        .first()
    )
    assert grid is not None
    return grid


def report(
    grid: Region, title: str, *, phone: str = PHONE, name: str = "欧阳明月", address: str = ""
) -> Case:
    return case_create(
        actor=User.objects.get(username="dispatcher"),
        channel="hotline_12345",
        title=title,
        description=f"{title},请尽快处理。",
        lng=grid.centroid_lng,
        lat=grid.centroid_lat,
        address=address,
        reporter_name=name,
        reporter_phone=phone,
    ).case


def codes(html: str) -> set[str]:
    return set(re.findall(r'href="/cases/([A-Z]+-\d{8}-\d+)/"', html))


def grid_codes(html: str) -> set[str]:
    return set(re.findall(r'href="/grid/cases/([A-Z]+-\d{8}-\d+)/"', html))


def test_the_command_centre_finds_a_case_by_code_phone_name_and_words(demo: Any) -> None:
    case = report(persona_grid(), "蓝鲸井盖缺失行人绊倒", address="幸福路88号")
    other = report(persona_grid(), "绿化带垃圾堆积", phone="13600005678", name="司马青")
    client = as_user("dispatcher")

    def found(query: str) -> set[str]:
        response = client.get(f"/command/cases/?{query}")
        assert response.status_code == 200, response.content
        return codes(response.content.decode())

    assert found(f"find={case.code}") == {case.code}
    assert found(f"find={case.code.lower()}") == {case.code}
    assert case.code in found("find=1234")
    assert other.code not in found("find=1234")
    assert case.code in found("find=139 7777 1234")
    assert other.code not in found(f"find={PHONE}")
    assert found("find=欧阳明月") >= {case.code}
    assert other.code not in found("find=欧阳明月")
    assert case.code in found("find=蓝鲸井盖")
    assert other.code not in found("find=蓝鲸井盖")
    assert found(f"phone=1234&code={case.code}") == {case.code}
    assert found(f"name=司马青&code={other.code}") == {other.code}
    assert found(f"address=幸福路88&code={case.code}") == {case.code}
    assert found(f"address=幸福路88&code={other.code}") == set()
    assert found(f"grid={persona_grid().code}&find=蓝鲸井盖") == {case.code}
    assert found("find=蓝鲸井盖&status=closed") == set()
    assert found("find=蓝鲸井盖&status=submitted&channel=hotline_12345") == {case.code}


def test_filters_sort_and_paging(demo: Any) -> None:
    first = report(persona_grid(), "排序测试甲")
    second = report(persona_grid(), "排序测试乙")
    client = as_user("dispatcher")

    newest = client.get("/command/cases/?q=排序测试").content.decode()
    oldest = client.get("/command/cases/?q=排序测试&sort=submitted_at").content.decode()
    paged = client.get("/command/cases/?q=排序测试&sort=code&page=2")

    assert newest.index(second.code) < newest.index(first.code)
    assert oldest.index(first.code) < oldest.index(second.code)
    assert 'aria-sort="ascending"' in oldest
    assert paged.status_code == 200  # a page past the end shows the last page
    assert codes(paged.content.decode()) == {first.code, second.code}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("sort=title", "sort"),
        ("phone=12", "phone"),
        ("light=blue", "light"),
        ("channel=pigeon", "channel"),
        ("submitted_from=2026-13-01", "submitted_from"),
        ("submitted_from=2026-05-02&submitted_to=2026-05-01", "submitted_to"),
        ("category=NO-SUCH", "category"),
    ],
)
def test_bad_input_is_a_clear_422_naming_the_field(demo: Any, query: str, field: str) -> None:
    response = as_user("dispatcher").get(f"/command/cases/?{query}")

    assert response.status_code == 422
    alert = re.search(r'role="alert"><p>([^<]*)</p>', response.content.decode())
    assert alert is not None
    assert f"({field})" in alert.group(1)


def test_a_street_never_finds_another_streets_case(demo: Any) -> None:
    own = report(persona_grid(), "本街道的诉求")
    foreign = report(other_street_grid(), "外街道的诉求")
    client = as_user("street_staff")

    by_code = client.get(f"/command/cases/?find={foreign.code}")
    by_phone = client.get("/command/cases/?find=1234")
    by_word = client.get("/command/cases/?find=街道的诉求")
    by_grid = client.get(f"/command/cases/?grid={other_street_grid().code}")
    export = client.get("/exchange/export/cases.csv?find=1234")

    assert by_code.status_code == 200
    assert codes(by_code.content.decode()) == set()
    assert own.code in codes(by_phone.content.decode())
    assert foreign.code not in codes(by_phone.content.decode())
    assert codes(by_word.content.decode()) == {own.code}
    assert by_grid.status_code == 404
    assert foreign.code not in export.content.decode("utf-8-sig")
    assert own.code in export.content.decode("utf-8-sig")
    assert client.get(f"/cases/{foreign.code}/").status_code == 404


def test_community_staff_and_the_workbench_search_within_their_scope(demo: Any) -> None:
    own = report(persona_grid(), "社区范围内的诉求")
    foreign = report(other_street_grid(), "社区范围外的诉求")
    dispatched = dispatched_case()

    community = as_user("community_staff").get("/command/cases/?q=社区范围")
    workbench = as_user("department_staff").get("/workbench/cases/")
    workbench_foreign = as_user("department_staff").get(f"/workbench/cases/?find={foreign.code}")

    assert codes(community.content.decode()) == {own.code}
    assert dispatched.code in codes(workbench.content.decode())
    assert codes(workbench_foreign.content.decode()) == set()
    assert as_user("citizen").get("/command/cases/").status_code == 403
    assert as_user("citizen").get("/workbench/cases/").status_code == 403


def test_the_grid_app_searches_its_grid_on_the_phone_layout(demo: Any) -> None:
    own = report(persona_grid(), "网格内的井盖")
    foreign = report(other_street_grid(), "网格外的井盖")
    client = as_user("grid_worker")

    response = client.get("/grid/search/?find=1234")

    html = response.content.decode()
    assert response.status_code == 200
    assert "grid-app" in html
    assert own.code in grid_codes(html)
    assert foreign.code not in grid_codes(html)
    assert as_user("dispatcher").get("/grid/search/").status_code == 403


def test_a_phone_search_decrypts_no_case(demo: Any) -> None:
    report(persona_grid(), "解密计数")
    client = as_user("dispatcher")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_phone FROM cases_case WHERE reporter_phone <> ''")
        tokens = {row[0] for row in cursor.fetchall()}
    assert tokens
    with mock.patch.object(pii, "decrypt", wraps=pii.decrypt) as decrypt:
        for path in (
            "/command/cases/?find=1234",
            f"/command/cases/?phone={PHONE}",
            "/command/cases/",
            "/exchange/export/cases.csv?phone=1234",
        ):
            assert client.get(path).status_code == 200, path

    # the signed-in user's own row may be read; no case's phone is
    assert not [call for call in decrypt.call_args_list if call.args[0] in tokens]


def test_exports_hold_the_filtered_list_in_excel_and_csv(demo: Any) -> None:
    case = report(persona_grid(), "=导出公式不执行")
    client = as_user("dispatcher")

    xlsx = client.get(f"/exchange/export/cases.xlsx?find={case.code}")
    text = client.get(f"/exchange/export/cases.csv?phone=1234&code={case.code}")
    bad = client.get("/exchange/export/cases.csv?sort=nope")

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [case.code]
    assert rows[1][1] == "'=导出公式不执行"
    assert text["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig"))))
    assert lines[0][0] == "诉求编号"
    assert [line[0] for line in lines[1:]] == [case.code]
    assert bad.status_code == 400
    assert "排序(sort)" in bad.content.decode()


def _grow() -> None:
    for i in range(6):
        report(persona_grid(), f"查询增长{i}")
        dispatched_case()


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("dispatcher", "/command/cases/"),
        ("dispatcher", "/command/cases/?find=1234&light=green&supervised=false&status=submitted"),
        ("street_staff", "/command/cases/?find=查询增长&sort=code"),
        ("department_staff", "/workbench/cases/?unit=&category="),
        ("grid_worker", "/grid/search/?find=1234"),
    ],
)
def test_list_pages_queries_do_not_grow_with_cases(
    demo: Any, username: str, path: str, django_assert_max_num_queries: Any
) -> None:
    client = as_user(username)
    report(persona_grid(), "查询起点")
    dispatched_case()
    client.get(path)  # warm the per-process caches (working calendar)
    with CaptureQueriesContext(connection) as before:
        assert client.get(path).status_code == 200
    _grow()

    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(path).status_code == 200
