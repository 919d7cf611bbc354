"""志愿服务 (``dangqun.volunteers``): the JSON endpoints of this domain."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["volunteers"])
