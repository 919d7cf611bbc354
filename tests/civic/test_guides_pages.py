"""办事指南 pages: the catalogue, an item, its printable 一次性告知单 and its QR code open without
logging in; a resident applies online with a file; the community's staff see it on their workbench
and carry it to 办结 with the buttons the door offers; another resident gets 404."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dangqun.accounts.models import User
from dangqun.civic.models import ApplicationHandover, ServiceApplication, ServiceItem
from tests.civic.conftest import png_bytes


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _item(civic) -> ServiceItem:  # type: ignore[no-untyped-def]
    return ServiceItem.objects.filter(region=civic.community, online=True).order_by("sort_order").first()


def test_catalogue_item_materials_and_qr_open_without_login(client, civic) -> None:
    item = _item(civic)

    catalogue = client.get(f"/civic/services/?region={civic.community.code}")
    search = client.get("/civic/services/?q=生育登记")
    page = client.get(f"/civic/services/{item.code}/")
    notice = client.get(f"/civic/services/{item.code}/materials/")
    qr = client.get(f"/civic/services/{item.code}/qr.svg")

    assert catalogue.status_code == 200
    html = catalogue.content.decode()
    assert item.name in html
    assert "街道/乡镇" in html
    assert "区/县" in html
    assert "生育登记" in search.content.decode()
    assert page.status_code == 200
    assert item.materials[0]["name"] in page.content.decode()
    assert f'href="/civic/services/{item.code}/apply/"' in page.content.decode()
    assert notice.status_code == 200
    assert "一次性告知单" in notice.content.decode()
    assert "<svg" in notice.content.decode()
    assert qr.status_code == 200
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.lstrip().startswith(b"<svg")
    assert client.get("/civic/services/NO-SUCH/").status_code == 404
    assert client.get(f"/civic/services/{item.code}/apply/").status_code == 302  # to the login page


def test_resident_applies_on_the_page_and_staff_carry_it_to_done(civic, media) -> None:
    citizen, staff = _client("citizen"), _client("community_staff")
    item = _item(civic)

    form = citizen.get(f"/civic/services/{item.code}/apply/")
    bad = citizen.post(f"/civic/services/{item.code}/apply/", {"note": "x"})
    sent = citizen.post(
        f"/civic/services/{item.code}/apply/",
        {
            "note": "请代办",
            "files": [SimpleUploadedFile("户口簿.png", png_bytes(), content_type="image/png")],
        },
    )

    assert form.status_code == 200
    assert bad.status_code == 422
    assert sent.status_code == 302
    application = ServiceApplication.objects.filter(applicant__username="citizen").latest("id")
    assert sent["Location"] == f"/civic/applications/{application.pk}/"
    desk = staff.get("/civic/service-desk/").content.decode()
    assert application.code in desk
    assert "light-" in desk
    page = staff.get(f"/civic/applications/{application.pk}/").content.decode()
    assert set(re.findall(r'data-move="([a-z_]+)"', page)) == {"accept", "return"}

    staff.post(f"/civic/applications/{application.pk}/accept/")
    staff.post(
        f"/civic/applications/{application.pk}/hand_over/", {"to": "区政务服务中心民政窗口", "reason": "送件"}
    )
    staff.post(f"/civic/applications/{application.pk}/complete/", {"result": "已办结"})

    application.refresh_from_db()
    assert application.status == "done"
    assert application.done_at <= application.due_at
    assert ApplicationHandover.objects.filter(application=application).count() == 1
    mine = citizen.get(f"/civic/applications/{application.pk}/").content.decode()
    assert "区政务服务中心民政窗口" in mine
    assert "已办结" in mine
    assert "data-move" not in mine
    assert application.code in citizen.get("/civic/applications/").content.decode()
    assert _client("party_member").get(f"/civic/applications/{application.pk}/").status_code == 404
    assert _client("citizen").get("/civic/service-desk/").status_code == 403


def test_a_move_the_door_refuses_changes_nothing(civic) -> None:
    staff = _client("community_staff")
    application = ServiceApplication.objects.filter(item__region=civic.community, status="submitted").first()

    response = staff.post(f"/civic/applications/{application.pk}/complete/", {"result": "x"}, follow=True)

    application.refresh_from_db()
    assert application.status == "submitted"
    assert "操作未完成" in response.content.decode()


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_workbench_and_the_catalogue_read_a_fixed_number_of_queries(civic) -> None:
    staff, anonymous = _client("community_staff"), Client()
    for client, path in ((staff, "/civic/service-desk/"), (anonymous, "/civic/services/")):
        client.get(path)  # warm the per-process caches (calendar, scope)
    desk = _queries(staff, "/civic/service-desk/?status=")
    catalogue = _queries(anonymous, f"/civic/services/?region={civic.community.code}")
    mine = _queries(_client("citizen"), "/civic/applications/")
    first = ServiceApplication.objects.filter(item__region=civic.community).first()
    for n in range(3):
        ServiceApplication.objects.create(
            code=f"DBQ{n}",
            item=first.item,
            applicant=first.applicant,
            submitted_at=first.submitted_at,
            due_at=first.due_at,
        )
        ServiceItem.objects.create(
            code=f"Q-{n}", name=f"事项{n}", region=civic.community, level="community", time_limit_days=1
        )

    assert _queries(staff, "/civic/service-desk/?status=") == desk
    assert _queries(anonymous, f"/civic/services/?region={civic.community.code}") == catalogue
    assert _queries(_client("citizen"), "/civic/applications/") == mine
