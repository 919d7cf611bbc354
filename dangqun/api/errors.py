"""Domain errors and Django validation errors as JSON answers with a clear message."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import Error as DatabaseError
from django.http import HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import ValidationError as SchemaValidationError

from dangqun.core.dbfaults import is_database_unavailable, unavailable_response
from dangqun.core.errors import DomainError


def _validation_payload(exc: ValidationError) -> dict[str, object]:
    if hasattr(exc, "error_dict"):
        errors = {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
        detail = ";".join(f"{k}: {' '.join(v)}" if k != "__all__" else " ".join(v) for k, v in errors.items())
        return {"detail": detail, "errors": errors}
    messages = [str(m) for m in exc.messages]
    return {"detail": ";".join(messages), "errors": {"__all__": messages}}


# A request body, query or form field that does not fit its schema, in the words of the rest of the API.
SCHEMA_MESSAGES = {
    "missing": gettext_lazy("缺少必填字段"),
    "string_too_long": gettext_lazy("不能超过%(max_length)s个字符"),
    "string_too_short": gettext_lazy("至少%(min_length)s个字符"),
    "too_long": gettext_lazy("最多%(max_length)s项"),
    "too_short": gettext_lazy("至少%(min_length)s项"),
    "greater_than": gettext_lazy("须大于%(gt)s"),
    "greater_than_equal": gettext_lazy("不能小于%(ge)s"),
    "less_than": gettext_lazy("须小于%(lt)s"),
    "less_than_equal": gettext_lazy("不能大于%(le)s"),
    "int_parsing": gettext_lazy("须为整数"),
    "int_type": gettext_lazy("须为整数"),
    "float_parsing": gettext_lazy("须为数字"),
    "float_type": gettext_lazy("须为数字"),
    "decimal_parsing": gettext_lazy("须为数字"),
    "bool_parsing": gettext_lazy("须为 true 或 false"),
    "string_type": gettext_lazy("须为文本"),
    "date_from_datetime_parsing": gettext_lazy("须为日期(YYYY-MM-DD)"),
    "date_parsing": gettext_lazy("须为日期(YYYY-MM-DD)"),
}
# Where ninja says the field was found: not part of the field's name.
SCHEMA_LOCATIONS = frozenset({"body", "query", "path", "form", "file", "header", "cookie", "payload"})


def _schema_payload(exc: SchemaValidationError) -> dict[str, object]:
    """ninja's schema errors (pydantic's, in English) as ``{"detail", "errors"}`` like the rest."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        parts = [str(p) for p in error.get("loc", ()) if str(p) not in SCHEMA_LOCATIONS]
        field = ".".join(parts) or "body"
        template = SCHEMA_MESSAGES.get(str(error.get("type", "")))
        try:
            text = str(template) % dict(error.get("ctx") or {}) if template else str(error.get("msg", ""))
        except (KeyError, TypeError, ValueError):
            text = str(error.get("msg", ""))
        errors.setdefault(field, []).append(text)
    detail = ";".join(f"{k}: {' '.join(v)}" for k, v in errors.items())
    return {"detail": detail, "errors": errors, "code": "invalid"}


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

    @api.exception_handler(SchemaValidationError)
    def schema_error(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
        return api.create_response(request, _schema_payload(exc), status=422)

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
