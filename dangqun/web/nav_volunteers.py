"""志愿服务: this domain's entries in the header menu (``context_processors.nav_items``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dangqun.accounts.scope import DataScope
from dangqun.volunteers.access import ORGANISER_ROLES


def items(request: HttpRequest, scope: DataScope) -> list[tuple[str, Promise, str]]:
    """(key, label, url) for the menu entries the request user may open in this domain."""
    if not request.user.is_authenticated:
        return []
    entries: list[tuple[str, Promise, str]] = [
        ("volunteers_home", _("志愿服务"), reverse("web:volunteers_home"))
    ]
    if scope.has_role(*ORGANISER_ROLES):
        entries.append(("volunteers_workbench", _("志愿活动管理"), reverse("web:volunteers_workbench")))
    entries.append(("volunteers_spaces", _("共享空间"), reverse("web:volunteers_spaces")))
    return entries
