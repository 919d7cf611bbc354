"""ID numbers and phones are ciphertext in the database, and every lookup by them goes through the
indexed keyed hash."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.core.exceptions import FieldError
from django.db import connection
from django.test import Client

from dangqun.core import pii
from dangqun.core.encrypted_fields import encrypted_fields, matching
from dangqun.registry.models import Resident
from tests.pii.conftest import raw_row

HEX64 = re.compile(r"^[0-9a-f]{64}$")
ID_NUMBER = re.compile(r"^\d{17}[\dX]$")


def test_a_residents_id_number_and_phone_are_ciphertext_beside_their_keyed_hashes(community_resident):
    stored_id, stored_phone, id_hash, phone_hash = raw_row(
        "registry_resident", community_resident.pk, "id_number", "phone", "id_number_hash", "phone_hash"
    )

    assert ID_NUMBER.match(community_resident.id_number)
    assert stored_id.startswith(pii.FERNET_PREFIX)
    assert stored_phone.startswith(pii.FERNET_PREFIX)
    assert community_resident.id_number not in stored_id
    assert community_resident.phone not in stored_phone
    assert pii.decrypt(stored_id) == community_resident.id_number
    assert HEX64.match(id_hash)
    assert HEX64.match(phone_hash)
    assert id_hash == pii.blind_index(pii.ID_NUMBER, community_resident.id_number)
    assert phone_hash == pii.blind_index(pii.PHONE, community_resident.phone)


def test_no_encrypted_column_of_the_demo_holds_plain_text(demo):
    qn = connection.ops.quote_name
    checked = 0
    for model in apps.get_models():
        for field in encrypted_fields(model):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {qn(field.column)} FROM {qn(model._meta.db_table)} "  # noqa: S608
                    f"WHERE {qn(field.column)} <> ''"
                )
                values = [row[0] for row in cursor.fetchall()]
            plain = [v for v in values if not v.startswith(pii.FERNET_PREFIX)]
            assert plain == [], f"{model._meta.label}.{field.name} holds plain text"
            checked += len(values)
    assert checked > 1000  # residents, party members, users, cases and building managers


def test_a_reported_case_stores_the_phone_encrypted_and_is_tracked_by_the_hash_of_its_last_digits(api_as):
    citizen = api_as("citizen")
    grid = Resident.objects.order_by("id").first().grid
    response = citizen.post_json(
        "/api/v1/cases",
        {
            "channel": "app",
            "case_type": "help",
            "title": "楼道灯坏了",
            "description": "三单元楼道灯坏了一周",
            "lng": grid.centroid_lng,
            "lat": grid.centroid_lat,
            "reporter_phone": "139 0000 4321",
        },
    )
    assert response.status_code == 201, response.content
    code = response.json()["code"]
    from dangqun.cases.models import Case

    case = Case.objects.get(code=code)
    stored, full_hash, last4_hash = raw_row(
        "cases_case", case.pk, "reporter_phone", "reporter_phone_hash", "reporter_phone_last4_hash"
    )

    assert stored.startswith(pii.FERNET_PREFIX)
    assert "4321" not in stored
    assert full_hash == pii.blind_index(pii.PHONE, "13900004321")
    assert last4_hash == pii.blind_index(pii.PHONE_LAST4, "4321")
    assert Client().get(f"/api/v1/track/{code}?phone_last4=4321").status_code == 200
    assert Client().get(f"/api/v1/track/{code}?phone_last4=1234").status_code == 404


def test_the_registry_api_finds_a_resident_by_a_differently_written_id_number_or_phone(
    api_as, community_resident
):
    client = api_as("community_staff")
    id_number = community_resident.id_number
    spaced = f"{id_number[:6]} {id_number[6:14]} {id_number[14:].lower()}"
    phone = community_resident.phone

    by_id = client.get("/api/v1/residents", {"id_number": spaced}).json()
    by_phone = client.get("/api/v1/residents", {"phone": f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}"}).json()

    assert community_resident.pk in [item["id"] for item in by_id["items"]]
    assert community_resident.pk in [item["id"] for item in by_phone["items"]]
    assert all(item["id_number"] == by_id["items"][0]["id_number"] for item in by_id["items"])
    assert "*" in by_id["items"][0]["id_number"]  # found, and still masked


def test_a_lookup_outside_the_scope_finds_nothing(api_as, stranger):
    client = api_as("community_staff")

    body = client.get("/api/v1/residents", {"id_number": stranger.id_number}).json()

    assert body["count"] == 0


def test_lookups_use_the_hash_column_and_never_compare_ciphertext(demo, community_resident):
    query = Resident.objects.filter(matching(Resident, "id_number", community_resident.id_number))

    sql = str(query.query)
    assert '"id_number_hash" IN' in sql.replace("`", '"')
    assert list(query.values_list("pk", flat=True)) == [community_resident.pk]
    with pytest.raises(FieldError, match="encrypted"):
        Resident.objects.filter(id_number=community_resident.id_number).exists()
    with pytest.raises(FieldError):
        Resident.objects.filter(phone__contains="138").exists()
    assert Resident.objects.filter(matching(Resident, "phone", "")).count() == 0


def test_the_admin_search_box_finds_a_resident_by_id_number_through_the_hash(demo, community_resident):
    from dangqun.accounts.models import User

    admin = Client()
    admin.force_login(User.objects.get(username="sysadmin"))

    page = admin.get("/admin/registry/resident/", {"q": community_resident.id_number.lower()})
    by_phone = admin.get("/admin/registry/resident/", {"q": community_resident.phone})

    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [community_resident]
    assert community_resident in list(by_phone.context["cl"].result_list)
    assert community_resident.id_number not in page.content.decode()  # the list shows it masked


@pytest.mark.parametrize(
    ("kind", "a", "b"),
    [
        (pii.ID_NUMBER, "11010519491231002x", " 110105 19491231 002X "),
        (pii.PHONE, "+86 138-1234-5678", "13812345678"),
        (pii.PHONE, "0086 13812345678", "138 1234 5678"),
        (pii.PHONE_LAST4, "138-1234-5678", "5678"),
    ],
)
def test_two_spellings_of_one_number_share_a_hash(kind, a, b):
    assert pii.blind_index(kind, a) == pii.blind_index(kind, b) != ""


def test_empty_values_stay_empty_and_unhashed(demo):
    assert pii.encrypt("") == ""
    assert pii.decrypt("") == ""
    assert pii.blind_index(pii.PHONE, "  ") == ""
