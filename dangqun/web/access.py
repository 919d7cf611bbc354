"""Loading a region for a staff page: in the user's region scope, or not found.

Registry objects are loaded with ``registry.access.access_*_by_id``; regions are public
reference data in the API, but the staff pages that show a region's registry counts open only for
users whose region scope covers it (sysadmins: everywhere).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from django.http import Http404

from dangqun.accounts.scope import get_scope
from dangqun.core.errors import NotFoundError
from dangqun.regions import selectors as region_selectors
from dangqun.regions.models import Region

P = ParamSpec("P")
R = TypeVar("R")


def access_region_by_code(user: object, code: str) -> Region:
    """The active region with ``code`` if the user's region scope covers it, else ``NotFoundError``."""
    region = region_selectors.region_by_code(code)
    if not region.is_active or not get_scope(user).covers_path(region.path):
        raise NotFoundError()
    return region


def not_found_as_404(view: Callable[P, R]) -> Callable[P, R]:
    """Turn the access helpers' ``NotFoundError`` into Django's 404 page."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return view(*args, **kwargs)
        except NotFoundError as exc:
            raise Http404(exc.message) from exc

    return wrapper
