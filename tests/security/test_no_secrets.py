"""No secret in the repository: generated keys live in var/ (ignored), nothing tracked looks like one."""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET_PATTERNS = [
    re.compile(r"-----BEGIN (?:RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----"),
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),  # cloud access key ids
    re.compile(r"""SECRET_KEY\s*=\s*["'][^"']{20,}["']"""),
    re.compile(r"django-insecure-[^\s`'\"]{20,}"),  # a generated key, not the words naming it
]

BINARY_SUFFIXES = {".png", ".jpg", ".ico", ".woff2", ".mo", ".xlsx", ".sqlite3"}


def _tracked_files() -> list[Path]:
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z"],  # noqa: S607 - git from PATH, as a developer runs it
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [ROOT / name for name in out.split("\0") if name]


def test_generated_secrets_are_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "var/" in ignored


def test_no_tracked_file_holds_a_secret():
    found = []
    for path in _tracked_files():
        if path.suffix in BINARY_SUFFIXES or not path.is_file():
            continue
        if path.parts[-3:-1] == ("tests", "security"):
            continue  # this file names the patterns
        text = path.read_text(errors="ignore")
        found += [f"{path.relative_to(ROOT)}: {p.pattern}" for p in SECRET_PATTERNS if p.search(text)]
        if path.name in {"secret_key", ".env"} or path.suffix in {".pem", ".key"}:
            found.append(f"{path.relative_to(ROOT)}: a key file is tracked")
    assert found == []
