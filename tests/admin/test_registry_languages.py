"""Registry spreadsheets in both interface languages: an export is headed in the reader's language
(choices and yes/no too), and an import takes the Chinese headers districts' files have as well as the
English ones of an English export; errors name the columns in the reader's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from dangqun.accounts.models import User
from dangqun.regions.models import Region
from dangqun.registry.models import Resident
from dangqun.registry.services import export_registry, import_registry_file

from .conftest import make_id_number, xlsx_bytes

CHINESE = ["姓名", "性别", "身份证号", "联系电话", "网格代码", "流动人口"]
ENGLISH = ["Name", "Gender", "ID number", "Phone", "Grid code", "Floating population"]


def _rows(grid: Region, first17: str, gender: str, floating: str) -> list[list[object]]:
    return [["赵六", gender, make_id_number(first17), "13812345670", grid.code, floating]]


@pytest.mark.parametrize(
    ("language", "headers", "gender", "floating"),
    [
        ("zh-hans", CHINESE, "男", "否"),
        ("en", CHINESE, "男", "否"),  # a district's Chinese file, imported by an English reader
        ("zh-hans", ENGLISH, "Male", "No"),  # an English export, imported by a Chinese reader
        ("en", [h.upper() for h in ENGLISH], "male", "yes"),
    ],
)
def test_import_takes_chinese_and_english_headers(  # noqa: PLR0917 (parametrized)
    tree: dict[str, Region], superuser: User, language: str, headers: list[str], gender: str, floating: str
) -> None:
    rows = _rows(tree["grid_a"], "11010119900101123", gender, floating)
    with translation.override(language):
        report = import_registry_file(
            actor=superuser,
            model_name="resident",
            file_bytes=xlsx_bytes(headers, rows),
            file_name="residents.xlsx",
            dry_run=False,
        )

    assert report.errors == [], report.errors
    resident = Resident.objects.get(grid=tree["grid_a"], name="赵六")
    assert resident.gender == "M"
    assert resident.is_floating == (floating == "yes")


def test_errors_name_the_column_in_the_readers_language(tree: dict[str, Region], superuser: User) -> None:
    rows = [["赵六", "男", "123", "", tree["grid_a"].code, ""]]
    reports = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            reports[language] = import_registry_file(
                actor=superuser,
                model_name="resident",
                file_bytes=xlsx_bytes(CHINESE, rows),
                file_name="residents.xlsx",
                dry_run=True,
            )

    chinese, english = reports["zh-hans"].errors, reports["en"].errors
    assert [(e.row_number, e.field) for e in chinese] == [(2, "身份证号")]
    assert [(e.row_number, e.field) for e in english] == [(2, "ID number")]
    assert "格式错误" in chinese[0].message
    assert "malformed" in english[0].message


def test_missing_and_duplicate_columns_in_either_language(tree: dict[str, Region], superuser: User) -> None:
    with translation.override("en"):
        missing = import_registry_file(
            actor=superuser,
            model_name="resident",
            file_bytes=xlsx_bytes(["Name", "身份证号"], [["赵六", ""]]),
            file_name="residents.xlsx",
            dry_run=True,
        )
        assert ("Grid code", "Required column “Grid code” missing") in [
            (e.field, e.message) for e in missing.errors
        ]
        with pytest.raises(Exception, match="Name"):  # 姓名 and Name are the same column twice
            import_registry_file(
                actor=superuser,
                model_name="resident",
                file_bytes=xlsx_bytes(["姓名", "Name", "网格代码"], [["赵六", "赵六", tree["grid_a"].code]]),
                file_name="residents.xlsx",
                dry_run=True,
            )


@pytest.mark.usefixtures("fifty_residents")
def test_export_is_headed_in_the_readers_language_and_round_trips(
    tree: dict[str, Region], superuser: User
) -> None:
    own = Resident.objects.filter(grid=tree["grid_a"])
    with translation.override("zh-hans"):
        chinese = export_registry(actor=superuser, model_name="resident", queryset=own)
    with translation.override("en"):
        english = export_registry(actor=superuser, model_name="resident", queryset=own)

    assert {"姓名", "身份证号", "网格代码"} <= set(chinese.headers)
    assert {"Name", "ID number", "Grid code"} <= set(english.headers)
    assert len(chinese.headers) == len(english.headers)
    genders = {row[english.headers.index("Gender")] for row in english}
    assert genders <= {"Male", "Female", ""}

    with translation.override("zh-hans"):  # an English export goes back in, read by a Chinese user
        report = import_registry_file(
            actor=superuser,
            model_name="resident",
            file_bytes=english.export("xlsx"),
            file_name="export.xlsx",
            dry_run=True,
        )
    assert report.errors == []
    assert report.updated == 50
