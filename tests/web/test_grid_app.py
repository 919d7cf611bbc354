"""网格员 app: pages, the PWA files, my tasks, and 现场办结 (小事不出网格)."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client

from dangqun.cases.models import Case
from tests.web.conftest import BASE_LAT, BASE_LNG, World

PAGE_BUDGET = 200 * 1024
GRID_PAGES = ["/", "/grid/", "/grid/report/", "/grid/map/", "/grid/tasks/"]


def report(client: Client, title: str = "井盖缺失", key: str | None = None, **fields: Any) -> Any:
    body = {
        "channel": "grid_worker",
        "case_type": "report",
        "title": title,
        "description": "人行道井盖缺失,已设置临时围挡",
        "lng": BASE_LNG + 0.01,
        "lat": BASE_LAT + 0.01,
        **fields,
    }
    return client.post(
        "/api/v1/cases",
        json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key or str(uuid.uuid4()),
    )


def count_queries(client: Client, url: str) -> int:
    """How many SQL statements one GET of ``url`` runs."""
    statements: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert client.get(url).status_code == 200
    return len(statements)


def labelled(html: str) -> list[str]:
    """Ids of visible form controls that have no <label for=...> (should be empty)."""
    ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\sid="([^"]+)"', html)
    return [i for i in ids if f'for="{i}"' not in html]


@pytest.mark.parametrize("url", GRID_PAGES)
def test_grid_pages_open_for_the_grid_worker_and_stay_small(client_as, url: str) -> None:
    response = client_as("grid_worker").get(url)

    assert response.status_code == 200
    assert len(response.content) < PAGE_BUDGET
    html = response.content.decode()
    assert "锦江一网格" in html
    assert labelled(html) == []
    assert "onclick" not in html
    assert "onload" not in html
    # no inline code: every script is one of our static files or a JSON data block
    for tag in re.findall(r"<script[^>]*>", html):
        assert re.search(r'src="/(static|jsi18n)/', tag) or 'type="application/json"' in tag, tag


@pytest.mark.parametrize("username", ["citizen", "dispatcher", "department_staff"])
def test_other_roles_cannot_open_the_grid_app(client_as, username: str) -> None:
    assert client_as(username).get("/grid/report/").status_code == 403


def test_report_form_takes_a_photo_and_the_position(client_as) -> None:
    html = client_as("grid_worker").get("/grid/report/").content.decode()

    assert 'accept="image/*"' in html
    assert 'capture="environment"' in html
    assert 'data-max-bytes="10485760"' in html
    assert 'name="lng"' in html
    assert 'name="lat"' in html
    assert 'data-channel="grid_worker"' in html
    assert 'rel="manifest"' in html


def test_service_worker_is_served_from_the_root_with_the_app_shell(client) -> None:
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert "__PRECACHE__" not in body
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", body).group(1))  # type: ignore[union-attr]
    assert {"/grid/", "/grid/report/", "/static/web/js/grid-queue.js"} <= set(shell)
    for url in shell:
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url


def test_manifest_makes_the_app_installable(client) -> None:
    response = client.get("/manifest.webmanifest")

    assert response["Content-Type"].startswith("application/manifest+json")
    data = json.loads(response.content)
    assert data["start_url"] == "/grid/"
    assert data["display"] == "standalone"
    assert {icon["sizes"] for icon in data["icons"]} == {"192x192", "512x512"}
    for icon in data["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/"))


def test_report_sent_twice_with_one_key_makes_one_case_that_my_tasks_list(client_as) -> None:
    worker = client_as("grid_worker")
    key = str(uuid.uuid4())

    first = report(worker, key=key)
    again = report(worker, key=key)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["code"] == again.json()["code"]
    html = worker.get("/grid/tasks/").content.decode()
    assert html.count(f"/grid/cases/{first.json()['code']}/") == 1
    assert "井盖缺失" in worker.get("/grid/map/").content.decode()


def test_tasks_list_does_not_grow_its_queries_with_cases(client_as) -> None:
    worker = client_as("grid_worker")
    for i in range(2):
        report(worker, title=f"事项{i}")
    few = count_queries(worker, "/grid/tasks/")
    for i in range(2, 12):
        report(worker, title=f"事项{i}")

    assert count_queries(worker, "/grid/tasks/") == few
    assert worker.get("/grid/tasks/").content.decode().count("/grid/cases/") == 12


def test_map_and_home_queries_do_not_grow_with_cases(client_as) -> None:
    worker = client_as("grid_worker")
    report(worker)
    counts = {url: count_queries(worker, url) for url in ("/grid/map/", "/")}
    for i in range(8):
        report(worker, title=f"事项{i}")

    assert {url: count_queries(worker, url) for url in counts} == counts


def test_resolve_on_the_spot(client_as) -> None:
    worker = client_as("grid_worker")
    code = report(worker).json()["code"]

    page = worker.get(f"/grid/cases/{code}/").content.decode()
    assert "现场办结" in page
    response = worker.post(f"/grid/cases/{code}/", {"result": "已补装井盖"})

    assert response.status_code == 302
    detail = worker.get(f"/api/v1/cases/{code}").json()
    assert detail["status"] == "resolved"
    assert detail["result"] == "已补装井盖"
    assert "确认现场办结" not in worker.get(f"/grid/cases/{code}/").content.decode()


def test_resolve_on_the_spot_needs_a_result_and_keeps_nothing_half_done(client_as) -> None:
    worker = client_as("grid_worker")
    code = report(worker).json()["code"]

    response = worker.post(f"/grid/cases/{code}/", {"result": "   "})

    assert response.status_code == 200
    html = response.content.decode()
    assert "请填写现场处置结果" in html
    assert 'aria-invalid="true"' in html
    assert worker.get(f"/api/v1/cases/{code}").json()["status"] == "submitted"


def test_stale_page_gets_a_clear_message_not_an_error(client_as) -> None:
    worker = client_as("grid_worker")
    detail = report(worker).json()
    worker.post(f"/grid/cases/{detail['code']}/", {"result": "第一次", "version": str(detail["version"])})

    response = worker.post(
        f"/grid/cases/{detail['code']}/", {"result": "第二次", "version": str(detail["version"])}
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "状态已变化" in html
    assert "第二次" not in worker.get(f"/api/v1/cases/{detail['code']}").content.decode()


def test_worker_cannot_open_a_case_of_another_grid(client_as, world: World) -> None:
    other = Client()
    other.force_login(world.users["grid_worker"].__class__.objects.get(username="web_other_worker"))
    code = report(other, lng=BASE_LNG + 0.21, lat=BASE_LAT + 0.01).json()["code"]

    worker = client_as("grid_worker")
    assert worker.get(f"/grid/cases/{code}/").status_code == 404
    assert worker.post(f"/grid/cases/{code}/", {"result": "越权办结"}).status_code == 404
    assert code not in worker.get("/grid/tasks/").content.decode()


def test_grid_home_shows_registry_masked(client_as) -> None:
    html = client_as("grid_worker").get("/grid/").content.decode()

    assert "锦江花园1号楼" in html
    assert "138****5678" in html
    assert "13812345678" not in html
    assert "拍照上报" in html


def test_service_worker_cache_name_follows_the_shell_files(client) -> None:
    body = client.get("/sw.js").content.decode()

    version = re.search(r'const VERSION = "grid-zh-hans-([0-9a-f]{12})";', body)
    assert version is not None


def test_case_page_shows_the_classifier_suggestion_when_there_is_one(client_as) -> None:
    worker = client_as("grid_worker")
    code = report(worker).json()["code"]
    Case.objects.filter(code=code).update(
        suggested_route={"triage": {"category": "x", "category_name": "市容环境", "confidence": 0.87}}
    )

    html = worker.get(f"/grid/cases/{code}/").content.decode()

    assert "建议分类" in html
    assert "市容环境" in html
    assert "87%" in html
