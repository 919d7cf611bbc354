"""Party members' ID numbers and phones: masked in the list; ``POST /api/v1/party-members/{id}/unmask``
follows the residents' rules — ``registry.view_resident_pii`` checked before the lookup (403 for
every id), a reason (422), the reader's party organisations (404 outside, as for an unknown id) —
and writes a ``core.pii_viewed`` row for every view."""

from __future__ import annotations

import pytest

from dangqun.accounts.models import Membership
from dangqun.core.events import CoreEvent
from dangqun.core.masking import mask_id_number
from dangqun.core.models import AuditEvent
from dangqun.orgs.models import PartyOrg
from dangqun.party.models import PartyMember
from tests.access.expectations import PERSONAS
from tests.pii.test_unmask_audit import _grant_pii

VIEWED = CoreEvent.PII_VIEWED.value
UNKNOWN = 999_999_999


def _views() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=VIEWED).order_by("id"))


def _member(org: PartyOrg, tail: str) -> PartyMember:
    return PartyMember.objects.create(
        party_org=org,
        name=f"党员{tail}",
        gender="M",
        id_number=f"11010119800101{tail}",
        phone=f"1390000{tail}",
    )


@pytest.fixture
def members(demo) -> dict[str, PartyMember]:
    """A member of party_admin's organisation ("in") and one of an organisation outside it ("out")."""
    own = Membership.objects.get(user__username="party_admin", is_active=True).party_org
    assert own is not None
    outside = PartyOrg.objects.filter(is_active=True).exclude(path__startswith=own.path)
    outside = outside.exclude(pk__in=[o.pk for o in PartyOrg.objects.all() if own.path.startswith(o.path)])
    other = outside.order_by("path").first()
    assert other is not None
    return {"in": _member(own, "0011"), "out": _member(other, "0027")}


def _unmask(client, member_id: int, reason: str | None = "党籍核对"):  # type: ignore[no-untyped-def]
    body = {} if reason is None else {"reason": reason}
    return client.post_json(f"/api/v1/party-members/{member_id}/unmask", body)


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "sysadmin"])
def test_without_the_permission_every_role_gets_403_for_every_id(api_as, members, persona):
    client = api_as(persona)

    answers = [
        _unmask(client, members["in"].pk),
        _unmask(client, members["out"].pk),
        _unmask(client, UNKNOWN),
    ]

    assert [a.status_code for a in answers] == [403, 403, 403]
    assert len({a.content for a in answers}) == 1
    assert _views() == []


def test_the_sysadmin_unmasks_any_member_and_each_view_is_audited(api_as, members):
    client = api_as("sysadmin")

    inside = _unmask(client, members["in"].pk, "组织关系转接核对")
    outside = _unmask(client, members["out"].pk)
    unknown = _unmask(client, UNKNOWN)

    assert inside.status_code == outside.status_code == 200
    assert inside.json() == {
        "id": members["in"].pk,
        "name": members["in"].name,
        "id_number": members["in"].id_number,
        "phone": members["in"].phone,
    }
    assert unknown.status_code == 404
    first, second = _views()
    assert (first.target_type, first.target_id) == ("party.partymember", str(members["in"].pk))
    assert first.data == {
        "fields": ["id_number", "phone"],
        "via": "api",
        "where": f"/api/v1/party-members/{members['in'].pk}/unmask",
        "reason": "组织关系转接核对",
    }
    assert second.target_id == str(members["out"].pk)


def test_a_party_admin_holding_the_permission_unmasks_inside_their_organisation_only(api_as, members):
    _grant_pii("party_admin")
    client = api_as("party_admin")

    listed = client.get("/api/v1/party-members", {"limit": 1000}).json()["items"]
    inside = _unmask(client, members["in"].pk)
    outside = _unmask(client, members["out"].pk)
    unknown = _unmask(client, UNKNOWN)

    mine = next(item for item in listed if item["id"] == members["in"].pk)
    assert mine["id_number"] == mask_id_number(members["in"].id_number)
    assert inside.status_code == 200
    assert inside.json()["phone"] == members["in"].phone
    assert outside.status_code == unknown.status_code == 404
    assert outside.json() == unknown.json()
    assert members["out"].id_number not in outside.content.decode()
    assert [e.target_id for e in _views()] == [str(members["in"].pk)]


def test_a_holder_without_a_party_organisation_finds_no_member(api_as, members):
    _grant_pii("community_staff")
    client = api_as("community_staff")

    answers = [_unmask(client, members["in"].pk), _unmask(client, members["out"].pk)]

    assert [a.status_code for a in answers] == [404, 404]
    assert _views() == []


def test_unmasking_needs_a_reason_and_changes_nothing_without_one(api_as, members):
    client = api_as("sysadmin")

    blank = _unmask(client, members["in"].pk, " ")
    missing = _unmask(client, members["in"].pk, None)

    assert blank.status_code == missing.status_code == 422
    assert "原因" in blank.json()["detail"]
    assert _views() == []
