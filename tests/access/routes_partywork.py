"""Access rules of the 党员服务 routes (``dangqun.partywork``), merged into ``expectations.ROUTES``."""

from __future__ import annotations

from tests.access.expectations import Spec

ROUTES: dict[str, Spec] = {}
