"""惠民服务: this domain's entries in the header menu (``context_processors.nav_items``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dangqun.accounts.models import Role
from dangqun.accounts.scope import DataScope
from dangqun.civic.access import POLICY_STAFF_ROLES
from dangqun.civic.voice_access import is_voice_staff


def items(request: HttpRequest, scope: DataScope) -> list[tuple[str, Promise, str]]:
    """(key, label, url) for the menu entries the request user may open in this domain."""
    desk = ("civic_service_desk", _("代办工作台"), reverse("web:civic_service_desk"))
    voice = ("voice_desk", _("党的声音发布"), reverse("web:voice_desk"))
    publisher = is_voice_staff(request.user)
    if scope.is_sysadmin or scope.roles & POLICY_STAFF_ROLES:
        return [
            voice,
            ("civic_policies", _("政策库"), reverse("web:civic_policies")),
            desk,
            ("civic_notices", _("公开栏管理"), reverse("web:civic_notices")),
            ("civic_deliberation", _("民事民议"), reverse("web:civic_deliberation")),
        ]
    if scope.department_ids:  # a responsible unit of service items
        return [desk]
    if publisher:  # a party administrator or branch secretary
        return [voice]
    if not scope.roles or Role.CITIZEN in scope.roles:
        return [
            ("voice", _("党的声音"), reverse("web:voice_feed")),
            ("civic_my_policies", _("惠民政策"), reverse("web:civic_my_policies")),
            ("civic_services", _("办事指南"), reverse("web:civic_services")),
            ("civic_boards", _("居务公开栏"), reverse("web:civic_boards")),
            ("civic_proposals", _("民事民议"), reverse("web:civic_proposals")),
        ]
    return []
