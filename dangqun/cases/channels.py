"""Which intake channels each kind of user may use (a user with several roles gets the union).

A citizen reports through the app or the web; grid staff report what they find or are told; the
command centre and the street/community dispatchers register hotline calls, departments' forwards
and internal findings; department staff forward and register internal findings. Open311 is the
machine door (its own clients), never a person's channel.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from dangqun.accounts.models import Role
from dangqun.accounts.scope import get_scope
from dangqun.cases.enums import CaseChannel
from dangqun.cases.errors import ForbiddenError
from dangqun.cases.permissions import DISPATCH_ROLES, GRID_ROLES
from dangqun.core.i18n import join_list

C = CaseChannel
CITIZEN_CHANNELS = frozenset({C.APP, C.WEB})
HOTLINE_CHANNELS = frozenset({C.HOTLINE_12345, C.HOTLINE_8890})
CHANNELS_BY_ROLE: dict[str, frozenset[str]] = {
    Role.CITIZEN: CITIZEN_CHANNELS,
    **dict.fromkeys(GRID_ROLES, frozenset({C.GRID_WORKER, C.PROACTIVE})),
    **dict.fromkeys(
        DISPATCH_ROLES, frozenset({C.HOTLINE_12345, C.HOTLINE_8890, C.DEPARTMENT, C.INTERNAL, C.WEB})
    ),
    Role.DEPARTMENT_STAFF: frozenset({C.DEPARTMENT, C.INTERNAL}),
}


def allowed_channels(user: Any) -> frozenset[str]:
    """The channels ``user`` may register a case through (a user with no role is a citizen)."""
    scope = get_scope(user)
    if scope.is_sysadmin:
        return frozenset(CaseChannel.values) - {C.OPEN311}
    roles = scope.roles or {Role.CITIZEN}
    allowed: set[str] = set()
    for role in roles:
        allowed |= CHANNELS_BY_ROLE.get(role, frozenset())
    return frozenset(allowed)


def channel_check(user: Any, channel: str) -> None:
    """403 naming the channels ``user`` may use when ``channel`` is not one of them."""
    allowed = allowed_channels(user)
    if channel not in allowed:
        names = join_list(sorted(allowed)) or _("无")
        raise ForbiddenError(
            _("您不能通过渠道“%(channel)s”登记诉求(可用:%(names)s)") % {"channel": channel, "names": names}
        )
