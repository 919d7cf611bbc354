from __future__ import annotations

from django.http import HttpRequest

from dangqun.accounts.scope import DataScope, get_scope
from dangqun.core.errors import DomainError


class ForbiddenError(DomainError):
    status_code = 403

    def __init__(self, message: str = "无权执行此操作") -> None:
        super().__init__(message, code="forbidden")


def scope_of(request: HttpRequest) -> DataScope:
    return get_scope(request.user)


def require_sysadmin(request: HttpRequest) -> DataScope:
    scope = scope_of(request)
    if not scope.is_sysadmin:
        raise ForbiddenError("仅系统管理员可以执行此操作")
    return scope
