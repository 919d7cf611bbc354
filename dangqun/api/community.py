"""区域化党建 (``dangqun.community``): the JSON endpoints of this domain."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["community"])
