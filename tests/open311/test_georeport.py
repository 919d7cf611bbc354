"""GeoReport v2 over HTTP, in XML and JSON: discovery, services, definitions, posting, tokens,
lists and single requests, the spec's errors, and what an attacker would try."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client

from dangqun.cases.models import Case, IdempotencyRecord
from dangqun.core import clock
from dangqun.open311.keys import client_revoke
from dangqun.open311.models import Open311Request
from tests.open311.conftest import (
    BASE,
    check_definition_json,
    check_errors,
    check_request_json,
    check_request_xml,
    check_service_json,
    post_body,
    xml_root,
)

FORMATS = ["json", "xml"]


def _post(http: Client, fmt: str, body: dict, **kwargs):  # type: ignore[no-untyped-def]
    return http.post(f"{BASE}/requests.{fmt}", body, **kwargs)


def _code(response, fmt: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The posted request's service_request_id, and its token (from the database: the spec answers a
    POST with a service_request_id or a token, not both, and the case exists at once)."""
    if fmt == "json":
        item = response.json()[0]
        assert "token" not in item
        code = item["service_request_id"]
    else:
        element = xml_root(response).find("request")
        assert element is not None
        assert element.find("token") is None
        code = element.findtext("service_request_id") or ""
    return code, str(Open311Request.objects.get(case__code=code).token)


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_lists_the_endpoint_and_formats(http, o311, fmt):
    response = http.get(f"{BASE}/discovery.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        body = response.json()
        assert {"changeset", "contact", "key_service", "endpoints"} <= set(body)
        endpoint = body["endpoints"][0]
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint["formats"] == ["text/xml", "application/json"]
        assert endpoint["url"].endswith("/open311/v2/")
        assert endpoint["type"] == "production"
    else:
        root = xml_root(response)
        assert root.tag == "discovery"
        assert [f.text for f in root.iter("format")] == ["text/xml", "application/json"]
        assert root.findtext("endpoints/endpoint/specification") == "http://wiki.open311.org/GeoReport_v2"


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_list_each_category_with_its_group(http, o311, fmt):
    response = http.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": o311.district.code})
    assert response.status_code == 200
    if fmt == "json":
        services = response.json()
        for service in services:
            check_service_json(service)
        ours = next(s for s in services if s["service_code"] == o311.category.code)
        assert ours["metadata"] is True
        assert ours["group"] == "接口测试市政"
        assert ours["service_name"] == "路灯不亮"
    else:
        root = xml_root(response)
        ours = next(s for s in root.findall("service") if s.findtext("service_code") == o311.category.code)
        assert ours.findtext("metadata") == "true"
        assert ours.findtext("type") == "realtime"
        assert {c.tag for c in ours} == {
            "service_code",
            "service_name",
            "description",
            "metadata",
            "type",
            "keywords",
            "group",
        }


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition_lists_attributes_in_order(http, o311, fmt):
    response = http.get(f"{BASE}/services/{o311.category.code}.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        body = response.json()
        check_definition_json(body)
        assert [a["code"] for a in body["attributes"]] == ["poles", "kind", "times", "since"]
        assert body["attributes"][1]["values"] == [
            {"key": "led", "name": "LED灯"},
            {"key": "sodium", "name": "钠灯"},
        ]
    else:
        root = xml_root(response)
        assert root.tag == "service_definition"
        attrs = root.findall("attributes/attribute")
        assert [a.findtext("code") for a in attrs] == ["poles", "kind", "times", "since"]
        assert attrs[0].findtext("required") == "true"
        assert [v.findtext("key") for v in attrs[1].findall("values/value")] == ["led", "sodium"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_service_code_and_jurisdiction_are_404(http, o311, fmt):
    check_errors(http.get(f"{BASE}/services/NOPE.{fmt}"), 404, fmt)
    check_errors(http.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": "nowhere"}), 404, fmt)
    check_errors(http.get(f"{BASE}/requests/YB-0-0.{fmt}"), 404, fmt)
    check_errors(http.get(f"{BASE}/tokens/not-a-token.{fmt}"), 404, fmt)
    check_errors(http.get(f"{BASE}/nothing-here.{fmt}"), 404, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_creates_one_case_through_intake_with_routing(http, o311, fmt):
    before = Case.objects.count()
    response = _post(http, fmt, post_body(o311, **{"attribute[since]": "2026-11-20T19:00:00+08:00"}))
    assert response.status_code == 201, response.content
    code, token = _code(response, fmt)
    case = Case.objects.get(code=code)
    assert Case.objects.count() == before + 1
    assert case.channel == "open311"
    assert case.category == o311.category
    assert case.grid == o311.grid
    assert case.suggested_route["lead_department"] == o311.department.code
    assert case.reporter_name == "王小明"
    assert "几根灯杆:2" in case.description
    assert "LED灯" in case.description
    posted = Open311Request.objects.get(case=case)
    assert str(posted.token) == token
    assert posted.attributes["times"] == ["dusk", "night"]
    assert posted.attributes["poles"] == 2.0


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_post_twice_makes_one_case(http, o311, fmt):
    before = Case.objects.count()
    first = _post(http, fmt, post_body(o311))
    again = _post(http, fmt, post_body(o311))
    assert (first.status_code, again.status_code) == (201, 200)
    assert _code(first, fmt) == _code(again, fmt)
    assert Case.objects.count() == before + 1
    # an explicit Idempotency-Key works without a device id too
    body = post_body(o311, device_id=None, description="另一处路灯不亮")
    one = _post(http, fmt, body, headers={"Idempotency-Key": "abc-1"})
    two = _post(http, fmt, body, headers={"Idempotency-Key": "abc-1"})
    assert _code(one, fmt) == _code(two, fmt)
    assert Case.objects.count() == before + 2
    assert IdempotencyRecord.objects.filter(owner=f"open311:{o311.client.pk}").count() == 2


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("override", "fragment"),
    [
        ({"lat": None, "long": None}, "位置"),
        ({"service_code": "NOPE"}, "service_code"),
        ({"attribute[poles]": "two"}, "poles"),
        ({"attribute[poles]": None}, "poles"),
        ({"attribute[kind]": "neon"}, "kind"),
        ({"attribute[times][]": ["dusk", "dawn"]}, "times"),
        ({"attribute[since]": "yesterday"}, "since"),
        ({"attribute[since]": "2026-11-20T19:00:00"}, "时区"),
        ({"attribute[colour]": "red"}, "colour"),
        ({"description": "灯" * 10_000}, "4000"),
        ({"description": "<script>alert(1)</script>路灯"}, "HTML"),
        ({"lat": "abc"}, "lat"),
        ({"lat": "10.0", "long": "10.0"}, "网格"),
        ({"address_id": "999999"}, "address_id"),
        ({"media_url": "javascript:alert(1)"}, "media_url"),
        ({"description": "路灯\x00不亮"}, "NUL"),
    ],
)
def test_bad_posts_get_400_and_create_nothing(http, o311, fmt, override, fragment):
    before = (Case.objects.count(), Open311Request.objects.count())
    response = _post(http, fmt, post_body(o311, **override))
    status = 404 if "service_code" in override else 400
    description = check_errors(response, status, fmt)
    assert fragment in description
    assert (Case.objects.count(), Open311Request.objects.count()) == before


@pytest.mark.parametrize("fmt", FORMATS)
def test_bad_and_revoked_keys_are_403(http, o311, fmt):
    before = Case.objects.count()
    check_errors(_post(http, fmt, post_body(o311, api_key="o311_guess")), 403, fmt)
    check_errors(_post(http, fmt, post_body(o311, api_key=None)), 403, fmt)
    client_revoke(actor=None, client=o311.client)
    check_errors(_post(http, fmt, post_body(o311)), 403, fmt)
    assert Case.objects.count() == before


def test_posts_are_rate_limited_per_client(http, o311):
    cache.clear()
    o311.client.rate_per_minute = 2
    o311.client.save(update_fields=["rate_per_minute"])
    statuses = [
        _post(http, "json", post_body(o311, description=f"第{i}处路灯不亮")).status_code for i in range(3)
    ]
    assert statuses == [201, 201, 429]
    cache.clear()


def test_address_only_posts_land_in_the_district_and_address_id_in_a_grid(http, o311):
    by_address = _post(http, "json", post_body(o311, lat=None, long=None, address_string="幸福路1号"))
    assert by_address.status_code == 201, by_address.content
    case = Case.objects.get(code=by_address.json()[0]["service_request_id"])
    assert (case.region, case.address, case.lat) == (o311.district, "幸福路1号", None)
    by_id = _post(
        http, "json", post_body(o311, lat=None, long=None, address_id=o311.grid.code, device_id="dev-2")
    )
    assert by_id.status_code == 201, by_id.content
    assert Case.objects.get(code=by_id.json()[0]["service_request_id"]).grid == o311.grid


@pytest.mark.parametrize("fmt", FORMATS)
def test_token_and_single_request_carry_every_field(http, o311, fmt):
    code, token = _code(_post(http, fmt, post_body(o311)), fmt)
    by_token = http.get(f"{BASE}/tokens/{token}.{fmt}")
    assert by_token.status_code == 200
    one = http.get(f"{BASE}/requests/{code}.{fmt}")
    assert one.status_code == 200
    if fmt == "json":
        assert by_token.json() == [{"service_request_id": code, "token": token}]
        item = one.json()[0]
        check_request_json(item)
        assert item["status"] == "open"
        assert item["service_code"] == o311.category.code
        assert "notes" not in item
    else:
        assert xml_root(by_token).findtext("request/service_request_id") == code
        item = xml_root(one).find("request")
        assert item is not None
        check_request_xml(item)


@pytest.mark.parametrize("fmt", FORMATS)
def test_request_list_filters_and_pages(http, o311, fmt):
    codes = [_code(_post(http, fmt, post_body(o311, device_id=f"d{i}")), fmt)[0] for i in range(3)]
    params = {"service_code": o311.category.code, "status": "open"}
    response = http.get(f"{BASE}/requests.{fmt}", params)
    assert response.status_code == 200
    if fmt == "json":
        items = response.json()
        for item in items:
            check_request_json(item)
        listed = [i["service_request_id"] for i in items]
    else:
        requests = xml_root(response).findall("request")
        for element in requests:
            check_request_xml(element)
        listed = [r.findtext("service_request_id") for r in requests]
    assert listed == list(reversed(codes))
    # closed filter excludes them; ids bypass the other filters; paging splits them
    closed = http.get(f"{BASE}/requests.json", {**params, "status": "closed"}).json()
    assert closed == []
    by_id = http.get(f"{BASE}/requests.json", {"service_request_id": ",".join(codes[:2])}).json()
    assert {i["service_request_id"] for i in by_id} == set(codes[:2])
    page2 = http.get(f"{BASE}/requests.json", {**params, "page_size": 2, "page": 2}).json()
    assert [i["service_request_id"] for i in page2] == [codes[0]]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "2026-13-01T00:00:00Z"},
        {"end_date": "yesterday"},
        {"start_date": "2026-01-01T00:00:00"},
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
        {"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
        {"status": "pending"},
        {"page_size": "5000"},
        {"page": "0"},
    ],
)
def test_bad_list_parameters_are_400(http, o311, fmt, params):
    check_errors(http.get(f"{BASE}/requests.{fmt}", params), 400, fmt)


def test_default_window_is_ninety_days(http, o311):
    code, _ = _code(_post(http, "json", post_body(o311)), "json")
    Case.objects.filter(code=code).update(submitted_at=clock.now() - dt.timedelta(days=91))
    listed = [i["service_request_id"] for i in http.get(f"{BASE}/requests.json").json()]
    assert code not in listed
    start = (clock.now() - dt.timedelta(days=100)).isoformat()
    listed = http.get(f"{BASE}/requests.json", {"start_date": start}).json()
    assert code in [i["service_request_id"] for i in listed]


def test_lists_never_show_reporter_data_or_other_channels_text(http, o311):
    code, _ = _code(_post(http, "json", post_body(o311)), "json")
    body = http.get(f"{BASE}/requests.json").content.decode()
    assert "13912345678" not in body
    assert "王小明" not in body
    other = Case.objects.exclude(channel="open311").filter(
        submitted_at__gte=clock.now() - dt.timedelta(days=90)
    )
    for case in other[:5]:
        item = http.get(f"{BASE}/requests/{case.code}.json").json()[0]
        assert item["description"] == case.title
        assert (item["address"], item["lat"], item["long"]) == ("", None, None)
    assert code


def test_methods_outside_the_spec_are_refused(http, o311):
    response = http.delete(f"{BASE}/requests.json")
    assert response.status_code == 405
    assert http.post(f"{BASE}/services.json").status_code == 405


def test_description_is_optional_as_the_spec_says(http, o311):
    response = _post(http, "json", post_body(o311, description=None))
    assert response.status_code == 201, response.content
    case = Case.objects.get(code=response.json()[0]["service_request_id"])
    assert case.description.startswith("路灯不亮")
    assert "几根灯杆:2" in case.description
