"""Access rules of the 区域化党建 routes (``dangqun.community``), merged into ``expectations.ROUTES``."""

from __future__ import annotations

from tests.access.expectations import Spec

ROUTES: dict[str, Spec] = {}
