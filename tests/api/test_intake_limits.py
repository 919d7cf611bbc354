"""The grid worker's report (the grid app posts it to POST /api/v1/cases) and every other intake: each
field's limit is the server's, and its refusal is a 422 naming the field in words, not pydantic's list
of English objects (which the grid app showed as "[object Object]")."""

from __future__ import annotations

from typing import Any

import pytest

from dangqun.accounts.models import Membership, Role
from dangqun.cases.models import Case
from dangqun.regions.models import Region


@pytest.fixture
def grid(demo: Any) -> Region:
    return Membership.objects.get(user__username="grid_worker", role=Role.GRID_WORKER).region


def report(grid: Region, **overrides: Any) -> dict[str, Any]:
    return {
        "channel": "grid_worker",
        "case_type": "report",
        "title": "楼道堆放杂物",
        "description": "3号楼2单元楼道堆放纸箱,影响通行。",
        "lng": grid.centroid_lng,
        "lat": grid.centroid_lat,
        **overrides,
    }


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"description": "长" * 120_000}, "description", "不能超过5000个字符"),
        ({"title": "标" * 121}, "title", "不能超过120个字符"),
        ({"address": "路" * 201}, "address", "不能超过200个字符"),
        ({"reporter_name": "名" * 51}, "reporter_name", "不能超过50个字符"),
        ({"reporter_phone": "1" * 21}, "reporter_phone", "不能超过20个字符"),
        ({"source_ref": "S" * 65}, "source_ref", "不能超过64个字符"),
        ({"title": None}, "title", "须为文本"),
        ({"lng": "东经"}, "lng", "须为数字"),
        ({"is_anonymous": "也许"}, "is_anonymous", "须为 true 或 false"),
    ],
)
def test_a_field_past_its_limit_is_a_422_naming_it(
    api_as: Any, grid: Region, overrides: dict[str, Any], field: str, words: str
) -> None:
    before = Case.objects.count()

    response = api_as("grid_worker").post_json("/api/v1/cases", report(grid, **overrides))

    assert response.status_code == 422
    body = response.json()
    assert body["errors"][field] == [words]
    assert body["detail"] == f"{field}: {words}"
    assert Case.objects.count() == before


def test_a_missing_field_is_named(api_as: Any, grid: Region) -> None:
    body = report(grid)
    del body["title"]

    response = api_as("grid_worker").post_json("/api/v1/cases", body)

    assert response.status_code == 422
    assert response.json()["errors"] == {"title": ["缺少必填字段"]}


def test_the_service_checks_what_the_schema_lets_through(api_as: Any, grid: Region) -> None:
    response = api_as("grid_worker").post_json("/api/v1/cases", report(grid, description="   "))

    assert response.status_code == 422
    assert response.json()["errors"] == {"description": ["内容不能为空"]}


def test_a_move_body_past_its_limit_is_named_too(api_as: Any, grid: Region) -> None:
    code = api_as("grid_worker").post_json("/api/v1/cases", report(grid)).json()["code"]

    response = api_as("dispatcher").post_json(f"/api/v1/cases/{code}/reject", {"reason": "理" * 2001})

    assert response.status_code == 422
    assert response.json()["errors"] == {"reason": ["不能超过2000个字符"]}
    assert Case.objects.get(code=code).status == "submitted"


def test_the_field_is_named_in_the_language_asked(api_as: Any, grid: Region) -> None:
    response = api_as("grid_worker").post_json(
        "/api/v1/cases", report(grid, title="标" * 121), headers={"accept-language": "en"}
    )

    assert response.status_code == 422
    assert response.json()["errors"] == {"title": ["may not be longer than 120 characters"]}
