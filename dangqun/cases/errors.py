from __future__ import annotations

from dangqun.core.errors import ConflictError, DomainError


class ForbiddenError(DomainError):
    status_code = 403

    def __init__(self, message: str = "无权执行此操作") -> None:
        super().__init__(message, code="forbidden")


class TransitionNotAllowedError(ConflictError):
    """A move the table does not allow from the current status (HTTP 409), naming the allowed moves."""

    def __init__(self, message: str, *, allowed: list[str]) -> None:
        super().__init__(message, code="transition_not_allowed")
        self.allowed = allowed
