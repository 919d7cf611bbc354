"""Media upload (the extension real servers offer), XML with extensions, and list query counts."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dangqun.cases.models import Case
from dangqun.open311.models import Open311Request
from tests.open311.conftest import BASE, check_errors, post_body, xml_root


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_media_upload_gives_a_media_url(http, o311):
    body = post_body(o311, media=SimpleUploadedFile("lamp.png", _png(), content_type="image/png"))
    response = http.post(f"{BASE}/requests.json", body)
    assert response.status_code == 201, response.content
    code = response.json()[0]["service_request_id"]
    posted = Open311Request.objects.get(case__code=code)
    assert posted.media_url.startswith("http://testserver/")
    item = http.get(f"{BASE}/requests/{code}.json").json()[0]
    assert item["media_url"] == posted.media_url


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
