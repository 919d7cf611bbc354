"""A guard against Chinese interface text that skips translation: every string literal with Chinese in
a Python module of ``dangqun`` must be the message of a gettext call, unless it is data (see
docs/architecture.md, "Interface languages"): a module of data or of console output listed below,
OpenAPI documentation in ``dangqun/api``, or a literal on a line marked ``# i18n: data`` (text stored
in the database in the district's language, or a value matched against input)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "dangqun"
HAN = re.compile(r"[\u3400-\u9fff]")
GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}
MARKER = "# i18n: data"

# Whole modules that are data or console output, with the reason. Keep it short: a module of the
# interface that also holds a stored text marks that line instead.
DATA_MODULES: dict[str, str] = {
    "dangqun/demo/": "the demo district: names, addresses, case texts (data)",
    "/management/commands/": "console output of management commands, read by staff at the server",
    "dangqun/cases/builtin_taxonomy.py": "the built-in category tree (data)",
    "dangqun/cases/taxonomy.py": "the category file format (Chinese headers); load_categories' messages",
    "dangqun/cases/notifications.py": "notification texts, stored and sent (SMS, WeCom) in Chinese",
    "dangqun/notify/channels.py": "delivery errors kept in the delivery log; channel settings at start-up",
    "dangqun/core/backup.py": "backup/restore console messages",
    "dangqun/core/pii.py": "start-up configuration errors, already in both languages",
    "dangqun/triage/address.py": "Chinese address patterns (language analysis)",
    "dangqun/triage/address_noise.py": "Chinese address variants for training (data)",
    "dangqun/triage/hotspots.py": "Chinese place and group patterns (language analysis)",
    "dangqun/triage/replies.py": "Chinese reply-quality word lists (language analysis)",
    "dangqun/triage/text.py": "Chinese text normalisation (language analysis)",
    "dangqun/triage/csvio.py": "headers of the public message data sets; the triage tools' messages",
    "dangqun/triage/hotspots_io.py": "headers of the hotspot data sets and tables; console messages",
}
OPENAPI_KEYWORDS = {"summary", "description", "title"}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _is_data_module(relative: str) -> bool:
    return any(
        part in relative if part.startswith("/") else relative.startswith(part) for part in DATA_MODULES
    )


def untranslated(path: Path, relative: str | None = None) -> list[tuple[int, str]]:
    """(line, text) of every string literal with Chinese that is not a gettext message, a docstring,
    OpenAPI documentation (in dangqun/api) or on a line marked as data."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    relative = relative or path.relative_to(ROOT).as_posix()
    exempt: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body:
            first = body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                exempt.add(id(first.value))
        if isinstance(node, ast.Call):
            kept: list[ast.AST] = []
            if _name(node.func) in GETTEXT:
                kept.extend(node.args)
            if relative.startswith("dangqun/api/"):
                kept.extend(k.value for k in node.keywords if k.arg in OPENAPI_KEYWORDS)
            exempt.update(id(sub) for arg in kept for sub in ast.walk(arg))
        if isinstance(node, ast.JoinedStr) and any(
            MARKER in lines[n - 1] for n in range(node.lineno, (node.end_lineno or node.lineno) + 1)
        ):
            exempt.update(id(sub) for sub in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or id(node) in exempt:
            continue
        if not HAN.search(node.value):
            continue
        span = range(node.lineno, (node.end_lineno or node.lineno) + 1)
        if any(MARKER in lines[n - 1] for n in span):
            continue
        found.append((node.lineno, node.value))
    return found


def _modules() -> list[Path]:
    return sorted(
        p
        for p in PACKAGE.rglob("*.py")
        if "migrations" not in p.parts and not _is_data_module(p.relative_to(ROOT).as_posix())
    )


def test_no_chinese_literal_outside_gettext_in_an_interface_module() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {text[:60]!r}"
        for path in _modules()
        for line, text in untranslated(path)
    ]
    assert offenders == [], (
        "Chinese text outside gettext: wrap it in gettext()/gettext_lazy() and add its English to "
        "dangqun/locale/en/LC_MESSAGES/django.po, or, if it is data, mark the line '# i18n: data' "
        "(see docs/architecture.md):\n" + "\n".join(offenders)
    )


def test_the_guard_sees_what_it_must(tmp_path: Path) -> None:
    """The guard itself: a bare literal, an f-string and a concatenation are caught; a gettext message,
    a docstring and a marked line are not."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""文档字符串"""\n'
        "from django.utils.translation import gettext as _\n"
        'A = "裸字符串"\n'
        'B = f"格式化{A}"\n'
        'C = _("已翻译")\n'
        'D = "存储的文字"  # i18n: data (stored)\n'
        'E = "前" + A + "后"\n',
        encoding="utf-8",
    )
    assert [line for line, _text in untranslated(sample, "dangqun/sample.py")] == [3, 4, 7, 7]


def test_every_listed_data_module_exists() -> None:
    for part in DATA_MODULES:
        if part.startswith("/"):
            assert any(part in p.as_posix() for p in PACKAGE.rglob("*.py")), part
        else:
            assert (ROOT / part).exists(), part
