"""Fixtures for the region tree: an actor and a small tree far from the demo district.

The tree sits around (100.0, 30.0) with codes starting "99" so that it never collides with the demo
district that other suites may have seeded into the same test database.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from dangqun.regions import services
from dangqun.regions.geoindex import invalidate_grid_index
from dangqun.regions.models import Region

X0, Y0 = 100.0, 30.0


def square(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


@pytest.fixture(autouse=True)
def fresh_grid_index() -> Iterator[None]:
    """Every test starts and ends without a cached index (the database is rolled back between tests)."""
    invalidate_grid_index()
    yield
    invalidate_grid_index()


@pytest.fixture
def actor(db: None) -> Any:
    return get_user_model().objects.create_user(username="geo_admin", password="x-Geo-Admin-2026")


class Tree:
    """district 990001 ⊃ street ⊃ community ⊃ compound ⊃ grids A (west half) and B (east half);
    the street also holds a village whose grids sit directly under it."""

    def __init__(self, actor: Any) -> None:
        self.actor = actor
        self.district = services.region_create(
            actor=actor,
            code="990001",
            name="测试区",
            kind="district",
            boundary=square(X0, Y0, X0 + 0.2, Y0 + 0.1),
        )
        self.street = services.region_create(
            actor=actor,
            code="990001001",
            name="测试街道",
            kind="street",
            parent=self.district,
            boundary=square(X0, Y0, X0 + 0.1, Y0 + 0.1),
        )
        self.community = services.region_create(
            actor=actor,
            code="990001001001",
            name="测试社区",
            kind="community",
            parent=self.street,
            boundary=square(X0, Y0, X0 + 0.1, Y0 + 0.05),
        )
        self.compound = services.region_create(
            actor=actor,
            code="990001001001001",
            name="测试小区",
            kind="compound",
            parent=self.community,
            boundary=square(X0, Y0, X0 + 0.1, Y0 + 0.05),
        )
        self.grid_a = self.grid("99000100100100101", "第1网格", square(X0, Y0, X0 + 0.05, Y0 + 0.05))
        self.grid_b = self.grid("99000100100100102", "第2网格", square(X0 + 0.05, Y0, X0 + 0.1, Y0 + 0.05))

    def grid(
        self, code: str, name: str, boundary: dict[str, Any] | None, parent: Region | None = None
    ) -> Region:
        return services.region_create(
            actor=self.actor,
            code=code,
            name=name,
            kind="grid",
            parent=parent or self.compound,
            boundary=boundary,
        )


@pytest.fixture
def tree(actor: Any) -> Tree:
    return Tree(actor)
