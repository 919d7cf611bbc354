"""Translation helpers. The source language of every message is Simplified Chinese (see LANGUAGE_CODE)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import pgettext


def source_text(text: str | Promise) -> str:
    """A lazily translated label in the source language (Chinese), whatever language is active: for
    text that must not change with the reader, such as the OpenAPI document or a label accepted as input."""
    with translation.override(None):
        return str(text)


def join_list(items: Iterable[str]) -> str:
    """Items of a list inside a message, joined as the reader's language does: ``甲、乙`` / ``a, b``."""
    return pgettext("list separator", "、").join(items)
