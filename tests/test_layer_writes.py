"""Views and API endpoints write no models: they parse input, call a service, render the answer.

The source of dangqun/web and dangqun/api is read (not imported) and every call that writes rows is
listed: ``.save(``, ``.delete(``, ``.create(``, ``bulk_create``/``bulk_update``,
``get_or_create``/``update_or_create``, and ``.update(`` on a queryset (a name with ``objects`` in
it, or the result of ``filter``/``exclude``/``all``/…; a dict's ``.update`` is not a write). A write
found here that is not in ``ALLOWED`` fails the test: move it into a service. An entry of
``ALLOWED`` that no longer matches fails too, so the list does not outlive its reasons.

Transactions are held by the import-linter contract "Views and API endpoints open no transaction"
(pyproject.toml).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("dangqun/web", "dangqun/api")
ALWAYS_WRITES = frozenset(
    {"save", "delete", "create", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
)
QUERYSET_METHODS = frozenset(
    {"filter", "exclude", "all", "select_for_update", "select_related", "only", "defer", "order_by"}
)

# (file, the call's callee as ``ast.unparse`` writes it) → why it stays where it is.
ALLOWED: dict[tuple[str, str], str] = {
    ("dangqun/api/auth.py", "ApiToken.objects.filter(pk=found.pk).update"): (
        "the bearer-token authentication backend stamps the token's last use (at most every few "
        "minutes, skipped on a read-only database): authentication bookkeeping, like Django's own "
        "last_login, not a domain write"
    ),
}


def _is_queryset(node: ast.expr) -> bool:
    """Whether ``node`` reads as a manager or a queryset: ``X.objects``, ``….filter(…)``, …"""
    if isinstance(node, ast.Attribute) and node.attr == "objects":
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in QUERYSET_METHODS or _is_queryset(node.func.value)
    if isinstance(node, ast.Attribute):
        return _is_queryset(node.value)
    return False


def writes_in(source: str) -> list[tuple[int, str]]:
    """(line, callee) of every model write in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        if name in ALWAYS_WRITES or (name == "update" and _is_queryset(node.func.value)):
            found.append((node.lineno, ast.unparse(node.func)))
    return found


def layer_writes() -> dict[tuple[str, str], list[int]]:
    writes: dict[tuple[str, str], list[int]] = {}
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            for line, callee in writes_in(path.read_text(encoding="utf-8")):
                writes.setdefault((relative, callee), []).append(line)
    return writes


def test_views_and_endpoints_write_no_models() -> None:
    writes = layer_writes()

    unexpected = [
        f"{file}:{lines[0]} {callee}"
        for (file, callee), lines in sorted(writes.items())
        if (file, callee) not in ALLOWED
    ]
    assert unexpected == [], "model writes in web/ or api/: move them into a service"


def test_every_allowed_write_still_exists() -> None:
    writes = layer_writes()

    assert [key for key in ALLOWED if key not in writes] == []


@pytest.mark.parametrize(
    ("source", "callee"),
    [
        ("case.save()", "case.save"),
        ("case.save(update_fields=['title'])", "case.save"),
        ("Case.objects.create(title='x')", "Case.objects.create"),
        ("user.memberships.create(role='x')", "user.memberships.create"),
        ("Case.objects.filter(pk=1).update(title='x')", "Case.objects.filter(pk=1).update"),
        ("Case.objects.update(title='x')", "Case.objects.update"),
        ("Case.objects.all().delete()", "Case.objects.all().delete"),
        ("attachment.delete()", "attachment.delete"),
        ("Case.objects.bulk_create(rows)", "Case.objects.bulk_create"),
        ("Case.objects.bulk_update(rows, ['title'])", "Case.objects.bulk_update"),
        ("Tag.objects.get_or_create(name='x')", "Tag.objects.get_or_create"),
        ("Tag.objects.update_or_create(name='x')", "Tag.objects.update_or_create"),
        ("Case.objects.select_for_update().filter(pk=1).update(title='x')", None),
    ],
)
def test_the_scan_finds_each_kind_of_write(source: str, callee: str | None) -> None:
    found = writes_in(source)

    assert len(found) == 1
    if callee is not None:
        assert found[0][1] == callee


@pytest.mark.parametrize(
    "source",
    ["context.update({'a': 1})", "params.update(a=1)", "digest.update(b'x')", "codes.add('x')"],
)
def test_a_dict_update_is_not_a_write(source: str) -> None:
    assert writes_in(source) == []


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("import django.db.transaction", 1),
        ("from django.db import transaction", 1),
        ("from django.db import (\n    IntegrityError,\n    transaction as tx,\n)", 1),
        ("from django.db.transaction import atomic", 1),
        ("from django.db import models, IntegrityError", 0),
        ("from django.db.models import Q", 0),
        ("import django.db", 0),
    ],
)
def test_the_transaction_contract_reads_every_spelling(source: str, found: int) -> None:
    from tools.importlinter_contracts import _imports_of

    assert len(_imports_of(ast.parse(source), "django.db.transaction")) == found
