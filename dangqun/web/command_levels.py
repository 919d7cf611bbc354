"""The command views at every level: the district's command centre (dispatchers, leaders), and the
same views for a street's 街镇党群服务平台 (street staff) and a community's (community staff), each over
its own subtree. Every read behind them is already scoped (``visible_cases_q``, ``kpi_scope_q``), so a
level is only who may open the views and the name they carry."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from dangqun.accounts.models import Role
from dangqun.accounts.scope import get_scope
from dangqun.web.roles import user_role

DISTRICT_ROLES = frozenset({Role.DISPATCHER, Role.LEADER})
LEVEL_ROLES = frozenset({Role.STREET_STAFF, Role.COMMUNITY_STAFF})
COMMAND_VIEW_ROLES = DISTRICT_ROLES | LEVEL_ROLES


def may_open_command(user: Any) -> bool:
    scope = get_scope(user)
    return scope.is_sysadmin or bool(scope.roles & COMMAND_VIEW_ROLES)


def is_district(user: Any) -> bool:
    scope = get_scope(user)
    return scope.is_sysadmin or bool(scope.roles & DISTRICT_ROLES)


def level_name(request: HttpRequest) -> str:
    """The street's or community's name for its command view; "" at the district level."""
    if is_district(request.user):
        return ""
    return user_role(request).target_name
