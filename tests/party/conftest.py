"""The party side's demo: the branch secretary's branch, its members, and a branch elsewhere."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from dangqun.accounts.models import Membership, Role
from dangqun.orgs.models import PartyOrg, PartyOrgKind
from dangqun.party.models import MemberStatus, PartyMember


@dataclass
class PartyWorld:
    branch: PartyOrg  # the branch secretary's branch
    street: PartyOrg  # party_admin's working committee (holds the branch)
    other: PartyOrg  # a branch outside the street
    members: list[PartyMember]  # active members of ``branch``
    outsider: PartyMember  # an active member of ``other``


def _branch_with_members(q: PartyOrg | None, exclude: list[str]) -> PartyOrg:
    qs = PartyOrg.objects.filter(kind=PartyOrgKind.BRANCH, is_active=True).order_by("path")
    for path in exclude:
        qs = qs.exclude(path__startswith=path)
    for org in qs:
        if PartyMember.objects.filter(party_org=org, status=MemberStatus.ACTIVE).count() >= 2:
            return org
    raise AssertionError("the demo has no other branch with members")


@pytest.fixture
def party(demo) -> PartyWorld:  # type: ignore[no-untyped-def]
    branch = Membership.objects.get(user__username="branch_secretary", role=Role.BRANCH_SECRETARY).party_org
    street = Membership.objects.get(user__username="party_admin", role=Role.PARTY_ADMIN).party_org
    assert branch is not None
    assert street is not None
    assert branch.path.startswith(street.path)
    other = _branch_with_members(None, [street.path])
    members = list(PartyMember.objects.filter(party_org=branch, status=MemberStatus.ACTIVE).order_by("pk"))
    outsider = PartyMember.objects.filter(party_org=other, status=MemberStatus.ACTIVE).order_by("pk").first()
    assert outsider is not None
    return PartyWorld(branch=branch, street=street, other=other, members=members, outsider=outsider)
