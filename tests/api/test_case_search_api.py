"""GET /api/v1/cases with the one search's filters (code, phone, name, address, grid, find, sort), its
field-named 422s, its scope, its query count, and the CSV export with the same filters."""

from __future__ import annotations

import csv
import io
from typing import Any
from unittest import mock

from django.db import connection

from dangqun.core import pii
from tests.web.test_case_search import PHONE, other_street_grid, persona_grid, report


def _codes(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


def test_the_list_accepts_the_search_filters(api_as: Any) -> None:
    case = report(persona_grid(), "接口查找青蛙井", address="青蛙路1号")
    other = report(persona_grid(), "接口查找白鹭", phone="13500009876", name="诸葛白")
    api = api_as("dispatcher")

    assert _codes(api.get(f"/api/v1/cases?find={case.code}")) == [case.code]
    assert _codes(api.get(f"/api/v1/cases?code={case.code}&phone=1234")) == [case.code]
    assert _codes(api.get(f"/api/v1/cases?code={case.code}&phone=9876")) == []
    assert _codes(api.get(f"/api/v1/cases?phone={PHONE}&q=接口查找")) == [case.code]
    assert _codes(api.get("/api/v1/cases?find=诸葛白")) == [other.code]
    assert _codes(api.get("/api/v1/cases?address=青蛙路")) == [case.code]
    assert _codes(api.get(f"/api/v1/cases?grid={persona_grid().code}&q=接口查找&sort=submitted_at")) == [
        case.code,
        other.code,
    ]
    assert _codes(api.get("/api/v1/cases?q=接口查找")) == [other.code, case.code]


def test_bad_search_input_is_422_naming_the_field(api_as: Any) -> None:
    api = api_as("dispatcher")

    for query, field in (("sort=title", "sort"), ("phone=12", "phone"), ("channel=x", "channel")):
        response = api.get(f"/api/v1/cases?{query}")
        assert response.status_code == 422, query
        assert field in response.content.decode(), query


def test_a_street_finds_nothing_of_another_street(api_as: Any) -> None:
    foreign = report(other_street_grid(), "别的街道")
    api = api_as("street_staff")

    assert _codes(api.get(f"/api/v1/cases?find={foreign.code}")) == []
    assert foreign.code not in _codes(api.get("/api/v1/cases?phone=1234&limit=100"))
    assert api.get(f"/api/v1/cases?grid={other_street_grid().code}").status_code == 404
    assert api.get(f"/api/v1/cases/{foreign.code}").status_code == 404


def test_the_list_and_its_phone_search_decrypt_no_case(api_as: Any) -> None:
    report(persona_grid(), "接口解密计数")
    api = api_as("dispatcher")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_phone FROM cases_case WHERE reporter_phone <> ''")
        tokens = {row[0] for row in cursor.fetchall()}
    with mock.patch.object(pii, "decrypt", wraps=pii.decrypt) as decrypt:
        assert api.get("/api/v1/cases?phone=1234").status_code == 200
        assert api.get("/api/v1/cases?limit=100").status_code == 200

    assert not [call for call in decrypt.call_args_list if call.args[0] in tokens]


def test_search_queries_do_not_grow_with_the_page(api_as: Any, django_assert_max_num_queries: Any) -> None:
    for i in range(4):
        report(persona_grid(), f"接口计数{i}")
    api = api_as("street_staff")
    path = "/api/v1/cases?find=1234&sort=code&light=&supervised=false"
    api.get(f"{path}&limit=50")  # warm the working calendar's per-process cache

    with django_assert_max_num_queries(8) as few:
        api.get(f"{path}&limit=1")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = api.get(f"{path}&limit=50")

    assert len(response.json()["items"]) >= 4


def test_the_csv_export_takes_the_same_filters(api_as: Any) -> None:
    case = report(persona_grid(), "接口导出")

    response = api_as("dispatcher").get(f"/api/v1/exchange/exports/cases.csv?phone=1234&code={case.code}")

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == [case.code]
