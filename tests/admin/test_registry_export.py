"""Export of the registries masks ID numbers and phones unless the user may see them.

The demo district is in the database: exports are filtered to the test's own grid, as a user
filters the changelist before pressing export."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from dangqun.accounts.models import User
from dangqun.core.models import AuditEvent
from dangqun.regions.models import Region
from dangqun.registry.models import Resident
from dangqun.registry.resources import ResidentResource
from dangqun.registry.services import export_registry, import_registry_file

from .conftest import make_id_number

FULL_ID = make_id_number("11010119900101007")
MASKED_ID = FULL_ID[:3] + "*" * 11 + FULL_ID[-4:]


def _export_post_data(file_format: str) -> dict[str, str]:
    data = {"format": file_format, "resource": "0"}
    for name in ResidentResource().get_export_order():
        data[f"residentresource_{name}"] = "on"
    return data


def _export_rows(client: Client, grid: Region, file_format: str = "1") -> list[dict[str, str]]:
    """The rows of an admin export of the residents of ``grid`` (the changelist filter in the URL)."""
    url = f"{reverse('admin:registry_resident_export')}?grid__id__exact={grid.pk}"
    response = client.post(url, _export_post_data(file_format))
    assert response.status_code == 200, response.content[:300]
    if file_format == "1":
        text = response.content.decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(text)))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return [
        dict(zip(rows[0], (str(v) if v is not None else "" for v in row), strict=True)) for row in rows[1:]
    ]


@pytest.mark.usefixtures("fifty_residents")
@pytest.mark.parametrize("file_format", ["0", "1"], ids=["xlsx", "csv"])
def test_export_masks_pii_without_the_permission(
    tree: dict[str, Region], staff_client_factory: Callable[..., tuple[Client, User]], file_format: str
) -> None:
    client, _ = staff_client_factory("registry.view_resident")

    rows = _export_rows(client, tree["grid_a"], file_format)

    assert len(rows) == 50
    row = next(r for r in rows if r["姓名"] == "居民7")
    assert row["身份证号"] == MASKED_ID
    assert row["联系电话"] == "138****0007"
    assert row["网格代码"] == "T2101010101"
    assert row["性别"] == "男"


@pytest.mark.usefixtures("fifty_residents")
@pytest.mark.parametrize("file_format", ["0", "1"], ids=["xlsx", "csv"])
def test_export_shows_pii_with_the_permission(
    tree: dict[str, Region], staff_client_factory: Callable[..., tuple[Client, User]], file_format: str
) -> None:
    client, _ = staff_client_factory("registry.view_resident", "registry.view_resident_pii")

    rows = _export_rows(client, tree["grid_a"], file_format)

    row = next(r for r in rows if r["姓名"] == "居民7")
    assert row["身份证号"] == FULL_ID
    assert row["联系电话"] == "13800000007"


@pytest.mark.usefixtures("fifty_residents")
def test_export_is_audited_and_round_trips_through_import(tree: dict[str, Region], superuser: User) -> None:
    before = Resident.objects.count()
    own = Resident.objects.filter(grid=tree["grid_a"])

    dataset = export_registry(actor=superuser, model_name="resident", queryset=own)
    event = AuditEvent.objects.get(event_type="registry.export_completed", actor=superuser)
    assert event.data == {"model": "registry.resident", "rows": 50, "unmasked": True}

    report = import_registry_file(
        actor=superuser,
        model_name="resident",
        file_bytes=dataset.export("xlsx"),
        file_name="export.xlsx",
        dry_run=False,
    )

    assert report.errors == []
    assert (report.created, report.updated) == (0, 50)
    assert own.count() == 50
    assert Resident.objects.count() == before


@pytest.mark.usefixtures("fifty_residents")
def test_masked_export_cannot_be_imported_back(
    tree: dict[str, Region], superuser: User, staff_client_factory: Callable[..., tuple[Client, User]]
) -> None:
    _, viewer = staff_client_factory("registry.view_resident")
    dataset = export_registry(
        actor=viewer, model_name="resident", queryset=Resident.objects.filter(grid=tree["grid_a"])
    )
    assert len(dataset) == 50

    report = import_registry_file(
        actor=superuser,
        model_name="resident",
        file_bytes=dataset.export("xlsx"),
        file_name="x.xlsx",
        dry_run=True,
    )

    assert not report.ok
    assert {e.field for e in report.errors} == {"身份证号", "联系电话"}


def test_export_query_count_does_not_grow_with_rows(
    fifty_residents: None,
    tree: dict[str, Region],
    superuser: User,
    django_assert_max_num_queries,
) -> None:
    with django_assert_max_num_queries(8):
        dataset = export_registry(
            actor=superuser, model_name="resident", queryset=Resident.objects.filter(grid=tree["grid_a"])
        )

    assert len(dataset) == 50


@pytest.mark.usefixtures("fifty_residents")
def test_change_form_hides_pii_from_users_without_the_permission(
    staff_client_factory: Callable[..., tuple[Client, User]],
) -> None:
    client, _ = staff_client_factory("registry.view_resident", "registry.change_resident")
    resident = Resident.objects.get(name="居民7")

    body = client.get(reverse("admin:registry_resident_change", args=[resident.pk])).content.decode()

    assert FULL_ID not in body
    assert MASKED_ID in body


def test_export_never_writes_a_formula(tree: dict[str, Region], superuser: User) -> None:
    Resident.objects.create(grid=tree["grid_a"], name="=HYPERLINK(1)", gender="M", notes="@SUM(A1)")

    dataset = export_registry(
        actor=superuser, model_name="resident", queryset=Resident.objects.filter(grid=tree["grid_a"])
    )

    assert len(dataset) == 1
    assert dataset.dict[0]["姓名"] == "'=HYPERLINK(1)"
    assert dataset.dict[0]["备注"] == "'@SUM(A1)"
