"""Media upload (the extension real servers offer, served at signed, expiring URLs), XML with
extensions, and list query counts."""

from __future__ import annotations

import io
import time
from unittest import mock

from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from dangqun.cases.models import Case
from dangqun.open311 import media
from dangqun.open311.models import Open311Request
from tests.open311.conftest import BASE, check_errors, post_body, xml_root


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _fetch(http, url: str):  # type: ignore[no-untyped-def]
    assert url.startswith("http://testserver/"), url
    return http.get(url.removeprefix("http://testserver"))


@override_settings(DEBUG=False)
def test_media_upload_is_served_by_the_app_at_a_signed_url(http, o311):
    """With DEBUG off nothing serves /media/: the photo comes from the app, at a signed URL."""
    body = post_body(o311, media=SimpleUploadedFile("lamp.png", _png(), content_type="image/png"))
    response = http.post(f"{BASE}/requests.json", body)
    assert response.status_code == 201, response.content
    code = response.json()[0]["service_request_id"]
    posted = Open311Request.objects.get(case__code=code)
    assert posted.media_file.startswith("open311/")
    item = http.get(f"{BASE}/requests/{code}.json").json()[0]
    url = item["media_url"]
    assert url.startswith(f"http://testserver{BASE}/media/")
    assert posted.media_file not in url  # the storage path is not in the address
    photo = _fetch(http, url)
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/png"
    assert photo["X-Content-Type-Options"] == "nosniff"
    assert b"".join(photo.streaming_content).startswith(b"\x89PNG")
    listed = http.get(f"{BASE}/requests.xml", {"service_code": o311.category.code})
    assert xml_root(listed).findtext("request/media_url", "").startswith(f"http://testserver{BASE}/media/")


def test_media_urls_expire_and_cannot_be_forged(http, o311):
    body = post_body(o311, media=SimpleUploadedFile("lamp.png", _png(), content_type="image/png"))
    code = http.post(f"{BASE}/requests.json", body).json()[0]["service_request_id"]
    posted = Open311Request.objects.get(case__code=code)
    with mock.patch("django.core.signing.time") as clock:
        clock.time.return_value = time.time() - media.max_age() - 60
        stale = media.media_path(posted)
    assert http.get(stale).status_code == 410
    fresh = media.media_path(posted)
    assert http.get(fresh).status_code == 200
    forged = fresh.replace(fresh.rsplit(":", 1)[-1], "A" * len(fresh.rsplit(":", 1)[-1]))
    assert http.get(forged).status_code == 404
    other = signing.dumps(
        posted.pk, salt="another.purpose", compress=True
    )  # a signature made for something else
    assert http.get(f"{BASE}/media/{other}").status_code == 404
    # a request without an uploaded photo shows the URL its client sent, unsigned
    sent = "https://city.example.cn/photos/1.jpg"
    code = http.post(f"{BASE}/requests.json", post_body(o311, device_id="m2", media_url=sent)).json()[0]
    item = http.get(f"{BASE}/requests/{code['service_request_id']}.json").json()[0]
    assert item["media_url"] == sent


def test_media_that_is_not_an_image_is_refused(http, o311):
    before = Case.objects.count()
    fake = SimpleUploadedFile("lamp.png", b"MZ\x90\x00 not an image", content_type="image/png")
    check_errors(http.post(f"{BASE}/requests.xml", post_body(o311, media=fake)), 400, "xml")
    assert Case.objects.count() == before


def test_xml_with_extensions_nests_notes(http, o311):
    code = http.post(f"{BASE}/requests.json", post_body(o311)).json()[0]["service_request_id"]
    root = xml_root(http.get(f"{BASE}/requests/{code}.xml", {"extensions": "true"}))
    request = root.find("request")
    assert request is not None
    assert request.findtext("extended_attributes/detailed_status") == "OPEN"
    notes = request.findall("notes/note")
    assert [n.findtext("summary") for n in notes] == ["登记"]
    assert notes[0].findtext("author") == "系统"


def test_request_list_queries_do_not_grow_with_rows(http, o311, django_assert_max_num_queries):
    for i in range(2):
        http.post(f"{BASE}/requests.json", post_body(o311, device_id=f"q{i}"))
    with django_assert_max_num_queries(4):
        few = http.get(f"{BASE}/requests.json", {"extensions": "true"}).json()
    for i in range(2, 6):
        http.post(f"{BASE}/requests.json", post_body(o311, device_id=f"q{i}"))
    with django_assert_max_num_queries(4):
        more = http.get(f"{BASE}/requests.json", {"extensions": "true"}).json()
    assert len(more) == len(few) + 4
