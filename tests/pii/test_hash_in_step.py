"""A keyed hash never goes stale: ``save(update_fields=[...])``, ``bulk_update`` and ``update()`` that
write an encrypted field write its hashes too, and a system check refuses a model with hashes that
could skip them."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import FieldError
from django.db import models
from django.db.models import F
from django.test.utils import isolate_apps

from dangqun.accounts.models import User
from dangqun.cases.models import Case
from dangqun.core import pii
from dangqun.core.encrypted_fields import (
    BlindIndexedModel,
    BlindIndexField,
    EncryptedCharField,
    check_blind_indexed,
    hash_fields,
    matching,
)
from dangqun.party.models import PartyMember
from dangqun.registry.models import Building, Resident
from tests.pii.conftest import raw_row

NEW_PHONE = "139 0000 7777"
NEW_ID = "11010119900307002X"


def _found(model: type[models.Model], source: str, value: str) -> list[int]:
    return list(model.objects.filter(matching(model, source, value)).values_list("pk", flat=True))


def test_save_with_update_fields_naming_only_the_phone_keeps_the_hash_lookup_working(community_resident):
    old_phone = community_resident.phone
    community_resident.phone = NEW_PHONE
    community_resident.id_number = NEW_ID

    community_resident.save(update_fields=["phone", "id_number"])

    assert _found(Resident, "phone", "13900007777") == [community_resident.pk]
    assert _found(Resident, "id_number", NEW_ID.lower()) == [community_resident.pk]
    assert community_resident.pk not in _found(Resident, "phone", old_phone)
    stored_hash, stored_id_hash = raw_row(
        "registry_resident", community_resident.pk, "phone_hash", "id_number_hash"
    )
    assert stored_hash == pii.blind_index(pii.PHONE, NEW_PHONE)
    assert stored_id_hash == pii.blind_index(pii.ID_NUMBER, NEW_ID)


def test_other_update_fields_leave_the_hashes_alone(community_resident):
    before = raw_row("registry_resident", community_resident.pk, "phone_hash")
    community_resident.name = "改名"

    community_resident.save(update_fields=["name"])

    assert raw_row("registry_resident", community_resident.pk, "phone_hash") == before


def test_a_cases_phone_and_its_last_four_digits_hash_follow_a_partial_save(demo):
    case = Case.objects.exclude(reporter_phone="").order_by("id").first()
    assert case is not None
    case.reporter_phone = "13712340000"

    case.save(update_fields=["reporter_phone"])

    phone_hash, last4_hash = raw_row(
        "cases_case", case.pk, "reporter_phone_hash", "reporter_phone_last4_hash"
    )
    assert phone_hash == pii.blind_index(pii.PHONE, "13712340000")
    assert pii.hash_matches(pii.PHONE_LAST4, "0000", last4_hash)


def test_a_users_phone_follows_a_partial_save(demo):
    user = User.objects.get(username="citizen")
    user.phone = NEW_PHONE

    user.save(update_fields=["phone"])

    assert _found(User, "phone", NEW_PHONE) == [user.pk]


def test_bulk_update_naming_the_phone_writes_the_hashes(community_resident, stranger):
    community_resident.phone = "13900001111"
    stranger.phone = "13900002222"

    Resident.objects.bulk_update([community_resident, stranger], ["phone"])

    assert _found(Resident, "phone", "13900001111") == [community_resident.pk]
    assert _found(Resident, "phone", "13900002222") == [stranger.pk]


def test_update_with_a_plain_value_sets_the_hash_and_an_expression_is_refused(community_resident):
    rows = Resident.objects.filter(pk=community_resident.pk)

    rows.update(phone="13900003333")
    before = raw_row("registry_resident", community_resident.pk, "phone", "phone_hash")
    with pytest.raises(FieldError, match="plain value"):
        rows.update(phone=F("name"))

    assert _found(Resident, "phone", "13900003333") == [community_resident.pk]
    assert raw_row("registry_resident", community_resident.pk, "phone", "phone_hash") == before
    rows.update(phone="")
    assert raw_row("registry_resident", community_resident.pk, "phone_hash") == ("",)


def test_every_model_with_hashes_passes_the_check():
    with_hashes = [m for m in apps.get_models() if hash_fields(m)]

    assert set(with_hashes) == {Resident, Building, PartyMember, User, Case}
    assert check_blind_indexed(apps.get_models()) == []


@isolate_apps("tests")
def test_the_check_refuses_a_model_whose_hashes_could_go_stale():
    class Loose(models.Model):  # noqa: DJ008
        phone = EncryptedCharField(max_length=20, blank=True)
        phone_hash = BlindIndexField(source="phone", kind=pii.PHONE)

        class Meta:
            app_label = "tests"

    class Kept(BlindIndexedModel):
        phone = EncryptedCharField(max_length=20, blank=True)
        phone_hash = BlindIndexField(source="phone", kind=pii.PHONE)

        class Meta:
            app_label = "tests"

    assert sorted(e.id for e in check_blind_indexed([Loose, Kept])) == ["dangqun.E101", "dangqun.E102"]
