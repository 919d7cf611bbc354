"""Fixtures for the Open311 server: a client key for the demo district, a service with attributes,
and the spec's field rules as small schemas that every response is checked against."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from defusedxml import ElementTree as SafeET
from django.test import Client

from dangqun.accounts.models import Membership, Role
from dangqun.cases.models import Category, RoutingRule
from dangqun.cases.services.categories import category_create
from dangqun.open311.keys import client_issue_key
from dangqun.open311.models import Open311Client, ServiceAttribute
from dangqun.orgs.models import Department
from dangqun.regions.models import Region

BASE = "/open311/v2"
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")


@dataclass
class Setup:
    client: Open311Client
    key: str
    district: Region
    grid: Region
    category: Category
    department: Department


@pytest.fixture
def o311(demo) -> Setup:
    district = Region.objects.get(parent__isnull=True)
    parent = category_create(actor=None, name="接口测试市政", code="O311T")
    category = category_create(actor=None, name="路灯不亮", parent=parent, code="O311T-01")
    department = Department.objects.get(short_name="城管局")
    RoutingRule.objects.create(name="O311路灯归城管", category=category, lead_department=department)
    ServiceAttribute.objects.create(
        category=category, code="poles", datatype="number", required=True, order=1, description="几根灯杆"
    )
    ServiceAttribute.objects.create(
        category=category,
        code="kind",
        datatype="singlevaluelist",
        order=2,
        description="灯的类型",
        values=[{"key": "led", "name": "LED灯"}, {"key": "sodium", "name": "钠灯"}],
    )
    ServiceAttribute.objects.create(
        category=category,
        code="times",
        datatype="multivaluelist",
        order=3,
        description="不亮的时段",
        values=[{"key": "dusk", "name": "傍晚"}, {"key": "night", "name": "深夜"}],
    )
    ServiceAttribute.objects.create(
        category=category, code="since", datatype="datetime", order=4, description="从何时起"
    )
    client, key = client_issue_key(actor=None, name="测试城市APP", district=district)
    grid = Membership.objects.get(user__username="grid_worker", role=Role.GRID_WORKER).region
    return Setup(client, key, district, grid, category, department)


@pytest.fixture
def http() -> Client:
    return Client(enforce_csrf_checks=True)


def post_body(s: Setup, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "api_key": s.key,
        "jurisdiction_id": s.district.code,
        "service_code": s.category.code,
        "lat": str(s.grid.centroid_lat),
        "long": str(s.grid.centroid_lng),
        "description": "小区东门的路灯连续三晚不亮",
        "device_id": "dev-1",
        "first_name": "小明",
        "last_name": "王",
        "phone": "13912345678",
        "attribute[poles]": "2",
        "attribute[kind]": "led",
        "attribute[times][]": ["dusk", "night"],
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


# --- the spec's field rules ----------------------------------------------------------------------------

REQUEST_FIELDS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    # name: (types, required non-empty)
    "service_request_id": (str, True),
    "status": (str, True),
    "status_notes": (str, False),
    "service_name": (str, False),
    "service_code": (str, False),
    "description": (str, False),
    "agency_responsible": (str, False),
    "service_notice": (str, False),
    "requested_datetime": (str, True),
    "updated_datetime": (str, True),
    "expected_datetime": ((str, type(None)), False),
    "address": (str, False),
    "address_id": (str, False),
    "lat": ((float, type(None)), False),
    "long": ((float, type(None)), False),
    "media_url": (str, False),
}
SERVICE_FIELDS = {
    "service_code": (str, True),
    "service_name": (str, True),
    "description": (str, False),
    "metadata": (bool, True),
    "type": (str, True),
    "keywords": (str, False),
    "group": (str, False),
}
DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}


def check_fields(obj: dict[str, Any], fields: dict[str, tuple[Any, bool]]) -> None:
    for name, (types, required) in fields.items():
        assert name in obj, f"missing {name}"
        assert isinstance(obj[name], types), f"{name}: {obj[name]!r}"
        if required:
            assert obj[name] not in ("", None), f"{name} empty"
        if name.endswith("_datetime") and obj[name]:
            assert ISO.match(obj[name]), f"{name}: {obj[name]}"


# Optional fields we hold no value for are left out, never sent as "" (the spec: absent or null).
ABSENT_WHEN_UNKNOWN = ("zipcode", "account_id")


def check_request_json(obj: dict[str, Any]) -> None:
    check_fields(obj, REQUEST_FIELDS)
    assert obj["status"] in ("open", "closed")
    for name in ABSENT_WHEN_UNKNOWN:
        assert obj.get(name) is None or (isinstance(obj[name], str) and obj[name]), f"{name}: {obj[name]!r}"


def check_service_json(obj: dict[str, Any]) -> None:
    check_fields(obj, SERVICE_FIELDS)
    assert obj["type"] in ("realtime", "batch", "blackbox")


def check_definition_json(obj: dict[str, Any]) -> None:
    assert isinstance(obj["service_code"], str)
    for attr in obj["attributes"]:
        assert attr["datatype"] in DATATYPES
        assert isinstance(attr["variable"], bool)
        assert isinstance(attr["required"], bool)
        assert isinstance(attr["order"], int)
        assert attr["code"]
        assert attr["description"]
        for value in attr["values"]:
            assert set(value) == {"key", "name"}


def xml_root(response: Any) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return SafeET.fromstring(response.content)


def check_request_xml(element: ET.Element) -> None:
    assert element.tag == "request"
    children = {c.tag: (c.text or "") for c in element}
    for name, (_types, required) in REQUEST_FIELDS.items():
        assert name in children, f"missing {name}"
        if required:
            assert children[name], f"{name} empty"
    assert children["status"] in ("open", "closed")
    for name in ABSENT_WHEN_UNKNOWN:
        assert children.get(name) is None or children[name], f"{name} empty"
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        if children[name]:
            assert ISO.match(children[name]), children[name]
    for name in ("lat", "long"):
        if children[name]:
            float(children[name])


def check_errors(response: Any, status: int, fmt: str) -> str:
    assert response.status_code == status, response.content
    if fmt == "json":
        body = response.json()
        assert isinstance(body, list)
        assert body
        assert body[0]["code"] == status
        assert isinstance(body[0]["description"], str)
        return str(body[0]["description"])
    root = xml_root(response)
    assert root.tag == "errors"
    error = root.find("error")
    assert error is not None
    assert error.findtext("code") == str(status)
    return error.findtext("description") or ""
