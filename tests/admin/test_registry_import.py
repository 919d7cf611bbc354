"""Spreadsheet import of the registries: all rows or none, errors named by spreadsheet row.

The demo district is in the database: counts are taken relative to a baseline, the imported rows
live in the test's own ``T21…`` grids and their ID numbers use a Beijing area code (the demo's are
all Liaoning ``21…`` codes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import QuerySet
from django.test import Client
from django.urls import reverse

from dangqun.accounts.models import User
from dangqun.core.encrypted_fields import matching
from dangqun.core.models import AuditEvent
from dangqun.orgs.models import PartyOrg
from dangqun.party.models import PartyMember
from dangqun.regions.models import Region
from dangqun.registry.models import Building, Household, Resident, ResidentTag
from dangqun.registry.services import import_registry_file

from .conftest import make_id_number, xlsx_bytes

RESIDENT_HEADERS = ["姓名", "性别", "身份证号", "联系电话", "网格代码", "流动人口", "标签"]

ID_1 = make_id_number("11010119900101123")
ID_2 = make_id_number("11010219851231002")
ID_3 = make_id_number("11010220000229004")


def _good_rows(grid: Region) -> list[list[object]]:
    return [
        ["张三", "男", ID_1, "13812345678", grid.code, "否", ""],
        ["李四", "女", ID_2, "13987654321", grid.code, "是", ""],
        ["王五", "", ID_3, "", grid.code, "", ""],
    ]


def _test_residents(tree: dict[str, Region]) -> QuerySet[Resident]:
    """The residents in the test's own grids (the demo's live elsewhere)."""
    return Resident.objects.filter(grid__in=[tree["grid_a"], tree["grid_b"]])


def _import(
    actor: User,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    model: str = "resident",
    dry_run: bool = False,
):
    return import_registry_file(
        actor=actor,
        model_name=model,
        file_bytes=xlsx_bytes(headers, rows),
        file_name="名单.xlsx",
        dry_run=dry_run,
    )


def test_three_good_rows_create_three_residents(tree: dict[str, Region], superuser: User) -> None:
    before = Resident.objects.count()

    report = _import(superuser, RESIDENT_HEADERS, _good_rows(tree["grid_a"]))

    assert report.errors == []
    assert report.committed
    assert (report.total_rows, report.created, report.updated) == (3, 3, 0)
    assert Resident.objects.count() == before + 3
    assert sorted(_test_residents(tree).values_list("name", flat=True)) == sorted(["张三", "李四", "王五"])
    wang = Resident.objects.get(matching(Resident, "id_number", ID_3))
    assert wang.name == "王五"
    assert wang.gender == "F"  # taken from the ID number
    assert wang.birth_date == dt.date(2000, 2, 29)
    assert Resident.objects.get(matching(Resident, "id_number", ID_2)).is_floating is True


def test_successful_import_writes_one_audit_event(tree: dict[str, Region], superuser: User) -> None:
    _import(superuser, RESIDENT_HEADERS, _good_rows(tree["grid_a"]))

    events = AuditEvent.objects.filter(event_type="registry.import_completed", actor=superuser)
    assert events.count() == 1
    event = events.get()
    assert event.actor == superuser
    assert event.data == {
        "model": "registry.resident",
        "file_name": "名单.xlsx",
        "rows": 3,
        "created": 3,
        "updated": 0,
    }


def test_unknown_grid_code_reports_its_row_and_writes_nothing(
    tree: dict[str, Region], superuser: User
) -> None:
    before = Resident.objects.count()
    imports_before = AuditEvent.objects.filter(event_type="registry.import_completed").count()
    rows = _good_rows(tree["grid_a"])
    rows[1][4] = "NO-SUCH-GRID"

    report = _import(superuser, RESIDENT_HEADERS, rows)

    assert not report.committed
    assert [(e.row_number, e.field) for e in report.errors] == [(3, "网格代码")]
    assert "NO-SUCH-GRID" in report.errors[0].message
    assert "不存在" in report.errors[0].message
    assert Resident.objects.count() == before
    assert AuditEvent.objects.filter(event_type="registry.import_completed").count() == imports_before


def test_a_region_that_is_not_a_grid_is_rejected(tree: dict[str, Region], superuser: User) -> None:
    before = Resident.objects.count()
    rows = _good_rows(tree["grid_a"])
    rows[2][4] = tree["community"].code

    report = _import(superuser, RESIDENT_HEADERS, rows)

    assert [(e.row_number, e.field) for e in report.errors] == [(4, "网格代码")]
    assert "不是网格" in report.errors[0].message
    assert Resident.objects.count() == before


def test_wrong_id_number_checksum_is_rejected(tree: dict[str, Region], superuser: User) -> None:
    before = Resident.objects.count()
    rows = _good_rows(tree["grid_a"])
    good = str(rows[0][2])
    rows[0][2] = good[:17] + ("0" if good[17] != "0" else "1")

    report = _import(superuser, RESIDENT_HEADERS, rows)

    assert [(e.row_number, e.field) for e in report.errors] == [(2, "身份证号")]
    assert "校验位" in report.errors[0].message
    assert Resident.objects.count() == before


def test_every_kind_of_bad_row_is_reported_with_its_reason(tree: dict[str, Region], superuser: User) -> None:
    before = Resident.objects.count()
    headers = [*RESIDENT_HEADERS, "出生日期"]
    grid = tree["grid_a"].code
    rows = [
        ["赵六", "男", "", "12345", grid, "否", "", ""],  # bad phone
        ["钱七", "男", "", "", grid, "否", "", "1990-13-45"],  # bad date
        ["", "男", "", "", grid, "否", "", ""],  # missing required name
        ["孙八", "未知", "", "", grid, "否", "", ""],  # bad choice
        ["周九", "女", "", "", grid, "也许", "", ""],  # bad yes/no
        ["吴十", "女", "", "", grid, "否", "不存在的标签", ""],  # unknown tag
        ["郑一", "女", ID_1, "", grid, "否", "", ""],  # ID says male
    ]

    report = _import(superuser, headers, rows)

    found = {(e.row_number, e.field) for e in report.errors}
    assert found == {
        (2, "联系电话"),
        (3, "出生日期"),
        (4, "姓名"),
        (5, "性别"),
        (6, "流动人口"),
        (7, "标签"),
        (8, "性别"),
    }
    assert all(e.message for e in report.errors)
    assert Resident.objects.count() == before


def test_missing_required_column_is_reported_on_the_header_row(
    tree: dict[str, Region], superuser: User
) -> None:
    before = Resident.objects.count()
    report = _import(superuser, ["姓名", "性别"], [["张三", "男"]])

    assert [(e.row_number, e.field) for e in report.errors] == [(1, "网格代码")]
    assert Resident.objects.count() == before


def test_dry_run_reports_but_writes_nothing(tree: dict[str, Region], superuser: User) -> None:
    before = Resident.objects.count()
    events_before = AuditEvent.objects.count()

    report = _import(superuser, RESIDENT_HEADERS, _good_rows(tree["grid_a"]), dry_run=True)

    assert report.ok
    assert not report.committed
    assert report.created == 3
    assert Resident.objects.count() == before
    assert AuditEvent.objects.count() == events_before


def test_reimport_updates_by_id_number_and_duplicates_in_one_file_are_errors(
    tree: dict[str, Region], superuser: User
) -> None:
    ResidentTag.objects.get_or_create(code="elderly_alone", defaults={"name": "独居老人"})
    _import(superuser, RESIDENT_HEADERS, _good_rows(tree["grid_a"]))
    rows = _good_rows(tree["grid_b"])
    rows[0][6] = "独居老人"

    report = _import(superuser, RESIDENT_HEADERS, rows)

    assert (report.created, report.updated) == (0, 3)
    zhang = Resident.objects.get(matching(Resident, "id_number", ID_1))
    assert zhang.grid == tree["grid_b"]
    assert [t.code for t in zhang.tags.all()] == ["elderly_alone"]

    duplicate = _import(superuser, RESIDENT_HEADERS, [rows[0], rows[0]])
    assert [(e.row_number, e.field) for e in duplicate.errors] == [(3, "身份证号")]
    assert "第2行" in duplicate.errors[0].message


def test_blank_lines_keep_spreadsheet_row_numbers(tree: dict[str, Region], superuser: User) -> None:
    rows = _good_rows(tree["grid_a"])
    rows.insert(1, [None] * len(RESIDENT_HEADERS))
    rows[3][4] = "BAD"  # spreadsheet row 5

    report = _import(superuser, RESIDENT_HEADERS, rows)

    assert [(e.row_number, e.field) for e in report.errors] == [(5, "网格代码")]


def test_csv_in_gbk_is_read(tree: dict[str, Region], superuser: User) -> None:
    before = Resident.objects.count()
    text = "姓名,性别,网格代码\n张三,男,{0}\n李四,女,{0}\n".format(tree["grid_a"].code)

    report = import_registry_file(
        actor=superuser,
        model_name="registry.resident",
        file_bytes=text.encode("gbk"),
        file_name="a.csv",
        dry_run=False,
    )

    assert report.committed
    assert Resident.objects.count() == before + 2
    assert sorted(_test_residents(tree).values_list("name", flat=True)) == sorted(["张三", "李四"])


def test_unreadable_file_raises_a_validation_error(superuser: User, db: None) -> None:
    with pytest.raises(ValidationError, match="xlsx"):
        import_registry_file(
            actor=superuser,
            model_name="resident",
            file_bytes=b"not a spreadsheet",
            file_name="a.xlsx",
            dry_run=False,
        )
    with pytest.raises(ValidationError, match="不支持"):
        import_registry_file(
            actor=superuser, model_name="resident", file_bytes=b"", file_name="a.pdf", dry_run=False
        )
    with pytest.raises(ValidationError, match="不支持导入"):
        import_registry_file(
            actor=superuser, model_name="nothing", file_bytes=b"", file_name="a.csv", dry_run=False
        )


def test_buildings_households_and_party_members_import(tree: dict[str, Region], superuser: User) -> None:
    grid = tree["grid_a"].code
    buildings = _import(
        superuser,
        ["楼栋编码", "楼栋名称", "网格代码", "类型", "层数"],
        [["B1", "1号楼", grid, "住宅", 6], ["B2", "2号楼", grid, "商住混合", 18]],
        model="building",
    )
    households = _import(
        superuser,
        ["户编码", "楼栋编码", "门牌/房号", "居住性质"],
        [["B1-101", "B1", "101", "出租"]],
        model="household",
    )
    org = PartyOrg.objects.create(code="P1", name="第一支部", kind="branch", path="/P1/")
    members = _import(
        superuser,
        ["姓名", "党组织编码", "身份证号", "入党日期", "预备党员"],
        [["张三", "P1", ID_1, dt.date(2010, 7, 1), "否"]],
        model="party.partymember",
    )

    assert buildings.errors == []
    assert households.errors == []
    assert members.errors == []
    assert Building.objects.get(code="B2").floors == 18
    household = Household.objects.get(code="B1-101")
    assert household.grid == tree["grid_a"]  # taken from the building
    assert household.housing == "rented"
    member = PartyMember.objects.get(party_org=org)
    assert (member.party_org, member.gender, member.joined_on) == (org, "M", dt.date(2010, 7, 1))


# --- through the admin ---------------------------------------------------------------------------


def _upload(client: Client, content: bytes, name: str = "名单.xlsx", dry_run: bool = False):
    data: dict[str, object] = {"import_file": SimpleUploadedFile(name, content)}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(reverse("admin:registry_resident_import"), data)


def test_admin_import_creates_rows_and_redirects(tree: dict[str, Region], admin_client: Client) -> None:
    before = Resident.objects.count()

    response = _upload(admin_client, xlsx_bytes(RESIDENT_HEADERS, _good_rows(tree["grid_a"])))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:registry_resident_changelist")
    assert Resident.objects.count() == before + 3
    assert _test_residents(tree).count() == 3


def test_admin_import_with_a_bad_row_shows_it_and_writes_nothing(
    tree: dict[str, Region], admin_client: Client
) -> None:
    before = Resident.objects.count()
    rows = _good_rows(tree["grid_a"])
    rows[1][4] = "NO-SUCH-GRID"

    response = _upload(admin_client, xlsx_bytes(RESIDENT_HEADERS, rows))

    assert response.status_code == 200
    body = response.content.decode()
    assert "第3行 [网格代码]" in body
    assert "NO-SUCH-GRID" in body
    assert Resident.objects.count() == before


def test_admin_import_dry_run_writes_nothing(tree: dict[str, Region], admin_client: Client) -> None:
    before = Resident.objects.count()

    response = _upload(admin_client, xlsx_bytes(RESIDENT_HEADERS, _good_rows(tree["grid_a"])), dry_run=True)

    assert response.status_code == 200
    assert "校验通过" in response.content.decode()
    assert Resident.objects.count() == before


def test_admin_import_of_an_unreadable_file_is_a_form_error(admin_client: Client) -> None:
    response = _upload(admin_client, b"garbage", name="x.xlsx")

    assert response.status_code == 200
    assert "无法读取" in response.content.decode()
