"""党员教育: this domain's entries in the header menu (``context_processors.nav_items``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dangqun.accounts.models import Role
from dangqun.accounts.scope import DataScope


def items(request: HttpRequest, scope: DataScope) -> list[tuple[str, Promise, str]]:
    """(key, label, url): the workbench's 学习教育 for party managers; 我的学习 for a member's login."""
    if scope.is_sysadmin or scope.party_org_paths:
        return [("study", _("学习教育"), reverse("web:study_desk"))]
    if scope.roles == {Role.CITIZEN}:  # a party member's login is a citizen's (the page says when it is not)
        return [("study_me", _("我的学习"), reverse("web:study_me"))]
    return []
