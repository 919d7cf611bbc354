"""A module of this repository as it was at another git revision, for before/after benchmarks that
run both versions in the same process (``triage_speed.py``, ``triage_retrain.py``)."""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def module_at(rev: str, path: str, name: str) -> types.ModuleType:
    """The file ``path`` (relative to the repository) of git revision ``rev``, executed as module ``name``."""
    source = subprocess.run(  # noqa: S603 - git, our own repository
        ["git", "show", f"{rev}:{path}"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType(name)
    sys.modules[name] = module
    exec(compile(source, f"{rev}:{path}", "exec"), module.__dict__)  # noqa: S102
    return module
