"""网格工作: this domain's entries in the header menu (``context_processors.nav_items``); on the grid
app's phone pages they join its tab bar."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dangqun.accounts.models import Role
from dangqun.accounts.scope import DataScope
from dangqun.gridwork.access import VISIT_SUPERVISE_ROLES
from dangqun.web.roles import user_role


def items(request: HttpRequest, scope: DataScope) -> list[tuple[str, Promise, str]]:
    """(key, label, url) for the menu entries the request user may open in this domain."""
    entries: list[tuple[str, Promise, str]] = []
    if user_role(request).role in (Role.GRID_WORKER, Role.GRID_LEADER):
        entries.append(("gridwork_visits", _("走访"), reverse("web:gridwork_visits")))
        entries.append(("gridwork_patrol", _("巡查"), reverse("web:gridwork_patrol")))
        entries.append(("gridwork_diary", _("日记"), reverse("web:gridwork_diary")))
        entries.append(("gridwork_grid_campaigns", _("排查"), reverse("web:gridwork_grid_campaigns")))
    if scope.is_sysadmin or scope.roles & VISIT_SUPERVISE_ROLES:
        entries.append(("gridwork_overdue", _("逾期走访"), reverse("web:gridwork_overdue")))
        entries.append(("gridwork_missed", _("漏巡"), reverse("web:gridwork_missed")))
        entries.append(("gridwork_diaries", _("社情日记"), reverse("web:gridwork_diaries")))
        entries.append(("gridwork_meetings", _("研判"), reverse("web:gridwork_meetings")))
        entries.append(("gridwork_workers", _("网格员履职"), reverse("web:gridwork_workers")))
        entries.append(("gridwork_ratings", _("民情评议"), reverse("web:gridwork_ratings")))
        entries.append(("gridwork_campaigns", _("入户排查"), reverse("web:gridwork_campaigns")))
    if not scope.roles or Role.CITIZEN in scope.roles:  # a resident (citizens hold no scoped role)
        entries.append(("gridwork_my_workers", _("评议网格员"), reverse("web:gridwork_my_workers")))
    return entries
