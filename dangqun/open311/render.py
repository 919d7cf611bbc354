"""GeoReport responses in XML and JSON (the Spark convention: the JSON is the XML's mapping).

We only produce XML, with ``xml.etree``; nothing untrusted is ever parsed as XML here."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from xml.etree import ElementTree as ET

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import timezone

FORMATS = ("xml", "json")
# A list under key K holds elements named CHILD_TAGS[K].
CHILD_TAGS = {
    "attributes": "attribute",
    "values": "value",
    "notes": "note",
    "endpoints": "endpoint",
    "formats": "format",
}


class Open311Error(Exception):
    """A GeoReport error: HTTP ``status`` and the body ``errors[{code, description}]``."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def iso(value: dt.datetime | None) -> str | None:
    """ISO 8601 with the local offset (``2026-11-22T14:05:00+08:00``), as the spec requires."""
    if value is None:
        return None
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, key: str, value: Any) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _fill(ET.SubElement(element, k), k, v)
    elif isinstance(value, list):
        tag = CHILD_TAGS.get(key, "item")
        for item in value:
            _fill(ET.SubElement(element, tag), tag, item)
    else:
        element.text = _text(value)


def to_xml(root: str, item_tag: str | None, data: Any) -> bytes:
    """``data`` is a list of dicts (``<root><item_tag>…</item_tag>…</root>``) or one dict (``<root>…``)."""
    element = ET.Element(root)
    if isinstance(data, list):
        for item in data:
            _fill(ET.SubElement(element, item_tag or "item"), item_tag or "item", item)
    else:
        _fill(element, root, data)
    return (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        + ET.tostring(element, encoding="utf-8").split(b"?>", 1)[-1].lstrip()
    )


def respond(fmt: str, root: str, item_tag: str | None, data: Any, status: int = 200) -> HttpResponse:
    if fmt == "json":
        body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).encode()
        return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")
    return HttpResponse(to_xml(root, item_tag, data), status=status, content_type="text/xml; charset=utf-8")


def error_response(fmt: str, status: int, description: str) -> HttpResponse:
    return respond(
        fmt if fmt in FORMATS else "xml",
        "errors",
        "error",
        [{"code": status, "description": description}],
        status=status,
    )
