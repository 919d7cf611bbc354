"""群众 app: submit with photos and a place, errors next to the field, track by code, rate, inbox."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from PIL import Image

from dangqun.cases.models import Attachment, Case
from dangqun.notify.services import notify_users
from tests.web.conftest import BASE_LAT, BASE_LNG, World

PAGE_BUDGET = 200 * 1024
CITIZEN_PAGES = ["/citizen/", "/citizen/submit/", "/citizen/track/", "/citizen/inbox/"]
INSIDE_G1 = {"lng": str(BASE_LNG + 0.01), "lat": str(BASE_LAT + 0.01)}


def png(name: str = "photo.png", size: tuple[int, int] = (40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def form(**fields: Any) -> dict[str, Any]:
    return {
        "title": "路灯不亮",
        "case_type": "help",
        "description": "小区门口路灯三天不亮",
        "address": "",
        "key": "k-" + fields.pop("key", "1"),
        **INSIDE_G1,
        **fields,
    }


def count_queries(client: Client, url: str) -> int:
    statements: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert client.get(url).status_code == 200
    return len(statements)


@pytest.fixture
def citizen(world: World, client_as) -> Client:
    user = world.users["citizen"]
    user.phone = "13912348888"
    user.save(update_fields=["phone"])
    return client_as("citizen")


@pytest.mark.parametrize("url", CITIZEN_PAGES)
def test_citizen_pages_are_small_and_label_every_control(citizen: Client, url: str) -> None:
    response = citizen.get(url)

    assert response.status_code == 200
    assert len(response.content) < PAGE_BUDGET
    html = response.content.decode()
    controls = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\sid="([^"]+)"', html)
    assert [c for c in controls if f'for="{c}"' not in html] == []
    for tag in re.findall(r"<script[^>]*>", html):
        assert re.search(r'src="/(static|jsi18n)/', tag) or 'type="application/json"' in tag, tag


def test_submit_with_a_photo_and_a_picked_place(citizen: Client, world: World) -> None:
    response = citizen.post("/citizen/submit/", {**form(), "photos": [png()]})

    assert response.status_code == 302
    case = Case.objects.get(reporter=world.users["citizen"], title="路灯不亮")
    assert response["Location"] == f"/citizen/cases/{case.code}/?new=1"
    assert case.grid == world.grids[0]
    assert case.channel == "app"
    assert case.reporter_phone == "13912348888"
    assert Attachment.objects.filter(case=case).count() == 1
    page = citizen.get(response["Location"]).content.decode()
    assert case.code in page
    assert f"/api/v1/attachments/{Attachment.objects.get(case=case).pk}" in page
    assert citizen.get(f"/api/v1/attachments/{Attachment.objects.get(case=case).pk}").status_code == 200


def test_a_double_submit_makes_one_case_with_one_photo(citizen: Client, world: World) -> None:
    citizen.post("/citizen/submit/", {**form(key="same"), "photos": [png()]})
    again = citizen.post("/citizen/submit/", {**form(key="same"), "photos": [png()]})

    assert again.status_code == 302
    cases = Case.objects.filter(reporter=world.users["citizen"], title="路灯不亮")
    assert cases.count() == 1
    assert Attachment.objects.filter(case=cases.get()).count() == 1


def test_an_address_instead_of_a_map_point(citizen: Client, world: World) -> None:
    response = citizen.post("/citizen/submit/", form(lng="", lat="", address="锦江花园3号楼南门"))

    assert response.status_code == 302
    case = Case.objects.get(reporter=world.users["citizen"])
    assert case.address == "锦江花园3号楼南门"
    assert case.lng is None


def test_errors_show_next_to_the_field_and_keep_what_was_typed(citizen: Client, world: World) -> None:
    before = Case.objects.count()
    response = citizen.post("/citizen/submit/", form(title="", lng="", lat="", description="保留我写的描述"))

    assert response.status_code == 422
    html = response.content.decode()
    assert re.search(r'id="id_title"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_title"', html)
    assert '<p class="field-error" id="id_title_error">请填写标题</p>' in html
    assert "请在地图上选择位置,或填写地址" in html
    assert "保留我写的描述" in html
    assert Case.objects.count() == before


def test_a_place_outside_the_district_is_refused_next_to_the_address(citizen: Client) -> None:
    before = Case.objects.count()
    response = citizen.post("/citizen/submit/", form(lng="10.0", lat="10.0"))

    assert response.status_code == 422
    assert "所选位置不在本区范围内" in response.content.decode()
    assert Case.objects.count() == before


def test_a_file_that_is_not_an_image_is_refused_with_415(citizen: Client) -> None:
    before = Case.objects.count()
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image at all", content_type="image/jpeg")

    response = citizen.post("/citizen/submit/", {**form(), "photos": [fake]})

    assert response.status_code == 415
    html = response.content.decode()
    assert 'id="c-photos-error">' in html
    assert "photo.jpg" in html
    assert "路灯不亮" in html  # what was typed is kept
    assert Case.objects.count() == before


def test_a_photo_too_large_is_refused_with_413(citizen: Client, settings: Any) -> None:
    settings.DANGQUN = {**settings.DANGQUN, "UPLOAD_MAX_BYTES": {"image": 200, "document": 200}}
    before = Case.objects.count()

    response = citizen.post("/citizen/submit/", {**form(), "photos": [png(size=(300, 300))]})

    assert response.status_code == 413
    assert 'data-max-bytes="200"' in response.content.decode()
    assert Case.objects.count() == before


def _reviewed_case(citizen: Client, client_as) -> str:  # type: ignore[no-untyped-def]
    citizen.post("/citizen/submit/", form(key="rate"))
    code = Case.objects.get(title="路灯不亮").code
    assert client_as("grid_worker").post(f"/grid/cases/{code}/", {"result": "已更换灯泡"}).status_code == 302
    review = client_as("dispatcher").post(
        f"/api/v1/cases/{code}/review", "{}", content_type="application/json"
    )
    assert review.status_code == 200, review.content
    return code


def test_track_by_code_shows_progress_with_staff_masked(citizen: Client, client_as) -> None:
    code = _reviewed_case(citizen, client_as)
    anonymous = Client()

    wrong = anonymous.get("/citizen/track/", {"code": code, "phone_last4": "0000"})
    found = anonymous.get("/citizen/track/", {"code": code, "phone_last4": "8888"})

    assert wrong.status_code == 404
    assert "未找到该诉求" in wrong.content.decode()
    html = found.content.decode()
    assert found.status_code == 200
    assert "已更换灯泡" in html
    assert "现场办结" in html
    assert "刘**" in html
    assert "刘网格" not in html
    assert "调**" in html
    assert "调度小郑" not in html


def test_track_form_checks_its_fields(client: Client) -> None:
    response = client.get("/citizen/track/", {"code": "", "phone_last4": "12a"})

    html = response.content.decode()
    assert "请填写诉求编号" in html
    assert "请填写4位数字" in html


def test_guessing_tracking_codes_is_throttled_per_address(demo, client: Client, settings) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.DANGQUN = {**settings.DANGQUN, "TRACK_RATE_PER_MINUTE": 2}
    guess = {"code": "YB-20260101-000001", "phone_last4": "1234"}
    statuses = [client.get("/citizen/track/", guess).status_code for _ in range(3)]

    assert statuses == [404, 404, 429]  # an unknown code is not found, until the guesses run out
    assert "查询过于频繁" in client.get("/citizen/track/", guess).content.decode()
    cache.clear()


def test_rate_once_reviewed(citizen: Client, client_as) -> None:
    code = _reviewed_case(citizen, client_as)
    page = citizen.get(f"/citizen/cases/{code}/").content.decode()
    assert "满意" in page
    assert "基本满意" in page
    assert "不满意" in page

    missing = citizen.post(f"/citizen/cases/{code}/", {"comment": "先写评语"})
    assert missing.status_code == 422
    assert "请选择满意度" in missing.content.decode()
    assert "先写评语" in missing.content.decode()

    done = citizen.post(f"/citizen/cases/{code}/", {"satisfaction": "satisfied", "comment": "很快"})
    assert done.status_code == 302
    case = Case.objects.get(code=code)
    assert (case.status, case.satisfaction, case.rating_comment) == ("closed", "satisfied", "很快")

    twice = citizen.post(f"/citizen/cases/{code}/", {"satisfaction": "unsatisfied"})
    assert twice.status_code == 409
    assert "暂时不能评价" in twice.content.decode()
    assert Case.objects.get(code=code).satisfaction == "satisfied"


def test_a_citizen_cannot_open_or_rate_another_persons_case(citizen: Client, client_as, world: World) -> None:
    code = _reviewed_case(citizen, client_as)
    stranger = Client()
    stranger.force_login(world.users["citizen"].__class__.objects.create_user(username="web_stranger"))

    assert stranger.get(f"/citizen/cases/{code}/").status_code == 404
    assert stranger.post(f"/citizen/cases/{code}/", {"satisfaction": "unsatisfied"}).status_code == 404


def test_my_cases_list_does_not_grow_its_queries(citizen: Client) -> None:
    citizen.post("/citizen/submit/", form(key="a"))
    few = count_queries(citizen, "/citizen/")
    for i in range(8):
        citizen.post("/citizen/submit/", form(key=f"b{i}", title=f"诉求{i}"))

    assert count_queries(citizen, "/citizen/") == few
    assert citizen.get("/citizen/").content.decode().count("/citizen/cases/") == 9


def test_inbox_lists_notices_and_marks_them_read(citizen: Client, world: World) -> None:
    user = world.users["citizen"]
    notify_users(
        actor=None,
        recipients=[user],
        kind="case",
        title="您的诉求已受理",
        body="编号 YB-1",
        link="/cases/YB-1/",
    )
    few = count_queries(citizen, "/citizen/inbox/")
    for i in range(6):
        notify_users(actor=None, recipients=[user], kind="case", title=f"通知{i}")

    assert count_queries(citizen, "/citizen/inbox/") == few
    html = citizen.get("/citizen/inbox/").content.decode()
    assert "您的诉求已受理" in html
    assert 'href="/citizen/cases/YB-1/"' in html
    assert "7 条未读" in html
    assert citizen.post("/citizen/inbox/").status_code == 302
    assert "未读" not in citizen.get("/citizen/inbox/").content.decode().split("</h1>")[0]


def test_submit_page_carries_the_place_picker_data(citizen: Client) -> None:
    html = citizen.get("/citizen/submit/").content.decode()

    data = json.loads(re.search(r'id="map-data" type="application/json">(.*?)</script>', html).group(1))  # type: ignore[union-attr]
    assert {"六道口街道", "金山街道"} <= {a["name"] for a in data["areas"]}
    assert 'accept="image/*"' in html
