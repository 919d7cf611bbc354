"""Access rules of the 惠民服务 routes (``dangqun.civic``), merged into ``expectations.ROUTES``."""

from __future__ import annotations

from tests.access.expectations import Spec

ROUTES: dict[str, Spec] = {}
