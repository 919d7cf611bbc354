"""惠民服务 (``dangqun.civic``): the JSON endpoints of this domain."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["civic"])
