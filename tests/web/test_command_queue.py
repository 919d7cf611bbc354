"""指挥中心 queue: newest first, one compact row each (the suggested lead preselected), the full dispatch
form on demand (htmx fragment: every unit, co-units ticked as suggested, filterable), within scope."""

from __future__ import annotations

import re
from typing import Any
from unittest import mock

from django.db import connection

from dangqun.cases.enums import CaseStatus, TaskRole
from dangqun.cases.models import Case, CaseTask
from dangqun.core import pii
from dangqun.orgs.models import Department
from tests.web.test_case_page import as_user, lead_department, new_case
from tests.web.test_case_search import other_street_grid, report


def co_department() -> Department:
    return Department.objects.filter(is_active=True).exclude(pk=lead_department().pk).order_by("code").first()  # type: ignore[return-value]


def suggested(case: Case) -> Case:
    Case.objects.filter(pk=case.pk).update(
        suggested_route={"lead_department": lead_department().code, "co_departments": [co_department().code]}
    )
    case.refresh_from_db()
    return case


def test_the_queue_shows_the_newest_first_in_compact_rows(demo: Any) -> None:
    older = new_case("队列较早的诉求")
    newer = suggested(new_case("队列最新的诉求"))

    html = as_user("dispatcher").get("/command/").content.decode()

    assert html.index(f'id="queue-{newer.code}"') < html.index(f'id="queue-{older.code}"')
    row = html[html.index(f'id="queue-{newer.code}"') :]
    row = row[: row.index("</li>")]
    assert f'value="d:{lead_department().code}" selected' in row
    assert f'<input type="hidden" name="co_units" value="d:{co_department().code}">' in row
    assert "multiple" not in row  # the co-unit picker comes with the full form, on demand
    assert f'hx-get="/command/dispatch/{newer.code}/form/"' in row
    assert "vendor/htmx/htmx.min.js" in html


def test_the_full_form_preselects_the_suggestion_and_lists_every_unit(demo: Any) -> None:
    case = suggested(new_case("完整派单表单"))

    response = as_user("dispatcher").get(f"/command/dispatch/{case.code}/form/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # a fragment
    assert f'<option value="d:{lead_department().code}" selected>' in html
    assert f'name="co_units" value="d:{co_department().code}" checked' in html
    units = re.findall(r'name="co_units" value="([dr]:[^"]+)"', html)
    assert len([u for u in units if u.startswith("d:")]) == Department.objects.filter(is_active=True).count()
    assert [u for u in units if u.startswith("r:")]  # the streets too
    assert "data-filter-units" in html
    assert 'name="priority"' in html
    assert 'name="sign_hours"' in html


def test_dispatch_from_the_full_form_with_co_units(demo: Any) -> None:
    case = suggested(new_case("带协办派单"))
    form = {
        "lead": f"d:{lead_department().code}",
        "co_units": [f"d:{co_department().code}"],
        "resolve_days": "3",
        "expected_version": case.version,
        "next": "/command/",
    }

    response = as_user("dispatcher").post(f"/command/dispatch/{case.code}/", form)

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED
    roles = dict(CaseTask.objects.filter(case=case).values_list("department_id", "role"))
    assert roles == {lead_department().pk: TaskRole.LEAD, co_department().pk: TaskRole.CO}


def test_the_full_form_is_for_dispatchers_within_their_scope(demo: Any) -> None:
    foreign = report(other_street_grid(), "外街道待派单")
    own = new_case("本街道待派单")

    assert as_user("leader").get(f"/command/dispatch/{own.code}/form/").status_code == 403
    assert as_user("department_staff").get(f"/command/dispatch/{own.code}/form/").status_code == 403
    assert as_user("street_staff").get(f"/command/dispatch/{foreign.code}/form/").status_code == 404
    assert as_user("street_staff").get(f"/command/dispatch/{own.code}/form/").status_code == 200


def test_a_case_no_longer_waiting_says_so(demo: Any) -> None:
    case = new_case("已不在队列")
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.DISPATCHED)

    html = as_user("dispatcher").get(f"/command/dispatch/{case.code}/form/").content.decode()

    assert "不在待派单状态" in html
    assert 'name="lead"' not in html


def test_the_form_costs_a_fixed_number_of_queries(demo: Any, django_assert_max_num_queries: Any) -> None:
    case = suggested(new_case("查询数"))
    client = as_user("dispatcher")
    client.get(f"/command/dispatch/{case.code}/form/")

    with django_assert_max_num_queries(12):
        assert client.get(f"/command/dispatch/{case.code}/form/").status_code == 200


def test_the_queue_decrypts_no_reporters_phone(demo: Any) -> None:
    for i in range(3):
        new_case(f"队列不解密{i}")
    client = as_user("dispatcher")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_phone FROM cases_case WHERE reporter_phone <> ''")
        tokens = {row[0] for row in cursor.fetchall()}
    with mock.patch.object(pii, "decrypt", wraps=pii.decrypt) as decrypt:
        assert client.get("/command/").status_code == 200

    assert not [call for call in decrypt.call_args_list if call.args[0] in tokens]
