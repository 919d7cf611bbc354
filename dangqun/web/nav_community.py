"""区域化党建: this domain's entries in the header menu (``context_processors.nav_items``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from dangqun.accounts.scope import REGISTRY_READ_ROLES, DataScope, first_membership


def items(request: HttpRequest, scope: DataScope) -> list[tuple[str, Promise, str]]:
    """(key, label, url) for the menu entries the request user may open in this domain: the four
    lists of the first region the user holds as staff (read from the memberships already loaded)."""
    membership = first_membership(request.user)
    if membership is None or membership.role not in REGISTRY_READ_ROLES or membership.region is None:
        return []
    return [
        ("community", gettext_lazy("四项清单"), reverse("web:community_lists", args=[membership.region.code]))
    ]
