"""Loading the three-level category tree: from a CSV file (一级分类,二级分类,三级分类) or from our own
built-in default (``builtin_taxonomy``).

Loading is idempotent: a node is matched by (parent, name) and created only when missing, so running
it twice creates nothing new; an existing category without keywords takes the keywords of the source.
A load runs in one transaction: a bad file is reported with its name and row, and nothing is written.

The contest taxonomy (``../shared/data/taidi2020/taxonomy_3level.csv``, 517 rows, 15 first-level
classes) carries no licence: it is read from where it lies and never copied into the repository.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from dangqun.cases.builtin_taxonomy import BUILTIN_TAXONOMY
from dangqun.cases.events import CasesEvent
from dangqun.cases.models import Category
from dangqun.cases.services.categories import MAX_LEVEL, category_create, category_update
from dangqun.core.audit import record_event
from dangqun.core.errors import DomainError

__all__ = [
    "BUILTIN_SOURCE",
    "TaxonomyFileError",
    "TaxonomyLoadResult",
    "TaxonomyNode",
    "builtin_taxonomy",
    "default_taxonomy_csv",
    "read_taxonomy_csv",
    "taxonomy_load",
    "taxonomy_load_builtin",
    "taxonomy_load_csv",
]

HEADER = ("一级分类", "二级分类", "三级分类")
BUILTIN_SOURCE = "builtin"
ENV_VAR = "DANGQUN_TAXONOMY_CSV"
SHARED_RELATIVE = Path("shared/data/taidi2020/taxonomy_3level.csv")
_NAME_MAX = Category._meta.get_field("name").max_length or 60


@dataclass
class TaxonomyNode:
    name: str
    keywords: str = ""
    children: list[TaxonomyNode] = field(default_factory=list)

    def child(self, name: str) -> TaxonomyNode:
        for node in self.children:
            if node.name == name:
                return node
        node = TaxonomyNode(name)
        self.children.append(node)
        return node


@dataclass(frozen=True)
class TaxonomyLoadResult:
    source: str
    created: int
    existing: int
    updated: int
    by_level: dict[int, int]  # categories of the source per level


class TaxonomyFileError(DomainError):
    """A taxonomy file that cannot be read; the message names the file and, where known, the row."""

    status_code = 422

    def __init__(self, path: Path | str, message: str, *, row: int | None = None) -> None:
        where = f"{path}" + (f" 第{row}行" if row is not None else "")
        super().__init__(f"分类文件 {where}:{message}", code="bad_taxonomy_file")
        self.path = str(path)
        self.row = row


def read_taxonomy_csv(path: Path | str) -> list[TaxonomyNode]:
    """The tree in a CSV file with the columns 一级分类,二级分类,三级分类 (UTF-8, BOM tolerated).

    A row may stop at the second level (third column empty); blank rows are skipped; duplicates merge.
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise TaxonomyFileError(path, "文件不存在") from None
    except IsADirectoryError:
        raise TaxonomyFileError(path, "不是文件") from None
    except UnicodeDecodeError as error:
        raise TaxonomyFileError(path, f"不是UTF-8编码(第{error.start + 1}个字节)") from None
    except OSError as error:
        raise TaxonomyFileError(path, f"无法读取({error.strerror})") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows or tuple(cell.strip() for cell in rows[0][:3]) != HEADER:
        raise TaxonomyFileError(path, f"表头须为“{','.join(HEADER)}”", row=1)
    roots: list[TaxonomyNode] = []
    by_name: dict[str, TaxonomyNode] = {}
    for number, raw in enumerate(rows[1:], start=2):
        cells = [cell.strip() for cell in raw]
        if not any(cells):
            continue
        if len(cells) > 3 and any(cells[3:]):
            raise TaxonomyFileError(path, f"多出{len(cells) - 3}列(只应有三列)", row=number)
        names = [*cells, "", "", ""][:3]
        for level, name in enumerate(names, start=1):
            if len(name) > _NAME_MAX:
                raise TaxonomyFileError(
                    path, f"{HEADER[level - 1]}“{name[:20]}…”超过{_NAME_MAX}个字", row=number
                )
        first, second, third = names
        if not first:
            raise TaxonomyFileError(path, "一级分类不能为空", row=number)
        if not second:
            raise TaxonomyFileError(path, "二级分类不能为空", row=number)
        root = by_name.get(first)
        if root is None:
            root = by_name[first] = TaxonomyNode(first)
            roots.append(root)
        node = root.child(second)
        if third:
            node.child(third)
    if not roots:
        raise TaxonomyFileError(path, "没有分类数据")
    return roots


