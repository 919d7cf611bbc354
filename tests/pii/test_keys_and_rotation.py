"""Key rotation round trips, the first encryption of plain rows (the data migration), and what a
wrong or missing key does: a clear 503, never a 500, and nothing written."""

from __future__ import annotations

import importlib
import io
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client, override_settings

from dangqun.accounts.models import User
from dangqun.core import pii
from dangqun.core.pii_rows import reseal_table, table_spec
from dangqun.registry.models import Resident
from tests.pii.conftest import new_fernet_key, new_hash_key, raw_row


def _rotate(*args: str, everything: bool = False) -> str:
    out = io.StringIO()
    only = [] if everything else ["--model", "registry.Resident"]
    call_command("rotate_field_keys", *only, "--batch-size", "50", *args, stdout=out)
    return out.getvalue()


def _stored_values() -> int:
    return Resident.objects.exclude(id_number="").count() + Resident.objects.exclude(phone="").count()


def test_a_new_field_key_goes_first_old_rows_stay_readable_then_rotation_lets_the_old_key_go(
    api_as, community_resident, settings
):
    old = list(settings.DANGQUN_FIELD_KEYS)
    new = new_fernet_key()
    before = raw_row("registry_resident", community_resident.pk, "id_number")[0]

    with override_settings(DANGQUN_FIELD_KEYS=[new, *old]):
        # old rows are read through the old key; new writes use the new one
        assert Resident.objects.get(pk=community_resident.pk).id_number == community_resident.id_number
        dry = _rotate("--dry-run")
        assert raw_row("registry_resident", community_resident.pk, "id_number")[0] == before
        report = _rotate(everything=True)  # users, cases, members too: a session loads its user
        again = _rotate(everything=True)

    rows = Resident.objects.count()
    assert f"registry.Resident: rows {rows}, written " in dry
    assert f"re-encrypted {_stored_values()}" in report
    assert "registry.Resident: rows" in report
    assert "cases.Case: rows" in report
    assert "accounts.User: rows" in report
    assert "total: " in again
    assert "已写入 0 行 written; encrypted 0, re-encrypted 0, re-hashed 0" in again  # idempotent
    after = raw_row("registry_resident", community_resident.pk, "id_number")[0]
    assert after != before
    with override_settings(DANGQUN_FIELD_KEYS=[new]):  # the old key removed
        assert Resident.objects.get(pk=community_resident.pk).id_number == community_resident.id_number
        detail = api_as("community_staff").get(f"/api/v1/residents/{community_resident.pk}")
        assert detail.status_code == 200


def test_a_new_hash_key_keeps_lookups_working_before_during_and_after_the_rehash(
    api_as, community_resident, settings
):
    old = list(settings.DANGQUN_HASH_KEYS)
    new = new_hash_key()
    client = api_as("community_staff")

    def found() -> bool:
        body = client.get("/api/v1/residents", {"id_number": community_resident.id_number}).json()
        return community_resident.pk in [item["id"] for item in body["items"]]

    with override_settings(DANGQUN_HASH_KEYS=[new, *old]):
        assert found()  # rows still carry the old hash: lookups try every key
        report = _rotate()
        assert found()
    with override_settings(DANGQUN_HASH_KEYS=[new]):
        assert found()  # every row re-hashed under the new key: the old one can go
        assert raw_row("registry_resident", community_resident.pk, "id_number_hash")[0] == pii.blind_index(
            pii.ID_NUMBER, community_resident.id_number
        )
    assert "re-encrypted 0" in report
    assert f"re-hashed {_stored_values()}" in report


def test_a_stopped_rotation_resumes_where_it_stopped(demo, settings):
    spec = table_spec(Resident)
    assert spec is not None
    new = new_fernet_key()

    class StopError(Exception):
        pass

    def stop_after_first_batch(counts: object) -> None:
        raise StopError

    with override_settings(DANGQUN_FIELD_KEYS=[new, *settings.DANGQUN_FIELD_KEYS]):
        with pytest.raises(StopError):
            reseal_table(spec, batch_size=20, after=stop_after_first_batch)
        resumed = reseal_table(spec, batch_size=20)
        finished = reseal_table(spec, batch_size=20)
        first_batch = Resident.objects.order_by("pk")[:20]
        done_in_first = sum(bool(r.id_number) + bool(r.phone) for r in first_batch)
    assert resumed.reencrypted == _stored_values() - done_in_first
    assert finished.rows_written == 0


def test_the_data_migration_encrypts_plain_rows_and_its_reverse_restores_them(demo, community_resident):
    pk = community_resident.pk
    with connection.cursor() as cursor:  # a row as it was before encryption
        cursor.execute(
            "UPDATE registry_resident SET id_number = %s, phone = %s, id_number_hash = '', phone_hash = '' "
            "WHERE id = %s",
            [community_resident.id_number, community_resident.phone, pk],
        )
    migration = importlib.import_module("dangqun.registry.migrations.0003_encrypt_resident_pii").Migration
    step = migration.operations[-1]
    editor = SimpleNamespace(connection=connection)

    step.code(apps, editor)
    encrypted = raw_row("registry_resident", pk, "id_number", "phone", "id_number_hash", "phone_hash")
    step.reverse_code(apps, editor)
    restored = raw_row("registry_resident", pk, "id_number", "phone", "id_number_hash", "phone_hash")

    assert encrypted[0].startswith(pii.FERNET_PREFIX)
    assert pii.decrypt(encrypted[0]) == community_resident.id_number
    assert encrypted[2] == pii.blind_index(pii.ID_NUMBER, community_resident.id_number)
    assert restored == (community_resident.id_number, community_resident.phone, "", "")


def test_a_wrong_key_answers_503_with_a_clear_message_not_a_500(api_as, community_resident):
    client = api_as("community_staff")
    admin = Client()
    admin.force_login(User.objects.get(username="sysadmin"))

    with override_settings(DANGQUN_FIELD_KEYS=[new_fernet_key()]):
        detail = client.get(f"/api/v1/residents/{community_resident.pk}")
        listed = client.get("/api/v1/residents")
        page = admin.get(f"/admin/registry/resident/{community_resident.pk}/change/")
        with pytest.raises(CommandError, match="DANGQUN_FIELD_KEYS"):
            _rotate()

    for response in (detail, listed, page):
        assert response.status_code == 503
        assert "DANGQUN_FIELD_KEYS" in response.json()["detail"]
    assert response.json()["code"] == "field_key_error"
    assert Resident.objects.get(pk=community_resident.pk).id_number == community_resident.id_number


def test_no_key_configured_is_a_clear_error(demo):
    with (
        override_settings(DANGQUN_FIELD_KEYS=[]),
        pytest.raises(pii.FieldKeyError, match="DANGQUN_FIELD_KEYS"),
    ):
        pii.encrypt("13800000000")
    with override_settings(DANGQUN_HASH_KEYS=[]), pytest.raises(pii.FieldKeyError, match="DANGQUN_HASH_KEYS"):
        pii.blind_index(pii.PHONE, "13800000000")
    with override_settings(DANGQUN_FIELD_KEYS=["bad"]), pytest.raises(pii.FieldKeyError, match="Fernet"):
        pii.encrypt("13800000000")


def test_an_unknown_model_is_refused_by_the_command(demo):
    with pytest.raises(CommandError, match=r"registry\.Resident"):
        call_command("rotate_field_keys", "--model", "registry.Facility", stdout=io.StringIO())
