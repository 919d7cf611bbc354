"""群众 app submission: the case and its photos in one transaction, and every refusal shown as itself.

A retry with the same form key answers with the first submission's case and its photos; a failure
half-way leaves nothing, so the retry makes the case with its photos. Each field's limit is checked by
the server and its message names the problem (before, every refusal of the service read "所选位置不在
本区范围内").
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dangqun.cases.models import Attachment, Case, CaseEvent
from dangqun.cases.services import intake
from tests.web.conftest import World
from tests.web.test_citizen_app import form, png


@pytest.fixture
def citizen(world: World, client_as: Any) -> Client:
    user = world.users["citizen"]
    user.phone = "13912348888"
    user.save(update_fields=["phone"])
    return client_as("citizen")


def errors_of(response: Any) -> list[str]:
    html = response.content.decode()
    shown = re.findall(r'<p class="field-error" id="[^"]+">([^<]+)</p>', html)
    alert = re.search(r'<div class="alert alert-error" role="alert">(.*?)</div>', html, re.S)
    if alert:
        shown += re.findall(r"<p>([^<]+)</p>", alert.group(1))
    return shown


def mine(world: World) -> Any:
    return Case.objects.filter(reporter=world.users["citizen"])


def test_a_retry_answers_with_the_same_case_and_its_photos(citizen: Client, world: World) -> None:
    first = citizen.post("/citizen/submit/", {**form(key="again"), "photos": [png(), png("b.png")]})
    retry = citizen.post("/citizen/submit/", {**form(key="again"), "photos": [png(), png("b.png")]})

    assert first.status_code == retry.status_code == 302
    assert retry["Location"] == first["Location"]
    case = mine(world).get()
    assert Attachment.objects.filter(case=case).count() == 2
    page = citizen.get(retry["Location"]).content.decode()
    for attachment in Attachment.objects.filter(case=case):
        assert f"/api/v1/attachments/{attachment.pk}" in page


def test_a_failure_half_way_leaves_nothing_and_the_retry_keeps_the_photos(
    citizen: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = intake.attachment_insert
    calls = {"n": 0}

    def fails_on_the_second_photo(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("storage went away")
        return real(**kwargs)

    monkeypatch.setattr(intake, "attachment_insert", fails_on_the_second_photo)
    with pytest.raises(RuntimeError):
        citizen.post("/citizen/submit/", {**form(key="flaky"), "photos": [png(), png("b.png")]})

    assert not mine(world).exists()  # not a case without its photos
    assert not Attachment.objects.filter(original_name__in=["photo.png", "b.png"]).exists()

    retry = citizen.post("/citizen/submit/", {**form(key="flaky"), "photos": [png(), png("b.png")]})

    assert retry.status_code == 302
    case = mine(world).get()
    assert sorted(Attachment.objects.filter(case=case).values_list("original_name", flat=True)) == [
        "b.png",
        "photo.png",
    ]
    events = list(CaseEvent.objects.filter(case=case).values_list("event_type", flat=True))
    assert events.count("attachment_added") == 2


def test_a_text_file_named_jpg_is_not_an_image(citizen: Client, world: World) -> None:
    text = SimpleUploadedFile("photo.jpg", "这是一段文字,不是照片\n".encode() * 20, content_type="image/jpeg")

    response = citizen.post("/citizen/submit/", {**form(), "photos": [png(), text]})

    assert response.status_code == 415
    html = response.content.decode()
    assert "文件“photo.jpg”不是图片" in html
    assert "所选位置不在本区范围内" not in html
    assert not mine(world).exists()
    assert not Attachment.objects.filter(original_name="photo.png").exists()


def test_a_document_is_not_a_photo(citizen: Client, world: World) -> None:
    content = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
    pdf = SimpleUploadedFile("report.pdf", content, content_type="application/pdf")

    response = citizen.post("/citizen/submit/", {**form(), "photos": [pdf]})

    assert response.status_code == 415
    assert "文件“report.pdf”不是图片" in response.content.decode()
    assert not mine(world).exists()


def test_more_photos_than_allowed_are_refused_as_such(citizen: Client, world: World) -> None:
    response = citizen.post("/citizen/submit/", {**form(), "photos": [png(f"{i}.png") for i in range(7)]})

    assert response.status_code == 422
    assert "最多上传6张照片" in response.content.decode()
    assert not mine(world).exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"description": "长" * 120_000}, "描述不能超过5000字"),
        ({"description": "   "}, "请描述您的诉求"),
        ({"title": "标" * 121}, "标题不能超过120字"),
        ({"title": ""}, "请填写标题"),
        ({"address": "路" * 201}, "地址不能超过200字"),
        ({"case_type": "gossip"}, "请从列表中选择类型"),
        ({"lng": "", "lat": "", "address": ""}, "请在地图上选择位置,或填写地址"),
        ({"lng": "10.0", "lat": "10.0"}, "所选位置不在本区范围内,请重新选择或填写地址"),
        ({"lat": "", "address": "锦江花园3号楼"}, "经度和纬度须同时提供"),
        ({"lng": "200"}, "地图位置无效,请重新在地图上选择"),
        ({"crs": "mars"}, "地图位置无效,请重新在地图上选择"),
        ({"key": "k" * 65}, "表单已失效,请刷新页面后重新提交"),
    ],
)
def test_each_refusal_reaches_the_citizen_as_itself(
    citizen: Client, world: World, fields: dict[str, str], message: str
) -> None:
    response = citizen.post("/citizen/submit/", form(**fields))

    assert response.status_code == 422
    assert message in errors_of(response)
    assert not mine(world).exists()


def test_a_reused_key_for_another_request_says_so(citizen: Client, world: World) -> None:
    assert citizen.post("/citizen/submit/", form(key="once")).status_code == 302

    response = citizen.post("/citizen/submit/", form(key="once", title="另一件事"))

    assert response.status_code == 409
    assert "这张表单已经提交过一条诉求,请刷新页面后再提交新的诉求" in errors_of(response)
    assert "所选位置不在本区范围内" not in response.content.decode()
    assert mine(world).count() == 1
