"""Helpers for the demo tests. The seeded district itself is the shared session fixture
``demo_db`` / ``demo`` in ``tests/conftest.py`` (``seed_demo --scale 0.02 --seed 7``)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django.db.models import Model

from dangqun.accounts.models import Membership, User
from dangqun.orgs.models import Department, PartyOrg
from dangqun.party.models import PartyMember
from dangqun.regions.models import Region
from dangqun.registry.models import Building, Business, Facility, Household, Institution, Resident

# The models the seed writes, for "nothing changed" checks.
SEEDED_MODELS: tuple[type[Model], ...] = (
    Region, Department, PartyOrg, Building, Household, Resident, Business, Institution, Facility,
    PartyMember, User, Membership,
)  # fmt: skip


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in SEEDED_MODELS}


def _digest(rows: Iterable[Any]) -> str:
    return hashlib.sha256(
        json.dumps(sorted(rows, key=str), ensure_ascii=False, default=str).encode()
    ).hexdigest()


def demo_fingerprint() -> dict[str, str]:
    """A hash per table over the columns that identify the seeded data (never primary keys)."""
    return {
        "regions": _digest(Region.objects.values_list("code", "name", "kind", "parent__code", "area_km2")),
        "departments": _digest(Department.objects.values_list("code", "name", "party_org__code")),
        "party_orgs": _digest(
            PartyOrg.objects.values_list("code", "name", "kind", "parent__code", "secretary_name")
        ),
        "buildings": _digest(
            Building.objects.values_list("code", "name", "grid__code", "lng", "lat", "floors")
        ),
        "households": _digest(Household.objects.values_list("code", "room", "head_name", "members_count")),
        "residents": _digest(
            Resident.objects.values_list("id_number", "name", "phone", "household__code", "is_floating")
        ),
        "resident_tags": _digest(
            Resident.tags.through.objects.values_list("resident__id_number", "residenttag__code")
        ),
        "businesses": _digest(
            Business.objects.values_list("name", "credit_code", "grid__code", "party_org__code")
        ),
        "institutions": _digest(Institution.objects.values_list("name", "credit_code", "grid__code")),
        "facilities": _digest(
            Facility.objects.values_list("code", "name", "status", "owner_department__code")
        ),
        "party_members": _digest(
            PartyMember.objects.values_list(
                "id_number", "name", "party_org__code", "joined_on", "is_probationary"
            )
        ),
        "users": _digest(User.objects.values_list("username", "display_name", "phone")),
        "memberships": _digest(
            Membership.objects.values_list(
                "user__username", "role", "region__code", "department__code", "party_org__code", "title"
            )
        ),
    }
