"""Helpers for the personal-data tests: raw column reads (what a stolen database shows) and the
demo personas' residents."""

from __future__ import annotations

import base64
import secrets

import pytest
from django.db import connection
from django.db.models import QuerySet

from dangqun.accounts.models import Membership, Role
from dangqun.registry.models import Resident


def raw_row(table: str, pk: int, *columns: str) -> tuple:
    """The stored values, read with SQL past the ORM (no decryption)."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(qn(c) for c in columns)} FROM {qn(table)} WHERE id = %s",  # noqa: S608
            [pk],
        )
        row = cursor.fetchone()
    assert row is not None
    return tuple(row)


def new_fernet_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def new_hash_key() -> str:
    return secrets.token_urlsafe(48)


def _community_staff_path() -> str:
    return Membership.objects.get(user__username="community_staff", role=Role.COMMUNITY_STAFF).region.path


def _with_id_and_phone(residents: QuerySet[Resident]) -> Resident:
    resident = residents.exclude(id_number="").exclude(phone="").order_by("id").first()
    assert resident is not None
    return resident


@pytest.fixture
def community_resident(demo) -> Resident:
    """A resident with an ID number and a phone inside community_staff's community."""
    return _with_id_and_phone(Resident.objects.filter(grid__path__startswith=_community_staff_path()))


@pytest.fixture
def stranger(demo) -> Resident:
    """A resident with an ID number and a phone outside community_staff's community."""
    return _with_id_and_phone(Resident.objects.exclude(grid__path__startswith=_community_staff_path()))
