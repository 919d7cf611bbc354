"""Answer 503 while the database is away, instead of a 500 page or a hang; and 503 with a clear
message when the configured keys cannot decrypt stored personal data (``core.pii.FieldKeyError``)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

from dangqun.core.pii import FieldKeyError

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, FieldKeyError):
            logger.error("personal data cannot be decrypted with the configured keys: %s", request.path)
            body = {"detail": exception.message, "code": exception.code}
            return JsonResponse(body, status=503, json_dumps_params={"ensure_ascii": False})
        if isinstance(exception, (OperationalError, InterfaceError)) or (
            isinstance(exception, DatabaseError) and "read-only" in str(exception).lower()
        ):
            logger.warning("database unavailable: %s", exception)
            body = {"detail": "服务暂时不可用,请稍后重试 (database unavailable)"}
            response = JsonResponse(body, status=503, json_dumps_params={"ensure_ascii": False})
            response["Retry-After"] = "5"
            return response
        return None