def builtin_taxonomy() -> list[TaxonomyNode]:
    """Our own default tree (``builtin_taxonomy.BUILTIN_TAXONOMY``)."""
    return [
        TaxonomyNode(
            first,
            children=[
                TaxonomyNode(second, keywords, [TaxonomyNode(third) for third in thirds])
                for second, keywords, thirds in seconds
            ],
        )
        for first, seconds in BUILTIN_TAXONOMY
    ]


def default_taxonomy_csv() -> Path | None:
    """The contest taxonomy if this machine has it: ``$DANGQUN_TAXONOMY_CSV``, else
    ``<BASE_DIR>/../shared/data/taidi2020/taxonomy_3level.csv``; ``None`` when neither is set/there.

    A path named by the environment variable that does not exist is an error (a typo must not fall
    back silently)."""
    configured = os.environ.get(ENV_VAR, "").strip()
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise TaxonomyFileError(path, f"文件不存在(环境变量 {ENV_VAR})")
        return path
    shared = Path(settings.BASE_DIR).parent / SHARED_RELATIVE
    return shared if shared.is_file() else None


def _walk(nodes: Sequence[TaxonomyNode], level: int = 1) -> Iterable[tuple[int, TaxonomyNode]]:
    for node in nodes:
        yield level, node
        yield from _walk(node.children, level + 1)


@transaction.atomic
def taxonomy_load(*, actor: Any, nodes: Sequence[TaxonomyNode], source: str) -> TaxonomyLoadResult:
    """Create the categories of ``nodes`` that are missing (matched by parent and name)."""
    by_level: dict[int, int] = {}
    for level, node in _walk(nodes):
        if level > MAX_LEVEL:
            raise TaxonomyFileError(source, f"“{node.name}”超过{MAX_LEVEL}级")
        by_level[level] = by_level.get(level, 0) + 1
    known: dict[tuple[int | None, str], Category] = {(c.parent_id, c.name): c for c in Category.objects.all()}
    created = existing = updated = 0

    def load(children: Sequence[TaxonomyNode], parent: Category | None) -> None:
        nonlocal created, existing, updated
        for node in children:
            category = known.get((parent.pk if parent else None, node.name))
            if category is None:
                category = category_create(
                    actor=actor,
                    name=node.name,
                    parent=parent,
                    keywords=node.keywords,
                    is_active=parent is None or parent.is_active,
                )
                known[(category.parent_id, category.name)] = category
                created += 1
            else:
                existing += 1
                if node.keywords and not category.keywords:
                    category = category_update(actor=actor, category=category, keywords=node.keywords)
                    updated += 1
            load(node.children, category)

    load(nodes, None)
    if created or updated:
        record_event(
            actor=actor,
            event_type=CasesEvent.TAXONOMY_LOADED,
            data={"source": source, "created": created, "existing": existing, "updated": updated},
        )
    return TaxonomyLoadResult(source, created, existing, updated, dict(sorted(by_level.items())))


def taxonomy_load_csv(*, actor: Any, path: Path | str) -> TaxonomyLoadResult:
    return taxonomy_load(actor=actor, nodes=read_taxonomy_csv(path), source=str(path))


def taxonomy_load_builtin(*, actor: Any) -> TaxonomyLoadResult:
    return taxonomy_load(actor=actor, nodes=builtin_taxonomy(), source=BUILTIN_SOURCE)
