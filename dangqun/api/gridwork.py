"""网格工作 (``dangqun.gridwork``): the JSON endpoints of this domain."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["gridwork"])
