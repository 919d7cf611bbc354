"""The demo's 网格工作 (``dangqun.gridwork``): one seed stage and what the reset deletes."""

from __future__ import annotations

from dangqun.demo.context import SeedContext
from dangqun.regions.models import Region


def seed_gridwork(ctx: SeedContext) -> None:
    """Seed stage (its own transaction, after the cases): this domain's demo rows, anchored to today."""


def delete_gridwork(district: Region | None, deleted: dict[str, int]) -> None:
    """Reset: delete this domain's demo rows (runs first, before the registry and the accounts)."""
