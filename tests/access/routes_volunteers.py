"""Access rules of the 志愿服务 routes (``dangqun.volunteers``), merged into ``expectations.ROUTES``."""

from __future__ import annotations

from tests.access.expectations import Spec

ROUTES: dict[str, Spec] = {}
