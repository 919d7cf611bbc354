from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from dangqun.accounts.scope import DataScope, get_scope
from dangqun.core.errors import ForbiddenError


def scope_of(request: HttpRequest) -> DataScope:
    return get_scope(request.user)


def require_sysadmin(request: HttpRequest) -> DataScope:
    scope = scope_of(request)
    if not scope.is_sysadmin:
        raise ForbiddenError(_("仅系统管理员可以执行此操作"))
    return scope
