"""A materialised-path field whose ``subtree`` lookup is an indexed range on every database.

A path is the list of codes from the root, each followed by ``/``: ``/210603/210603001/``.
``Region.objects.filter(path__subtree="/210603/210603001/")`` selects that node and all below.

Why not ``startswith``? On SQLite, ``LIKE`` is case-insensitive and never uses the B-tree index;
on PostgreSQL, Django's ``_like`` index serves ``LIKE 'x%'`` but not under every collation. Paths
use only ``[0-9A-Za-z_-]`` and ``/``, so ``path >= p AND path < p'`` (``p'`` is ``p`` with its
last ``/`` replaced by the next character, ``0``) selects exactly the subtree, and both databases
answer it from the ordinary index. The column is created with a byte-order collation ("C" on
PostgreSQL) so that the comparison is by code point whatever the database's default collation.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models
from django.db.models import Lookup

PATH_SEGMENT_RE = re.compile(r"^[0-9A-Za-z_-]+$")
PATH_RE = re.compile(r"^/(?:[0-9A-Za-z_-]+/)+$")


def path_upper_bound(path: str) -> str:
    if not PATH_RE.match(path):
        raise ValueError(f"not a materialised path: {path!r}")
    # "/" is 0x2F and "0" is 0x30: every string that starts with ``path`` sorts below this one.
    return path[:-1] + "0"


def join_path(parent_path: str | None, code: str) -> str:
    if not PATH_SEGMENT_RE.match(code):
        raise ValueError(f"a path segment may hold only letters, digits, '_' and '-': {code!r}")
    return f"{parent_path or '/'}{code}/"


class PathField(models.CharField):
    """CharField holding a materialised path, indexed, compared byte by byte."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 255)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def db_parameters(self, connection: Any) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 255:
            del kwargs["max_length"]
        if kwargs.get("db_index") is True:
            del kwargs["db_index"]
        return name, path, args, kwargs


@PathField.register_lookup
class SubtreeLookup(Lookup):
    """``path__subtree=p``: the node at ``p`` and every node below it."""

    lookup_name = "subtree"

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        prefix = self.rhs
        if not isinstance(prefix, str):
            raise TypeError("path__subtree takes a path string")
        params = [*lhs_params, prefix, *lhs_params, path_upper_bound(prefix)]
        return f"({lhs} >= %s AND {lhs} < %s)", params
