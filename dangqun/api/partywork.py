"""党员服务 (``dangqun.partywork``): the JSON endpoints of this domain."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["partywork"])
