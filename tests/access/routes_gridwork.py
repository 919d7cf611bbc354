"""Access rules of the 网格工作 routes (``dangqun.gridwork``), merged into ``expectations.ROUTES``."""

from __future__ import annotations

from tests.access.expectations import Spec

ROUTES: dict[str, Spec] = {}
