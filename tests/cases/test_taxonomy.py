"""The category tree: services, CSV loading (idempotent, transactional, row-numbered errors), the
built-in default tree and the ``load_categories`` command. Files are written to tmp_path by the tests;
the contest taxonomy is never read here."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from dangqun.cases.builtin_taxonomy import BUILTIN_TAXONOMY
from dangqun.cases.events import CasesEvent
from dangqun.cases.models import Category
from dangqun.cases.services.categories import category_create, category_update
from dangqun.cases.taxonomy import (
    TaxonomyFileError,
    read_taxonomy_csv,
    taxonomy_load_builtin,
    taxonomy_load_csv,
)
from dangqun.core.models import AuditEvent

FIRST_LEVEL = (
    "城乡建设", "环境保护", "交通运输", "商贸旅游", "卫生计生", "劳动和社会保障", "教育文体", "民政",
    "政法", "农村农业", "国土资源", "经济管理", "科技与信息产业", "党务政务", "纪检监察",
)  # fmt: skip


def _write(tmp_path: Path, text: str, *, bom: bool = True, name: str = "tree.csv") -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    return path


SMALL = """一级分类,二级分类,三级分类
测试甲类,测试设施,测试路灯
测试甲类,测试设施,测试井盖
测试甲类,测试物业,
测试乙类,测试噪声,测试施工噪声

