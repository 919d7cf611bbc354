"""The grid-work side of the demo: the persona grid (grid_worker, grid_leader), another grid, and
helpers to make a visit due there."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from dangqun.accounts.models import Membership, Role, User
from dangqun.gridwork.models import Visit, VisitStatus
from dangqun.regions.models import Region, RegionLevel
from dangqun.registry.models import Building, Household
from dangqun.registry.services import household_create


@dataclass
class GridWorld:
    grid: Region  # the grid worker's (and grid leader's) grid
    other: Region  # a grid outside the community
    worker: User

    def new_household(self, grid: Region | None = None, room: str = "9-901") -> Household:
        """A household registered now (through the registry's service, which writes the audit event
        the visit rules read)."""
        building = Building.objects.filter(grid=grid or self.grid).order_by("id").first()
        assert building is not None
        return household_create(
            actor=self.worker,
            building=building,
            code=f"T-{building.pk}-{room}",
            room=room,
            head_name="新住户",
        )

    def due_in(self, grid: Region) -> Visit:
        visit = Visit.objects.filter(grid=grid, status=VisitStatus.DUE).order_by("id").first()
        assert visit is not None, "the demo has a due visit in this grid"
        return visit


@pytest.fixture
def grid_world(demo) -> GridWorld:  # type: ignore[no-untyped-def]
    membership = Membership.objects.select_related("region", "user").get(
        user__username="grid_worker", role=Role.GRID_WORKER
    )
    grid = membership.region
    assert grid is not None
    community = grid.parent
    assert community is not None
    other = (
        Region.objects.filter(level=RegionLevel.GRID)
        .exclude(path__startswith=community.path)
        .filter(pk__in=Visit.objects.filter(status=VisitStatus.DUE).values("grid_id"))
        .order_by("path")
        .first()
    )
    assert other is not None
    return GridWorld(grid=grid, other=other, worker=membership.user)
