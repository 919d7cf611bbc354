"""An import-linter contract type for what the stock ``forbidden`` contract cannot say.

import-linter sees an external package only as its top-level name (``django``), so its ``forbidden``
contract refuses ``django.db.transaction`` ("subpackages of external packages are not valid"). This
contract takes the modules of the source packages that import the external package at all (from the
import graph, built with ``include_external_packages = true``) and reads their import statements
to find the forbidden submodule, however it is spelt::

    import django.db.transaction
    from django.db import transaction            (also inside parentheses, or ``as tx``)
    from django.db.transaction import atomic

Registered in pyproject.toml under ``[tool.importlinter] contract_types``.
"""

from __future__ import annotations

import ast
import importlib.util
from dataclasses import dataclass
from pathlib import Path

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output


@dataclass(frozen=True)
class _Violation:
    importer: str
    forbidden: str
    line_number: int
    line: str


def _imports_of(tree: ast.Module, forbidden: str) -> list[ast.stmt]:
    """The import statements in ``tree`` that bring in ``forbidden`` (a dotted module name)."""
    parent, _, leaf = forbidden.rpartition(".")
    found: list[ast.stmt] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            if any(a.name == forbidden or a.name.startswith(forbidden + ".") for a in node.names):
                found.append(node)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            whole = node.module == forbidden or node.module.startswith(forbidden + ".")
            named = node.module == parent and any(a.name in (leaf, "*") for a in node.names)
            if whole or named:
                found.append(node)
    return found


def _source_path(module: str) -> Path | None:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        return None
    return Path(spec.origin)


class ForbiddenExternalSubmoduleContract(Contract):
    """The source packages (and everything under them) may not import these external submodules.

    Options:
        - source_modules: packages whose modules are checked.
        - forbidden_modules: dotted names of external submodules (``django.db.transaction``).
    """

    type_name = "forbidden_external_submodule"

    source_modules = fields.ListField(subfield=fields.ModuleField())
    forbidden_modules = fields.ListField(subfield=fields.StringField())

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        violations: list[_Violation] = []
        forbidden: list[str] = list(self.forbidden_modules)  # type: ignore[call-overload]
        for source in self.source_modules:  # type: ignore[attr-defined]
            modules = {source.name} | graph.find_descendants(source.name)
            for module in sorted(modules):
                for name in forbidden:
                    root = name.split(".", 1)[0]
                    if root not in graph.modules or not graph.direct_import_exists(
                        importer=module, imported=root
                    ):
                        continue
                    path = _source_path(module)
                    if path is None:
                        continue
                    text = path.read_text(encoding="utf-8")
                    lines = text.splitlines()
                    for node in _imports_of(ast.parse(text), name):
                        line = lines[node.lineno - 1].strip()
                        violations.append(_Violation(module, name, node.lineno, line))
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for v in check.metadata["violations"]:
            output.print_error(f"{v.importer} imports {v.forbidden} (l.{v.line_number}: {v.line})")
            output.new_line()