测试甲类,测试设施,测试路灯
"""


@pytest.mark.django_db
def test_a_csv_makes_the_three_level_tree(tmp_path: Path) -> None:
    result = taxonomy_load_csv(actor=None, path=_write(tmp_path, SMALL))

    assert result.created == 8
    assert result.by_level == {1: 2, 2: 3, 3: 3}
    lamp = Category.objects.get(name="测试路灯")
    assert lamp.level == 3
    assert lamp.parent is not None
    assert lamp.parent.name == "测试设施"
    assert lamp.code.startswith(lamp.parent.code)
    assert len(lamp.code) == len(lamp.parent.code) + 2
    assert lamp.path == f"{lamp.parent.path}{lamp.code}/"
    assert Category.objects.get(name="测试物业").children.count() == 0


@pytest.mark.django_db
def test_loading_twice_creates_nothing_new(tmp_path: Path) -> None:
    path = _write(tmp_path, SMALL)
    taxonomy_load_csv(actor=None, path=path)
    before = (Category.objects.count(), AuditEvent.objects.count())

    again = taxonomy_load_csv(actor=None, path=path)

    assert again.created == 0
    assert again.existing == 8
    assert (Category.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.django_db
def test_a_file_without_bom_reads_the_same(tmp_path: Path) -> None:
    with_bom = read_taxonomy_csv(_write(tmp_path, SMALL))
    without = read_taxonomy_csv(_write(tmp_path, SMALL, bom=False, name="plain.csv"))

    assert with_bom == without


@pytest.mark.parametrize(
    ("text", "row", "words"),
    [
        ("名称,二级\n甲,乙\n", 1, "表头"),
        ("一级分类,二级分类,三级分类\n测试甲类,测试设施,灯\n,测试设施,灯\n", 3, "一级分类不能为空"),
        ("一级分类,二级分类,三级分类\n测试甲类,,灯\n", 2, "二级分类不能为空"),
        ("一级分类,二级分类,三级分类\n测试甲类,测试设施,灯,多余\n", 2, "多出1列"),
        ("一级分类,二级分类,三级分类\n测试甲类,测试设施," + "长" * 61 + "\n", 2, "超过60个字"),
    ],
)
@pytest.mark.django_db
def test_a_bad_row_is_named_with_the_file_and_nothing_is_written(
    tmp_path: Path, text: str, row: int, words: str
) -> None:
    path = _write(tmp_path, text)
    before = Category.objects.count()

    with pytest.raises(TaxonomyFileError) as error:
        taxonomy_load_csv(actor=None, path=path)

    assert str(path) in error.value.message
    assert f"第{row}行" in error.value.message
    assert words in error.value.message
    assert error.value.row == row
    assert Category.objects.count() == before


@pytest.mark.django_db
def test_a_missing_or_non_utf8_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyFileError, match="文件不存在"):
        taxonomy_load_csv(actor=None, path=tmp_path / "none.csv")
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("一级分类,二级分类,三级分类\n城乡建设,供热,\n".encode("gbk"))
    with pytest.raises(TaxonomyFileError, match="UTF-8"):
        taxonomy_load_csv(actor=None, path=gbk)


def test_the_builtin_tree_has_the_fifteen_classes_with_keywords() -> None:
    assert tuple(first for first, _ in BUILTIN_TAXONOMY) == FIRST_LEVEL
    for first, seconds in BUILTIN_TAXONOMY:
        assert 3 <= len(seconds) <= 6, first
        for name, keywords, _thirds in seconds:
            assert keywords, f"{first}/{name}"
    seconds_of = {first: [s[0] for s in seconds] for first, seconds in BUILTIN_TAXONOMY}
    assert {"市政设施", "物业管理", "违法建设", "供热", "供水", "燃气"} <= set(seconds_of["城乡建设"])
    assert {"噪声污染", "大气污染", "水污染", "垃圾处理"} <= set(seconds_of["环境保护"])


@pytest.mark.django_db
def test_the_builtin_tree_loads_and_loads_again_as_nothing_new() -> None:
    taxonomy_load_builtin(actor=None)

    again = taxonomy_load_builtin(actor=None)

    assert again.created == 0
    assert set(Category.objects.filter(level=1).values_list("name", flat=True)) >= set(FIRST_LEVEL)
    heating = Category.objects.get(parent__name="城乡建设", parent__level=1, name="供热")
    assert "暖气" in heating.keywords
    assert heating.children.filter(name="室温不达标").exists()


@pytest.mark.django_db
def test_a_missing_keyword_is_filled_from_the_builtin_tree_without_new_rows() -> None:
    root = Category.objects.filter(level=1, name="城乡建设").first() or category_create(
        actor=None, name="城乡建设"
    )
    heating = Category.objects.filter(parent=root, name="供热").first() or category_create(
        actor=None, name="供热", parent=root
    )
    category_update(actor=None, category=heating, keywords="")

    result = taxonomy_load_builtin(actor=None)

    heating.refresh_from_db()
    assert "暖气" in heating.keywords
    assert result.updated >= 1


@pytest.mark.django_db
def test_category_create_generates_codes_and_audits() -> None:
    root = category_create(actor=None, name="测试丙类", code="T99")

    first = category_create(actor=None, name="子类一", parent=root, keywords="甲, 乙，甲 丙")
    second = category_create(actor=None, name="子类二", parent=root)

    assert (first.code, second.code) == ("T9901", "T9902")
    assert (first.level, first.path) == (2, "/T99/T9901/")
    assert first.keywords == "甲,乙,丙"
    assert AuditEvent.objects.filter(
        event_type=CasesEvent.CATEGORY_CREATED.value, target_id=str(first.pk)
    ).exists()


@pytest.mark.django_db
def test_category_create_refuses_a_fourth_level_and_a_duplicate_name() -> None:
    root = category_create(actor=None, name="测试丁类", code="T98")
    second = category_create(actor=None, name="二级", parent=root)
    third = category_create(actor=None, name="三级", parent=second)

    with pytest.raises(ValidationError, match="最多3级"):
        category_create(actor=None, name="四级", parent=third)
    with pytest.raises(ValidationError, match="已有名为"):
        category_create(actor=None, name="二级", parent=root)
    with pytest.raises(ValidationError, match="已有名为"):
        category_create(actor=None, name="测试丁类")
    with pytest.raises(ValidationError, match="编码"):
        category_create(actor=None, name="坏编码", code="a/b")


@pytest.mark.django_db
def test_deactivating_a_category_deactivates_its_subtree() -> None:
    root = category_create(actor=None, name="测试戊类", code="T97")
    child = category_create(actor=None, name="二级", parent=root)
    grandchild = category_create(actor=None, name="三级", parent=child)

    category_update(actor=None, category=root, is_active=False)

    child.refresh_from_db()
    grandchild.refresh_from_db()
    assert not child.is_active
    assert not grandchild.is_active
    with pytest.raises(ValidationError, match="上级分类"):
        category_update(actor=None, category=child, is_active=True)
    with pytest.raises(ValidationError, match="已停用"):
        category_create(actor=None, name="新二级", parent=root)


@pytest.mark.django_db
def test_the_command_loads_a_file_and_reports(tmp_path: Path) -> None:
    out = io.StringIO()

    call_command("load_categories", file=str(_write(tmp_path, SMALL)), stdout=out)

    assert "新建 8 个分类" in out.getvalue()
    with pytest.raises(CommandError, match="第1行"):
        call_command("load_categories", file=str(_write(tmp_path, "x,y\n", name="bad.csv")), stdout=out)


@pytest.mark.django_db
def test_the_command_loads_the_builtin_tree() -> None:
    out = io.StringIO()

    call_command("load_categories", builtin=True, stdout=out)

    assert "内置分类" in out.getvalue()
    assert Category.objects.filter(level=1, name="纪检监察").exists()
