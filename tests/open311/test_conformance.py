"""GeoReport v2 details a strict client relies on: the POST answer (service_request_id, no token),
optional fields left out rather than empty, repeated and comma-delimited list parameters, the 400 for
a POST without service_code, and CORS for browser clients on other sites."""

from __future__ import annotations

import pytest
from django.test import override_settings

from dangqun.cases.models import Case
from dangqun.open311.models import Open311Request
from tests.open311.conftest import BASE, check_errors, check_request_json, post_body, xml_root

FORMATS = ["json", "xml"]
ORIGIN = "https://app.example.cn"


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_answers_the_service_request_id_without_token_or_empty_account(http, o311, fmt):
    response = http.post(f"{BASE}/requests.{fmt}", post_body(o311))
    assert response.status_code == 201, response.content
    if fmt == "json":
        item = response.json()[0]
        assert set(item) == {"service_request_id", "service_notice"}
        code = item["service_request_id"]
    else:
        element = xml_root(response).find("request")
        assert element is not None
        assert {c.tag for c in element} == {"service_request_id", "service_notice"}
        code = element.findtext("service_request_id") or ""
    posted = Open311Request.objects.get(case__code=code)
    # the token still answers at /tokens/ for a client that has one
    assert http.get(f"{BASE}/tokens/{posted.token}.json").json()[0]["service_request_id"] == code


@pytest.mark.parametrize("fmt", FORMATS)
def test_account_id_is_echoed_only_when_sent(http, o311, fmt):
    response = http.post(f"{BASE}/requests.{fmt}", post_body(o311, account_id="acc-42"))
    assert response.status_code == 201, response.content
    if fmt == "json":
        assert response.json()[0]["account_id"] == "acc-42"
        assert "token" not in response.json()[0]
    else:
        assert xml_root(response).findtext("request/account_id") == "acc-42"


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_leave_out_zipcode_rather_than_send_it_empty(http, o311, fmt):
    code = http.post(f"{BASE}/requests.json", post_body(o311)).json()[0]["service_request_id"]
    response = http.get(f"{BASE}/requests/{code}.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        item = response.json()[0]
        check_request_json(item)
        assert "zipcode" not in item
        assert "account_id" not in item
    else:
        element = xml_root(response).find("request")
        assert element is not None
        assert element.find("zipcode") is None
    assert '"zipcode"' not in http.get(f"{BASE}/requests.json").content.decode()


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_without_service_code_is_400_in_the_error_format(http, o311, fmt):
    before = Case.objects.count()
    for missing in (None, "", "  "):
        response = http.post(f"{BASE}/requests.{fmt}", post_body(o311, service_code=missing))
        assert "service_code" in check_errors(response, 400, fmt)
    # an unknown one is still 404 (the spec: service_code provided was not found)
    check_errors(http.post(f"{BASE}/requests.{fmt}", post_body(o311, service_code="NOPE")), 404, fmt)
    assert Case.objects.count() == before


def _listed(http, query: str) -> set[str]:  # type: ignore[no-untyped-def]
    response = http.get(f"{BASE}/requests.json?{query}")
    assert response.status_code == 200, response.content
    return {i["service_request_id"] for i in response.json()}


def test_repeated_and_comma_delimited_list_parameters_are_all_honoured(http, o311):
    lamp = http.post(f"{BASE}/requests.json", post_body(o311)).json()[0]["service_request_id"]
    categorised = Case.objects.exclude(channel="open311").filter(category__isnull=False).order_by("-id")
    other = categorised.exclude(status="closed")[0]
    closed = categorised.filter(status="closed")[0]
    # both inside the default 90-day window
    when = Case.objects.get(code=lamp).submitted_at
    Case.objects.filter(pk__in=[other.pk, closed.pk]).update(submitted_at=when)
    ours, theirs, shut = o311.category.code, other.category.code, closed.category.code

    repeated = _listed(http, f"service_code={ours}&service_code={theirs}")
    assert {lamp, other.code} <= repeated
    assert _listed(http, f"service_code={ours},{theirs}") == repeated
    assert _listed(http, f"service_code={ours}&service_code={theirs},{ours}") == repeated
    assert other.code not in _listed(http, f"service_code={ours}")

    both = _listed(http, f"service_code={ours}&service_code={shut}&status=open&status=closed")
    assert {lamp, closed.code} <= both
    assert _listed(http, f"service_code={ours},{shut}&status=open,closed") == both
    assert closed.code not in _listed(http, f"service_code={ours},{shut}&status=open")
    assert lamp not in _listed(http, f"service_code={ours},{shut}&status=closed")

    by_ids = _listed(http, f"service_request_id={lamp}&service_request_id={other.code}")
    assert by_ids == {lamp, other.code}
    check_errors(http.get(f"{BASE}/requests.json?status=open&status=pending"), 400, "json")


# --- CORS -------------------------------------------------------------------------------------------


def test_public_endpoints_carry_cors_headers_for_any_origin_by_default(http, o311):
    for path in ("services.json", "requests.json", f"services/{o311.category.code}.xml", "discovery.json"):
        response = http.get(f"{BASE}/{path}", headers={"Origin": ORIGIN})
        assert response.status_code == 200, path
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in response
    posted = http.post(f"{BASE}/requests.json", post_body(o311), headers={"Origin": ORIGIN})
    assert posted.status_code == 201
    assert posted["Access-Control-Allow-Origin"] == "*"
    refused = http.post(f"{BASE}/requests.json", post_body(o311, api_key="nope"), headers={"Origin": ORIGIN})
    assert refused.status_code == 403
    assert refused["Access-Control-Allow-Origin"] == "*"  # the browser client can read why


def test_preflight_is_answered_without_reaching_the_view(http, o311):
    before = Case.objects.count()
    response = http.options(
        f"{BASE}/requests.json",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, idempotency-key",
        },
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert set(response["Access-Control-Allow-Methods"].split(", ")) == {"GET", "POST", "OPTIONS"}
    allowed = {h.strip().lower() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"content-type", "idempotency-key"} <= allowed
    assert int(response["Access-Control-Max-Age"]) > 0
    services = http.options(
        f"{BASE}/services.json", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET"}
    )
    assert services.status_code == 204
    assert services["Access-Control-Allow-Methods"] == "GET, OPTIONS"
    assert Case.objects.count() == before
    # a plain OPTIONS (no preflight) is still outside the spec
    assert http.options(f"{BASE}/requests.json").status_code == 405


@override_settings(DANGQUN={"OPEN311_CORS_ORIGINS": [ORIGIN]})
def test_an_allow_list_answers_only_its_origins(http, o311):
    listed = http.get(f"{BASE}/services.json", headers={"Origin": ORIGIN})
    assert listed["Access-Control-Allow-Origin"] == ORIGIN
    assert "Origin" in listed["Vary"]
    stranger = http.get(f"{BASE}/services.json", headers={"Origin": "https://evil.example.com"})
    assert stranger.status_code == 200  # the server answers; the browser withholds it from the page
    assert "Access-Control-Allow-Origin" not in stranger
    assert "Origin" in stranger["Vary"]
    preflight = http.options(
        f"{BASE}/requests.json",
        headers={"Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 204
    assert "Access-Control-Allow-Origin" not in preflight
    assert "Access-Control-Allow-Methods" not in preflight
