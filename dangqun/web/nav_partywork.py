"""党员服务: this domain's entries in the header menu (``context_processors.nav_items``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dangqun.accounts.models import Role
from dangqun.accounts.scope import DataScope
from dangqun.partywork.access import COMMUNITY_REGION_ROLES


def items(request: HttpRequest, scope: DataScope) -> list[tuple[str, Promise, str]]:
    """(key, label, url) for the menu entries the request user may open in this domain."""
    if scope.is_sysadmin or scope.party_org_paths or scope.region_paths(COMMUNITY_REGION_ROLES):
        return [("partywork", _("党员进社区"), reverse("web:partywork"))]
    if scope.roles == {Role.CITIZEN}:  # a party member's login is a citizen's (the page says when it is not)
        return [("partywork_me", _("我的报到"), reverse("web:partywork_me"))]
    return []
