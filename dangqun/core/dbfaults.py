"""Database faults as honest answers: 503 with ``Retry-After`` while the database is away, full or
read-only, never a 500 page or a hang; every other database error stays a 500 (a bug is not an
outage).

``is_database_unavailable`` reads the driver's own error code (``__cause__`` of Django's wrapper):

- SQLite (``sqlite_errorcode``, primary code): ``SQLITE_FULL`` (database or disk is full),
  ``SQLITE_READONLY``, ``SQLITE_IOERR``, ``SQLITE_CANTOPEN``, ``SQLITE_BUSY``/``SQLITE_LOCKED``
  (the write lock not obtained within the busy timeout). "no such table", syntax errors and
  constraint failures are bugs: 500.
- PostgreSQL (psycopg ``sqlstate``): no code at all (connection refused, lost, closed, or the
  ``connect_timeout`` expired against a server that accepts and never answers), class 08
  (connection exception), 57P01–57P03 (admin or crash shutdown, cannot connect now), class 53
  (disk full, out of memory, too many connections), 25006 (read-only transaction, e.g.
  ``default_transaction_read_only`` or a hot standby).
- Django's ``InterfaceError`` (a connection already closed).

A request whose commit fails never runs its ``on_commit`` callbacks and is not acknowledged: the
client gets the 503 and retries (with its Idempotency-Key, intake returns the case if the commit did
land after all).
"""

from __future__ import annotations

import logging
import sys

from django.db import Error as DjangoDatabaseError
from django.db import InterfaceError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger("dangqun.dbfaults")

RETRY_AFTER_SECONDS = 5

_SQLITE_UNAVAILABLE = {
    5: "SQLITE_BUSY",
    6: "SQLITE_LOCKED",
    8: "SQLITE_READONLY",
    10: "SQLITE_IOERR",
    13: "SQLITE_FULL",
    14: "SQLITE_CANTOPEN",
}
_PG_UNAVAILABLE_STATES = {"57P01", "57P02", "57P03", "25006"}
_PG_UNAVAILABLE_CLASSES = {"08", "53"}
_PG_CONNECTION_ERRORS = {"OperationalError", "InterfaceError"}


def _driver_error(exc: BaseException) -> BaseException | None:
    cause = exc.__cause__
    return cause if cause is not None else exc


def is_database_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` says the database cannot serve now (away, full, read-only, busy); False for
    every other error, programming errors included."""
    if not isinstance(exc, DjangoDatabaseError):
        return False
    if isinstance(exc, InterfaceError):
        return True
    driver = _driver_error(exc)
    code = getattr(driver, "sqlite_errorcode", None)
    if code is not None:
        return int(code) & 0xFF in _SQLITE_UNAVAILABLE
    module = type(driver).__module__ or ""
    if module.startswith("psycopg"):
        state = getattr(driver, "sqlstate", None)
        if state is None:
            # No server answer at all: refused, lost or closed connection, or a server that accepted
            # and never answered (psycopg.errors.ConnectionTimeout, a subclass): psycopg's
            # OperationalError or InterfaceError or any subclass of them.
            return any(
                cls.__module__.startswith("psycopg") and cls.__name__ in _PG_CONNECTION_ERRORS
                for cls in type(driver).__mro__
            )
        return state in _PG_UNAVAILABLE_STATES or state[:2] in _PG_UNAVAILABLE_CLASSES
    return False


def _wants_json(request: HttpRequest) -> bool:
    if request.path.startswith(("/api/", "/open311/")):
        return True
    return "application/json" in request.headers.get("Accept", "")


def unavailable_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """The 503 answer: JSON for the API (``{"detail", "code"}``), a Chinese page for the rest."""
    logger.warning(
        "database unavailable: %s %s: %s: %s",
        request.method,
        request.path,
        type(exc).__name__,
        str(exc).strip().splitlines()[0] if str(exc).strip() else "",
    )
    detail = _("系统暂时无法访问数据库,请稍后重试。已提交成功的内容不会丢失。")
    response: HttpResponse
    if _wants_json(request):
        response = JsonResponse(
            {"detail": detail, "code": "database_unavailable"},
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        # Rendered without the request: context processors would reach for the database again.
        html = render_to_string(
            "core/unavailable.html", {"detail": detail, "retry_after": RETRY_AFTER_SECONDS}
        )
        response = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: Django calls it inside its ``except`` block, so the exception is at hand.
    Database unavailability raised outside a view (e.g. the session saved by its middleware) becomes
    the 503 too; anything else is the plain 500 it always was."""
    exc = sys.exc_info()[1]
    if exc is not None and is_database_unavailable(exc):
        return unavailable_response(request, exc)
    from django.views.defaults import server_error as default_server_error

    return default_server_error(request)
