"""Masking of personal information for display and export.

ID numbers and phone numbers keep their first 3 and last 4 characters; everything between becomes
``*``. Values too short to keep both ends are masked whole, so a masked value never reveals more
than 7 characters of the original.
"""

from __future__ import annotations

_KEEP_HEAD = 3
_KEEP_TAIL = 4


def _mask(value: str | None) -> str:
    if not value:
        return ""
    text = str(value).strip()
    if len(text) <= _KEEP_HEAD + _KEEP_TAIL:
        return "*" * len(text)
    hidden = len(text) - _KEEP_HEAD - _KEEP_TAIL
    return f"{text[:_KEEP_HEAD]}{'*' * hidden}{text[-_KEEP_TAIL:]}"


def mask_id_number(value: str | None) -> str:
    """``"110101199001011234"`` → ``"110***********1234"``; empty stays empty."""
    return _mask(value)


def mask_phone(value: str | None) -> str:
    """``"13812345678"`` → ``"138****5678"``; empty stays empty."""
    return _mask(value)


def mask_person_name(name: str | None) -> str:
    """``"王小明"`` → ``"王**"``: the family name stays, the rest is hidden. "系统" stays as it is."""
    text = (name or "").strip()
    if not text or text == "系统":  # i18n: data (the stored name of the system actor)
        return text
    return text[0] + "*" * max(len(text) - 1, 1)
