"""入户排查 through the API and the pages, as the demo personas: the street drafts a safety campaign over
the persona community (the kind's ready-made form), opens it — every household listed, each to its
grid's worker — the grid worker records doors (answers, 无人在家, then the answers), the completion and
the tally rise, the office downloads the households with the head's name masked, and once closed no
door is recorded. Bad forms and answers are 422 naming the field; a door recorded twice or of a closed
campaign 409; another grid's door 404; staff who do not work the grid 403 — nothing written."""

from __future__ import annotations

import datetime as dt
import io

from django.test import Client
from openpyxl import load_workbook

from dangqun.core import clock
from dangqun.demo.personas import DEMO_PASSWORD
from dangqun.gridwork.models import Campaign, CampaignHousehold, CampaignStatus, DoorStatus
from dangqun.regions.models import Region, RegionLevel
from dangqun.registry.models import Household

URL = "/api/v1/gridwork/campaigns"
ANSWERS = {"gas": True, "ebike": False, "exit": True}


def _community(grid: Region) -> Region:
    return Region.objects.get(level=RegionLevel.COMMUNITY, path__in=_prefixes(grid.path))


def _prefixes(path: str) -> list[str]:
    return [path[: i + 1] for i, c in enumerate(path) if c == "/" and i > 0]


def _draft(api_as, grid_world, **extra):  # type: ignore[no-untyped-def]
    today = clock.local_today()
    community = _community(grid_world.grid)
    body = {
        "region": community.code,
        "title": "燃气安全入户排查",
        "kind": "safety",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=10)).isoformat(),
        **extra,
    }
    return api_as("street_staff").post_json(URL, body)


def test_a_campaign_from_draft_to_door_to_export(api_as, grid_world) -> None:
    drafted = _draft(api_as, grid_world)
    assert drafted.status_code == 201, drafted.content
    campaign = drafted.json()
    assert campaign["status"] == "draft"
    assert [q["key"] for q in campaign["questions"]][:3] == ["gas", "ebike", "exit"]
    assert [m["action"] for m in campaign["moves"]] == ["open"]
    street = api_as("street_staff")

    opened = street.post_json(f"{URL}/{campaign['id']}/open", {})
    assert opened.status_code == 200, opened.content
    community = _community(grid_world.grid)
    households = Household.objects.filter(grid__path__startswith=community.path).count()
    assert opened.json()["households"] == households > 0
    assert opened.json()["pct"] == 0

    worker = api_as("grid_worker")
    doors = worker.get(f"{URL}/{campaign['id']}/doors").json()
    assert doors
    assert {d["grid"] for d in doors} == {grid_world.grid.name}
    first, second = doors[0], doors[1]
    assert [m["action"] for m in first["moves"]] == ["record", "absent"]

    missing = worker.post_json(f"/api/v1/gridwork/doors/{first['id']}/record", {"answers": {"gas": True}})
    assert missing.status_code == 422
    assert "answers.ebike" in missing.content.decode()
    unknown = worker.post_json(
        f"/api/v1/gridwork/doors/{first['id']}/record", {"answers": {**ANSWERS, "pets": True}}
    )
    assert unknown.status_code == 422
    assert "answers.pets" in unknown.content.decode()
    assert CampaignHousehold.objects.get(pk=first["id"]).status == DoorStatus.PENDING

    recorded = worker.post_json(
        f"/api/v1/gridwork/doors/{first['id']}/record", {"answers": {**ANSWERS, "hazard": "楼道堆放杂物"}}
    )
    assert recorded.status_code == 200, recorded.content
    assert recorded.json()["status"] == "done"
    again = worker.post_json(f"/api/v1/gridwork/doors/{first['id']}/record", {"answers": ANSWERS})
    assert again.status_code == 409  # the offline queue sending it twice stores it once
    absent = worker.post_json(f"/api/v1/gridwork/doors/{second['id']}/absent", {"note": "无人应答"})
    assert absent.json()["status"] == "absent"
    later = worker.post_json(f"/api/v1/gridwork/doors/{second['id']}/record", {"answers": ANSWERS})
    assert later.json()["status"] == "done"
    assert later.json()["attempts"] == 2

    detail = street.get(f"{URL}/{campaign['id']}").json()
    assert detail["done"] == 2
    grid_row = next(p for p in detail["progress"] if p["region"] == grid_world.grid.name)
    assert grid_row["done"] == 2
    community_row = next(p for p in detail["progress"] if p["region"] == community.name)
    assert community_row["households"] == households
    gas = next(t for t in detail["tally"] if t["key"] == "gas")
    assert gas["items"][0][1] == 2  # 是

    exported = street.get(f"{URL}/{campaign['id']}/export.xlsx")
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert sheet.max_row == households + 2
    heads = {
        h.head_name for h in Household.objects.filter(grid__path__startswith=community.path) if h.head_name
    }
    cells = {str(c.value) for row in sheet.iter_rows(min_row=3) for c in row if c.value}
    assert not heads & cells  # names masked

    closed = street.post_json(f"{URL}/{campaign['id']}/close", {})
    assert closed.json()["status"] == "closed"
    third = doors[2]
    late = worker.post_json(f"/api/v1/gridwork/doors/{third['id']}/record", {"answers": ANSWERS})
    assert late.status_code == 409
    assert CampaignHousehold.objects.get(pk=third["id"]).status == DoorStatus.PENDING


