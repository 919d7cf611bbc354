"""办事指南 through the API, as the demo personas: the public catalogue and an item; staff keep their
region's items (another region's is 404, bad input 422 naming the field); a resident applies online
with materials checked like a case's photos; the community's staff accept, hand over and complete it
within the time limit (409 for a move the door refuses); the resident sees each hand-over; another
resident and another community's staff get 404."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from dangqun.accounts.models import Membership, Role, User
from dangqun.civic.guide_selectors import light_of
from dangqun.civic.models import (
    OPEN_APPLICATION_STATUSES,
    ApplicationHandover,
    ServiceApplication,
    ServiceItem,
)
from dangqun.core.models import AuditEvent
from dangqun.demo.build_guides import seed_village
from dangqun.demo.calendar import anchor_end, demo_shift
from dangqun.demo.personas import DEMO_PASSWORD
from dangqun.demo.tree import RegionTree
from dangqun.regions.models import Region, RegionLevel
from tests.civic.conftest import png_bytes


def _community_item(civic) -> ServiceItem:  # type: ignore[no-untyped-def]
    return ServiceItem.objects.filter(region=civic.community, online=True).order_by("sort_order").first()


def _apply(client, code: str, *files, note: str = "请代办") -> object:  # type: ignore[no-untyped-def]
    data = {"note": note, "files": list(files)}
    return client.post(
        f"/api/v1/civic/services/{code}/applications", data, headers={"X-CSRFToken": client.csrf_token}
    )


def _png(name: str = "户口簿.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def test_the_catalogue_is_public_and_lists_the_three_levels(client, civic) -> None:
    listing = client.get(f"/api/v1/civic/services?region={civic.community.code}")

    assert listing.status_code == 200, listing.content
    levels = {i["level"] for i in listing.json()["items"]}
    assert levels == {"community", "street", "district"}
    item = listing.json()["items"][0]
    detail = client.get(f"/api/v1/civic/services/{item['code']}")
    assert detail.status_code == 200
    assert detail.json()["materials"]
    assert detail.json()["time_limit_days"] >= 0
    assert client.get("/api/v1/civic/services/NO-SUCH").status_code == 404
    assert client.get("/api/v1/civic/services?region=NO-SUCH").status_code == 422
    found = client.get("/api/v1/civic/services?q=生育登记").json()
    assert found["count"] >= 1
    assert all("生育登记" in i["name"] for i in found["items"])


def test_the_seed_village_offers_39_items_21_online(client, civic) -> None:
    village = seed_village(RegionTree.load())

    listing = client.get(f"/api/v1/civic/services?region={village.code}&level=community&limit=200").json()

    assert listing["count"] == 39
    assert sum(1 for i in listing["items"] if i["online"]) == 21
    assert {i["region_code"] for i in listing["items"]} == {village.code}
    assert client.get(listing["items"][0]["qr_url"]).status_code == 200


def test_resident_applies_and_staff_carry_it_to_done(
    api_as, civic, media, django_capture_on_commit_callbacks
):
    citizen, staff = api_as("citizen"), api_as("community_staff")
    item = _community_item(civic)

    with django_capture_on_commit_callbacks(execute=True):
        created = _apply(citizen, item.code, _png(), _png("身份证.png"))

    assert created.status_code == 201, created.content
    app = created.json()
    assert app["status"] == "submitted"
    assert len(app["files"]) == 2
    assert [m["action"] for m in app["moves"]] == ["withdraw"]
    row = ServiceApplication.objects.get(pk=app["id"])
    assert row.due_at > row.submitted_at
    desk = staff.get("/api/v1/civic/applications?status=open").json()
    assert app["id"] in [a["id"] for a in desk["items"]]
    assert {m["action"] for m in staff.get(f"/api/v1/civic/applications/{app['id']}").json()["moves"]} == {
        "accept",
        "return",
    }

    # A move the door does not allow from 待受理: 409, nothing written.
    early = staff.post_json(f"/api/v1/civic/applications/{app['id']}/complete", {"result": "好"})
    assert early.status_code == 409, early.content

    accepted = staff.post_json(f"/api/v1/civic/applications/{app['id']}/accept", {})
    assert accepted.status_code == 200, accepted.content
    missing = staff.post_json(f"/api/v1/civic/applications/{app['id']}/hand_over", {})
    assert missing.status_code == 422
    assert "to" in missing.json()["errors"]
    for to in ("街道便民服务中心", "区政务服务中心民政窗口"):
        moved = staff.post_json(
            f"/api/v1/civic/applications/{app['id']}/hand_over", {"to": to, "reason": "代办员送交"}
        )
        assert moved.status_code == 200, moved.content
    done = staff.post_json(
        f"/api/v1/civic/applications/{app['id']}/complete", {"result": "已办结,证件已送达"}
    )

    assert done.status_code == 200, done.content
    body = done.json()
    assert body["status"] == "done"
    assert body["moves"] == []
    assert [(h["from_place"], h["to_place"]) for h in body["handovers"]] == [
        (item.unit_name, "街道便民服务中心"),
        ("街道便民服务中心", "区政务服务中心民政窗口"),
    ]
    mine = citizen.get("/api/v1/civic/me/applications").json()
    seen = next(a for a in mine if a["id"] == app["id"])
    assert seen["status"] == "done"
    assert len(seen["handovers"]) == 2
    assert seen["moves"] == []
    events = AuditEvent.objects.filter(target_type="civic.serviceapplication", target_id=str(app["id"]))
    assert events.count() == 5  # submitted, accepted, 2 hand-overs, done
    again = staff.post_json(f"/api/v1/civic/applications/{app['id']}/return", {"reason": "x"})
    assert again.status_code == 409


def test_a_return_needs_a_reason_and_the_applicant_sees_it(api_as, civic, media) -> None:
    citizen, staff = api_as("citizen"), api_as("community_staff")
    app = _apply(citizen, _community_item(civic).code, _png()).json()

    bare = staff.post_json(f"/api/v1/civic/applications/{app['id']}/return", {})
    returned = staff.post_json(
        f"/api/v1/civic/applications/{app['id']}/return", {"reason": "缺少户口簿复印件"}
    )

    assert bare.status_code == 422
    assert "reason" in bare.json()["errors"]
    assert returned.status_code == 200
    assert (
        citizen.get(f"/api/v1/civic/applications/{app['id']}").json()["return_reason"] == "缺少户口簿复印件"
    )


def test_bad_uploads_and_input_write_nothing(api_as, civic, media) -> None:
    citizen = api_as("citizen")
    code = _community_item(civic).code
    before = ServiceApplication.objects.count()

    fake = SimpleUploadedFile("身份证.png", b"MZ not an image at all", content_type="image/png")
    exe = _apply(citizen, code, fake)
    none = citizen.post(
        f"/api/v1/civic/services/{code}/applications",
        {"note": "x"},
        headers={"X-CSRFToken": citizen.csrf_token},
    )
    long_note = _apply(citizen, code, _png(), note="长" * 501)

    assert exe.status_code == 415, exe.content
    assert none.status_code == 422
    assert long_note.status_code == 422
    assert "note" in long_note.json()["errors"]
    assert ServiceApplication.objects.count() == before
    offline = ServiceItem.objects.filter(online=False).first()
    assert _apply(citizen, offline.code, _png()).status_code == 409
    assert _apply(citizen, "NO-SUCH", _png()).status_code == 404


def test_staff_keep_their_own_regions_items(api_as, civic) -> None:
    staff, street = api_as("community_staff"), api_as("street_staff")
    body = {
        "region": civic.community.code,
        "name": "老年人优待证补办",
        "time_limit_days": 3,
        "materials": [{"name": "身份证原件", "copies": 1}, "一寸照片"],
        "fee": "不收费",
    }

    created = staff.post_json("/api/v1/civic/services", body)
    assert created.status_code == 201, created.content
    item = created.json()
    assert item["level"] == "community"
    assert [m["name"] for m in item["materials"]] == ["身份证原件", "一寸照片"]
    assert (
        staff.patch_json(f"/api/v1/civic/services/{item['code']}", {"time_limit_days": 2}).json()[
            "time_limit_days"
        ]
        == 2
    )
    # The street above may edit it too; a street item is not the community's.
    assert (
        street.patch_json(f"/api/v1/civic/services/{item['code']}", {"hours": "周一至周五"}).status_code
        == 200
    )
    street_item = ServiceItem.objects.filter(region=civic.street).first()
    assert staff.patch_json(f"/api/v1/civic/services/{street_item.code}", {"fee": "1元"}).status_code == 404

    bad_region = staff.post_json("/api/v1/civic/services", {**body, "region": civic.street.code})
    bad_material = staff.post_json("/api/v1/civic/services", {**body, "materials": [{"name": ""}]})
    bad_limit = staff.post_json("/api/v1/civic/services", {**body, "time_limit_days": 999})
    assert bad_region.status_code == 422
    assert "region" in bad_region.json()["errors"]
    assert bad_material.status_code == 422
    assert "materials[0].name" in bad_material.json()["errors"]
    assert bad_limit.status_code == 422
    assert "time_limit_days" in bad_limit.json()["errors"]
    assert api_as("citizen").post_json("/api/v1/civic/services", body).status_code == 403


def test_another_resident_and_another_communitys_staff_get_404(api_as, civic, media) -> None:
    app = _apply(api_as("citizen"), _community_item(civic).code, _png()).json()
    other_community = (
        Region.objects.filter(level=RegionLevel.COMMUNITY)
        .exclude(pk=civic.community.pk)
        .order_by("path")
        .first()
    )
    intruder = User.objects.create_user(username="other_staff", password=DEMO_PASSWORD)
    Membership.objects.create(user=intruder, role=Role.COMMUNITY_STAFF, region=other_community)
    attackers = [api_as("party_member"), api_as("other_staff"), api_as("department_staff")]

    for attacker in attackers:
        assert attacker.get(f"/api/v1/civic/applications/{app['id']}").status_code == 404
        assert attacker.post_json(f"/api/v1/civic/applications/{app['id']}/accept", {}).status_code == 404
        assert app["id"] not in [a["id"] for a in attacker.get("/api/v1/civic/me/applications").json()]
    assert app["id"] not in [
        a["id"] for a in api_as("other_staff").get("/api/v1/civic/applications").json()["items"]
    ]
    # The applicant may not make the staff's moves: 403.
    assert (
        api_as("citizen").post_json(f"/api/v1/civic/applications/{app['id']}/accept", {}).status_code == 403
    )
    assert ApplicationHandover.objects.filter(application_id=app["id"]).count() == 0


def test_the_workbench_lists_overdue_first_with_lights(api_as, civic) -> None:
    items = api_as("community_staff").get("/api/v1/civic/applications?status=open").json()["items"]

    assert items, "the demo seeds applications in flight"
    dues = [a["due_at"] for a in items]
    assert dues == sorted(dues)
    assert {a["light"] for a in items} <= {"green", "yellow", "red"}
    assert "red" in {a["light"] for a in items}


def test_the_demo_applications_are_in_flight_at_the_seeds_end(civic) -> None:
    end = anchor_end()
    rows = list(ServiceApplication.objects.select_related("item"))

    assert len(rows) == 13
    assert {r.status for r in rows} == {"submitted", "accepted", "handed_over", "done", "returned"}
    assert all(r.submitted_at <= end for r in rows)
    lights = {light_of(r, now=end).colour for r in rows if r.status in OPEN_APPLICATION_STATUSES}
    assert {"green", "red"} <= lights
    assert ApplicationHandover.objects.filter(application__in=rows).count() >= 7


def test_reanchoring_the_demo_moves_the_applications_with_the_cases(civic) -> None:
    before = {a.pk: (a.submitted_at, a.due_at) for a in ServiceApplication.objects.all()}
    handed = ApplicationHandover.objects.order_by("id").first()

    shifted = demo_shift(7)

    assert shifted["serviceapplication"] == len(before)
    week = dt.timedelta(days=7)
    for application in ServiceApplication.objects.all():
        assert (application.submitted_at, application.due_at) == tuple(
            t + week for t in before[application.pk]
        )
    assert ApplicationHandover.objects.get(pk=handed.pk).at == handed.at + week
