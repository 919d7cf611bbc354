"""A request id for every request, and JSON log lines that carry it.

``RequestIdMiddleware`` (first in ``MIDDLEWARE``) takes the id from the ``X-Request-ID`` header when the
proxy (or the client) sent a well-formed one, makes one otherwise, keeps it in a context variable for
the request's thread and sends it back in the response's ``X-Request-ID``. ``RequestIdFilter`` puts it
on every log record (``request_id``), and ``JsonFormatter`` writes one JSON object a line: what a log
shipper (Loki, Filebeat, Fluent Bit) reads without a parsing rule. ``DANGQUN_LOG_FORMAT=json|text``
chooses (JSON by default when ``DJANGO_DEBUG=0``, see settings.LOGGING).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_META_KEY = "HTTP_X_REQUEST_ID"
# What we accept from outside: short, and nothing that could break a log line or a header.
_WELL_FORMED = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
_request_id: ContextVar[str] = ContextVar("dangqun_request_id", default="")


def current_request_id() -> str:
    """The id of the request this thread serves ("" outside a request)."""
    return _request_id.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = str(request.META.get(_META_KEY, ""))
        request_id = given if _WELL_FORMED.match(given) else new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = current_request_id()
        return True


# LogRecord attributes that are not "extra" fields given by the caller.
_STANDARD = frozenset(
    vars(logging.LogRecord("x", logging.INFO, "x", 0, "x", None, None)).keys()
    | {"message", "asctime", "request_id"}
)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, request_id, the
    caller's ``extra`` fields, and the exception's traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or current_request_id(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value if isinstance(value, str | int | float | bool | None) else repr(value)
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)