def test_bad_forms_and_strangers_change_nothing(api_as, grid_world) -> None:
    count = Campaign.objects.count()
    cases = [
        ({"kind": "party"}, "kind"),
        ({"title": " "}, "title"),
        ({"ends_on": (clock.local_today() - dt.timedelta(days=1)).isoformat()}, "ends_on"),
        ({"questions": [{"label": "住房", "type": "choice", "choices": ["自住"]}]}, "questions.0.choices"),
        ({"questions": [{"label": "住房", "type": "photo"}]}, "questions.0.type"),
        ({"questions": []}, "questions"),
    ]
    for extra, field in cases:
        response = _draft(api_as, grid_world, **extra)
        assert response.status_code == 422, (extra, response.content)
        assert field in response.content.decode()
    # another community than the staff's own, and a grid worker launching: 404
    today = clock.local_today().isoformat()
    elsewhere = {"region": _community(grid_world.other).code, "title": "x", "kind": "safety",
                 "starts_on": today, "ends_on": today}  # fmt: skip
    assert api_as("community_staff").post_json(URL, elsewhere).status_code == 404
    body = {
        "region": _community(grid_world.grid).code,
        "title": "x",
        "kind": "safety",
        "starts_on": today,
        "ends_on": today,
    }
    assert api_as("grid_worker").post_json(URL, body).status_code == 404
    assert Campaign.objects.count() == count

    campaign = _draft(api_as, grid_world).json()
    assert api_as("community_staff").post_json(f"{URL}/{campaign['id']}/close", {}).status_code == 409
    api_as("street_staff").post_json(f"{URL}/{campaign['id']}/open", {})
    door = CampaignHousehold.objects.filter(campaign_id=campaign["id"], grid=grid_world.grid).first()
    assert door is not None
    # staff who do not work the grid see the door but may not record it; a citizen does not see it
    assert (
        api_as("community_staff")
        .post_json(f"/api/v1/gridwork/doors/{door.pk}/record", {"answers": ANSWERS})
        .status_code
        == 403
    )
    assert (
        api_as("citizen")
        .post_json(f"/api/v1/gridwork/doors/{door.pk}/record", {"answers": ANSWERS})
        .status_code
        == 404
    )
    assert api_as("citizen").get(f"{URL}/{campaign['id']}").status_code == 404
    assert CampaignHousehold.objects.get(pk=door.pk).status == DoorStatus.PENDING


def _page_client(username: str) -> Client:
    client = Client()
    assert client.post("/login/", {"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


def test_the_pages_launch_open_and_record(grid_world) -> None:
    street = _page_client("street_staff")
    today = clock.local_today()
    form = {
        "title": "防疫入户排查",
        "region": _community(grid_world.grid).code,
        "kind": "epidemic",
        "extra": "是否需要上门服务",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=7)).isoformat(),
    }
    bad = street.post("/gridwork/campaigns/", {**form, "ends_on": "soon"})
    assert bad.status_code == 422
    assert "未能发起" in bad.content.decode()
    created = street.post("/gridwork/campaigns/", form)
    assert created.status_code == 302
    campaign = Campaign.objects.get(title="防疫入户排查")
    assert campaign.questions[-1]["label"] == "是否需要上门服务"
    page = street.get(created.url).content.decode()
    assert 'data-move="open"' in page
    street.post(f"/gridwork/campaigns/{campaign.pk}/open/")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN

    worker = _page_client("grid_worker")
    listed = worker.get("/grid/campaigns/").content.decode()
    assert f'data-campaign="{campaign.pk}"' in listed
    doors = worker.get(f"/grid/campaigns/{campaign.pk}/").content.decode()
    door = CampaignHousehold.objects.filter(campaign=campaign, grid=grid_world.grid).order_by("id").first()
    assert door is not None
    assert f'data-door="{door.pk}"' in doors
    refused = worker.post(f"/grid/doors/{door.pk}/", {"action": "record", "q-fever": "no"})
    assert refused.status_code == 200
    assert "answers.returned" in refused.content.decode() or "必填" in refused.content.decode()
    done = worker.post(
        f"/grid/doors/{door.pk}/",
        {"action": "record", "q-fever": "no", "q-returned": "yes", "q-extra1": "yes"},
    )
    assert done.status_code == 302
    door.refresh_from_db()
    assert door.status == DoorStatus.DONE
    assert door.answers == {"fever": False, "returned": True, "extra1": True}
    assert worker.get(f"/grid/doors/{door.pk}/").status_code == 200
    other = CampaignHousehold.objects.filter(campaign=campaign).exclude(grid=grid_world.grid).first()
    if other is not None:
        assert worker.get(f"/grid/doors/{other.pk}/").status_code == 404


def test_the_demo_has_a_campaign_in_progress(api_as) -> None:
    rows = api_as("street_staff").get(URL).json()
    running = [r for r in rows if r["status"] == "open"]
    assert running
    assert 30 <= running[0]["pct"] <= 90
    assert any(r["status"] == "closed" for r in api_as("community_staff").get(URL).json())
