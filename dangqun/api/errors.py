"""Domain errors and Django validation errors as JSON answers with a clear message."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import Error as DatabaseError
from django.http import HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from dangqun.core.dbfaults import is_database_unavailable, unavailable_response
from dangqun.core.errors import DomainError


def _validation_payload(exc: ValidationError) -> dict[str, object]:
    if hasattr(exc, "error_dict"):
        errors = {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
        detail = ";".join(f"{k}: {' '.join(v)}" if k != "__all__" else " ".join(v) for k, v in errors.items())
        return {"detail": detail, "errors": errors}
    messages = [str(m) for m in exc.messages]
    return {"detail": ";".join(messages), "errors": {"__all__": messages}}


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        payload: dict[str, object] = {"detail": exc.message, "code": exc.code}
        allowed = getattr(exc, "allowed", None)
        if allowed is not None:
            payload["allowed"] = list(allowed)
        return api.create_response(request, payload, status=exc.status_code)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return api.create_response(request, _validation_payload(exc), status=422)

    @api.exception_handler(RawPostDataException)
    def form_body_for_json(request: HttpRequest, exc: RawPostDataException) -> HttpResponse:
        # A form-encoded body was already parsed (by the CSRF check) where a JSON body is expected.
        detail = _("请求体须为 JSON(Content-Type: application/json)")
        payload = {"detail": detail, "code": "unsupported_media_type"}
        return api.create_response(request, payload, status=415)

    @api.exception_handler(DatabaseError)
    def database_error(request: HttpRequest, exc: DatabaseError) -> HttpResponse:
        # The database away, full or read-only: 503 with Retry-After. Any other database error is a
        # bug: raised on, so Django answers (and logs) the 500.
        if is_database_unavailable(exc):
            return unavailable_response(request, exc)
        raise exc
