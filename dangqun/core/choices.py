"""Choice labels without per-row translation work.

``Model.get_FOO_display()`` rebuilds a dict of the field's choices on every call, hashing each lazy
label (one catalogue lookup per choice): on a list of 1,000 rows that is 10,000 lookups for one column.
``label`` translates a choices class once per language and process and then answers from a dict.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Choices
from django.utils.translation import get_language

_TABLES: dict[tuple[type[Choices], str | None], dict[Any, str]] = {}


def label(choices: type[Choices], value: Any) -> str:
    """The label of ``value`` among ``choices`` in the active language; the value itself if unknown."""
    key = (choices, get_language())
    table = _TABLES.get(key)
    if table is None:
        table = _TABLES[key] = {v: str(text) for v, text in choices.choices}
    return table.get(value, "" if value is None else str(value))
