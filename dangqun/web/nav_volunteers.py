"""志愿服务: this domain's entries in the header menu (``context_processors.nav_items``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import Promise

from dangqun.accounts.scope import DataScope


def items(request: HttpRequest, scope: DataScope) -> list[tuple[str, Promise, str]]:
    """(key, label, url) for the menu entries the request user may open in this domain."""
    return []
