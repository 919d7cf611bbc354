"""Fixtures of the fault suite (docs/security.md, "Faults")."""

from __future__ import annotations

import pytest

from dangqun.accounts.models import Membership, Role
from dangqun.regions.models import Region


@pytest.fixture
def persona_grid(demo) -> Region:  # type: ignore[no-untyped-def]
    return Membership.objects.get(user__username="grid_worker", role=Role.GRID_WORKER).region
