"""The round trip a FixMyStreet-style client makes: POST → token → GET request → our staff handle
it → ``servicerequestupdates`` reports each step until closed; the client posts its own updates."""

from __future__ import annotations

import pytest

from dangqun.cases.models import Case
from dangqun.open311.keys import client_issue_key
from dangqun.open311.models import Open311Request, Open311Update
from dangqun.regions.models import Region
from tests.open311.conftest import BASE, ISO, check_errors, check_request_json, post_body, xml_root


def _act(client, code: str, path: str, body: dict | None = None) -> dict:  # type: ignore[no-untyped-def]
    response = client.post_json(f"/api/v1/cases/{code}/{path}", body or {})
    assert response.status_code == 200, response.content
    return response.json()


def _updates(http, s, fmt: str = "json"):  # type: ignore[no-untyped-def]
    return http.get(f"{BASE}/servicerequestupdates.{fmt}", {"api_key": s.key})


def test_round_trip_from_post_to_closed(http, o311, api_as):
    posted = http.post(f"{BASE}/requests.json", post_body(o311))
    assert posted.status_code == 201, posted.content
    code = posted.json()[0]["service_request_id"]
    assert "token" not in posted.json()[0]  # service_request_id or token, not both
    token = str(Open311Request.objects.get(case__code=code).token)
    assert http.get(f"{BASE}/tokens/{token}.json").json()[0]["service_request_id"] == code

    dispatcher = api_as("dispatcher")
    staff = api_as("department_staff")
    _act(dispatcher, code, "accept")
    _act(dispatcher, code, "dispatch", {"lead": {"department": o311.department.code}})
    handling = http.get(f"{BASE}/requests/{code}.json", {"extensions": "true"}).json()[0]
    check_request_json(handling)
    case = Case.objects.get(code=code)
    assert handling["agency_responsible"] == o311.department.name
    assert handling["expected_datetime"] is not None
    assert ISO.match(handling["expected_datetime"])
    assert handling["extended_attributes"]["detailed_status"] == "ACTION_SCHEDULED"
    assert [n["summary"] for n in handling["notes"]] == ["登记", "受理", "派单"]

    _act(staff, code, "sign")
    _act(staff, code, "resolve", {"reason": "已更换灯泡"})
    done = http.get(f"{BASE}/requests/{code}.json", {"extensions": "true"}).json()[0]
    assert done["status"] == "closed"
    assert done["status_notes"] == "已更换灯泡"
    # staff names are masked as citizen tracking masks them
    signer = next(n for n in done["notes"] if n["summary"] == "签收")
    assert signer["author"].endswith("*")
    assert signer["unit"] == o311.department.name

    feed = _updates(http, o311).json()
    mine = [u for u in feed if u["service_request_id"] == code]
    assert [u["status"] for u in mine] == [
        "OPEN",
        "INVESTIGATING",
        "ACTION_SCHEDULED",
        "IN_PROGRESS",
        "FIXED",
    ]
    assert mine[-1]["description"] == "办结:已更换灯泡"
    for u in mine:
        assert ISO.match(u["updated_datetime"])
        assert u["update_id"]
    xml = xml_root(_updates(http, o311, "xml"))
    assert xml.tag == "service_request_updates"
    assert {u.findtext("service_request_id") for u in xml.findall("request_update")} >= {code}
    assert case.pk


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_client_posts_updates_once_each(http, o311, fmt):
    code = http.post(f"{BASE}/requests.json", post_body(o311)).json()[0]["service_request_id"]
    body = {
        "api_key": o311.key,
        "service_request_id": code,
        "update_id": "fms-77",
        "updated_datetime": "2026-11-22T10:00:00+08:00",
        "status": "OPEN",
        "description": "今晚还是不亮",
        "first_name": "小明",
        "last_name": "王",
    }
    first = http.post(f"{BASE}/servicerequestupdates.{fmt}", body)
    again = http.post(f"{BASE}/servicerequestupdates.{fmt}", body)
    assert (first.status_code, again.status_code) == (201, 200)
    if fmt == "json":
        assert first.json() == again.json()
        assert first.json()[0]["update_id"].startswith("o311u-")
    else:
        assert xml_root(first).findtext("request_update/update_id", "").startswith("o311u-")
    assert Open311Update.objects.filter(client=o311.client, external_id="fms-77").count() == 1
    update = Open311Update.objects.get(client=o311.client, external_id="fms-77")
    assert (update.case.code, update.status, update.submitter) == (code, "OPEN", "王小明")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_updates_are_refused(http, o311, fmt):
    code = http.post(f"{BASE}/requests.json", post_body(o311)).json()[0]["service_request_id"]
    good = {
        "api_key": o311.key,
        "service_request_id": code,
        "update_id": "u1",
        "updated_datetime": "2026-11-22T10:00:00+08:00",
        "status": "CLOSED",
    }
    url = f"{BASE}/servicerequestupdates.{fmt}"
    check_errors(http.post(url, {**good, "api_key": "bad"}), 403, fmt)
    check_errors(http.post(url, {**good, "service_request_id": "YB-nope"}), 404, fmt)
    check_errors(http.post(url, {**good, "status": "MAYBE"}), 400, fmt)
    check_errors(http.post(url, {**good, "updated_datetime": "today"}), 400, fmt)
    check_errors(http.post(url, {**good, "update_id": ""}), 400, fmt)
    check_errors(http.post(url, {**good, "description": "<b>hi</b>"}), 400, fmt)
    check_errors(http.get(url, {"api_key": "bad"}), 403, fmt)
    check_errors(http.get(url, {"api_key": o311.key, "start_date": "x"}), 400, fmt)
    assert not Open311Update.objects.filter(client=o311.client).exists()


def test_a_client_sees_only_its_own_updates_and_district(http, o311):
    code = http.post(f"{BASE}/requests.json", post_body(o311)).json()[0]["service_request_id"]
    other, other_key = client_issue_key(actor=None, name="另一系统", district=o311.district)
    feed = http.get(f"{BASE}/servicerequestupdates.json", {"api_key": other_key}).json()
    assert code not in {u["service_request_id"] for u in feed}
    # a key of one district cannot post into another jurisdiction
    stray = Region.objects.create(code="999901", name="外区", level=1, path="/999901/")
    response = http.post(
        f"{BASE}/requests.json", post_body(o311, jurisdiction_id=stray.code, device_id="dev-x")
    )
    check_errors(response, 403, "json")
    assert other.pk
