"""Domain errors. Views and the API turn them into HTTP answers; services raise them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

__all__ = ["ConflictError", "DomainError", "ForbiddenError", "NotFoundError", "ValidationError"]


class DomainError(Exception):
    """Base of errors that carry a message meant for the user."""

    status_code = 400

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class NotFoundError(DomainError):
    """The object does not exist, or the actor may not know that it exists.

    Access helpers raise this in both cases so that a guess at another unit's id learns nothing.
    """

    status_code = 404

    def __init__(self, message: str | None = None, *, code: str = "not_found") -> None:
        super().__init__(message or _("对象不存在或无权访问"), code=code)


class ConflictError(DomainError):
    status_code = 409

    def __init__(self, message: str, *, code: str = "conflict") -> None:
        super().__init__(message, code=code)


class ForbiddenError(DomainError):
    """The actor may see the object but may not do this to it (HTTP 403)."""

    status_code = 403

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("无权执行此操作"), code="forbidden")


def validation_text(exc: ValidationError) -> str:
    """A field-keyed ``ValidationError``'s messages in one line, for a page message or a JSON detail."""
    return ";".join(m for msgs in exc.message_dict.values() for m in msgs)
