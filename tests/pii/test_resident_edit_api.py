"""Editing a resident (and a building) through the API: the same service as the admin and the
import, an audit row with the actor naming the changed fields (never their values), the keyed hashes
in step, masked answers; bad input is a 422 naming the field and changes nothing; the role before
the lookup (403), then the scope (404)."""

from __future__ import annotations

import json

from dangqun.accounts.models import User
from dangqun.core.encrypted_fields import matching
from dangqun.core.masking import mask_phone
from dangqun.core.models import AuditEvent
from dangqun.registry.models import Building, Resident, ResidentTag

UPDATED = "registry.resident_updated"


def _updates() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=UPDATED).order_by("id"))


def test_an_edit_writes_an_audit_row_with_the_actor_and_keeps_the_hash_in_step(api_as, community_resident):
    client = api_as("community_staff")
    tag = ResidentTag.objects.exclude(residents=community_resident).order_by("code").first()
    assert tag is not None

    response = client.patch_json(
        f"/api/v1/residents/{community_resident.pk}",
        {"phone": "+86 135 0000 4321", "notes": "已入户核实", "tags": [tag.code]},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["phone"] == mask_phone("13500004321")
    assert body["tags"] == [tag.code]
    stored = Resident.objects.get(pk=community_resident.pk)
    assert (stored.phone, stored.notes) == ("13500004321", "已入户核实")
    assert Resident.objects.filter(matching(Resident, "phone", "135 0000 4321")).get() == stored
    [event] = _updates()
    assert event.actor == User.objects.get(username="community_staff")
    assert (event.target_type, event.target_id) == ("registry.resident", str(stored.pk))
    assert event.data == {"changed": ["notes", "phone", "tags"]}
    assert "4321" not in json.dumps(event.data)


def test_an_edit_that_changes_nothing_writes_nothing(api_as, community_resident):
    client = api_as("community_staff")

    response = client.patch_json(
        f"/api/v1/residents/{community_resident.pk}", {"name": community_resident.name}
    )

    assert response.status_code == 200, response.content
    assert _updates() == []


def test_bad_input_is_a_422_naming_the_field_and_changes_nothing(api_as, community_resident):
    client = api_as("community_staff")
    before = Resident.objects.get(pk=community_resident.pk)

    bad_id = client.patch_json(
        f"/api/v1/residents/{community_resident.pk}", {"name": "改名", "id_number": "110105194912310021"}
    )
    bad_gender = client.patch_json(
        f"/api/v1/residents/{community_resident.pk}", {"name": "改名", "gender": "X"}
    )
    bad_tag = client.patch_json(f"/api/v1/residents/{community_resident.pk}", {"tags": ["no-such-tag"]})
    nul = client.patch_json(
        f"/api/v1/residents/{community_resident.pk}", {"name": "改\u0000名", "household": "\u0000"}
    )

    assert bad_id.status_code == 422
    assert list(bad_id.json()["errors"]) == ["id_number"]
    assert "校验位" in bad_id.json()["errors"]["id_number"][0]
    assert bad_gender.status_code == 422
    assert list(bad_gender.json()["errors"]) == ["gender"]
    assert bad_tag.status_code == 422
    assert list(bad_tag.json()["errors"]) == ["tags"]
    assert nul.status_code == 422
    assert list(nul.json()["errors"]) == ["household"]  # the lookup refuses it before any query
    nul_name = client.patch_json(f"/api/v1/residents/{community_resident.pk}", {"name": "改\u0000名"})
    assert nul_name.status_code == 422
    assert list(nul_name.json()["errors"]) == ["name"]
    after = Resident.objects.get(pk=community_resident.pk)
    assert (after.name, after.gender, after.id_number) == (before.name, before.gender, before.id_number)
    assert _updates() == []


def test_a_grid_outside_the_editors_area_is_refused_on_the_field(api_as, community_resident, stranger):
    client = api_as("community_staff")

    response = client.patch_json(f"/api/v1/residents/{community_resident.pk}", {"grid": stranger.grid.code})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["grid"]
    assert Resident.objects.get(pk=community_resident.pk).grid_id == community_resident.grid_id


def test_a_reader_who_does_not_edit_gets_403_and_an_editor_out_of_scope_404(
    api_as, community_resident, stranger
):
    dispatcher = api_as("dispatcher")  # reads the whole district's registries, edits none
    staff = api_as("community_staff")

    refused = dispatcher.patch_json(f"/api/v1/residents/{community_resident.pk}", {"notes": "调度改"})
    hidden = staff.patch_json(f"/api/v1/residents/{stranger.pk}", {"notes": "越界改"})

    assert refused.status_code == 403
    assert hidden.status_code == 404
    assert Resident.objects.get(pk=stranger.pk).notes == stranger.notes
    assert _updates() == []


def test_a_building_managers_phone_is_edited_through_the_service_and_a_bad_one_named(
    api_as, community_resident
):
    client = api_as("community_staff")
    building = Building.objects.filter(grid=community_resident.grid).order_by("id").first()
    assert building is not None
    url = f"/api/v1/buildings/{building.pk}"

    bad = client.patch_json(url, {"manager_name": "新楼长", "manager_phone": "110"})
    good = client.patch_json(url, {"manager_name": "新楼长", "manager_phone": "0411-82345678"})

    assert bad.status_code == 422
    assert list(bad.json()["errors"]) == ["manager_phone"]
    assert good.status_code == 200, good.content
    assert good.json()["name"] == building.name
    stored = Building.objects.get(pk=building.pk)
    assert (stored.manager_name, stored.manager_phone) == ("新楼长", "0411-82345678")
    assert Building.objects.filter(matching(Building, "manager_phone", "041182345678")).get() == stored
    [event] = AuditEvent.objects.filter(event_type="registry.building_updated")
    assert event.actor == User.objects.get(username="community_staff")
    assert event.data == {"changed": ["manager_name", "manager_phone"]}
