"""Fixtures of the fault suite (docs/security.md, "Faults")."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.db import connection

from dangqun.accounts.models import Membership, Role
from dangqun.regions.models import Region
from tests.faults.harness import PrivateCluster, pg_bin_dir


@pytest.fixture
def persona_grid(demo) -> Region:  # type: ignore[no-untyped-def]
    return Membership.objects.get(user__username="grid_worker", role=Role.GRID_WORKER).region


@pytest.fixture(scope="module")
def cluster(demo_db, django_db_blocker) -> Iterator[tuple[PrivateCluster, str]]:  # type: ignore[no-untyped-def]
    if pg_bin_dir() is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed in /usr/lib/postgresql")
    with django_db_blocker.unblock():
        connection.ensure_connection()
        if connection.vendor != "postgresql":
            pytest.skip(
                "PostgreSQL faults run in the PostgreSQL pass (DATABASE_URL set): they copy its test database"
            )
        source = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
    private = PrivateCluster()
    try:
        private.init()
        url = private.load_from(source, "dangqun_faults")
        yield private, url
    finally:
        private.destroy()
