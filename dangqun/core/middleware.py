"""Answer 503 while the database is away, full or read-only, instead of a 500 page or a hang
(``dangqun.core.dbfaults`` decides what counts; everything else stays a 500); and 503 with a clear
message when the configured keys cannot decrypt stored personal data (``core.pii.FieldKeyError``)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from dangqun.core.dbfaults import is_database_unavailable, unavailable_response
from dangqun.core.pii import FieldKeyError

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """Views' exceptions; ``handler500`` (``dbfaults.server_error``) catches the ones raised by
    other middleware, and the API's handler (``api.errors``) the ones inside django-ninja."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, FieldKeyError):
            logger.error("personal data cannot be decrypted with the configured keys: %s", request.path)
            body = {"detail": exception.message, "code": exception.code}
            return JsonResponse(body, status=503, json_dumps_params={"ensure_ascii": False})
        if is_database_unavailable(exception):
            return unavailable_response(request, exception)
        return None
