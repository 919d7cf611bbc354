from __future__ import annotations

from dangqun.core.errors import ConflictError, ForbiddenError

__all__ = ["ForbiddenError", "TransitionNotAllowedError"]


class TransitionNotAllowedError(ConflictError):
    """A move the table does not allow from the current status (HTTP 409), naming the allowed moves."""

    def __init__(self, message: str, *, allowed: list[str]) -> None:
        super().__init__(message, code="transition_not_allowed")
        self.allowed = allowed
