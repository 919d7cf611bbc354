"""Personal data at rest: Fernet encryption and keyed hashes (blind indexes).

ID numbers and phone numbers are stored encrypted (``core.fields.EncryptedCharField``); beside each
sits an indexed keyed hash (``core.fields.BlindIndexField``) that equality lookups use, so nothing
is ever decrypted to be searched.

Keys come from the settings (read from the environment, see ``config/settings.py``):

- ``DANGQUN_FIELD_KEYS``: Fernet keys. The first encrypts; every one decrypts
  (``MultiFernet``), so a new key goes first, ``manage.py rotate_field_keys`` re-encrypts every row
  under it, and the old key can then be dropped.
- ``DANGQUN_HASH_KEYS``: HMAC-SHA256 keys. The first writes the hashes; lookups match a hash under
  any of them, so the same rotation (new key first, ``rotate_field_keys``, drop the old one) keeps
  every search working throughout.

A value is normalised before it is hashed (``normalize``): an ID number loses its spaces and its
check letter becomes an upper-case ``X``; a phone keeps its digits only, without a leading ``86``
country code. Empty values stay empty (not encrypted, no hash): that a person gave no phone is not
worth hiding, and ``phone=""`` filters keep working.
"""

from __future__ import annotations

import hmac
import re
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from dangqun.core.errors import DomainError

ID_NUMBER = "id_number"
PHONE = "phone"
PHONE_LAST4 = "phone_last4"  # the last four digits of a phone (case tracking by code + digits)
KINDS = (ID_NUMBER, PHONE, PHONE_LAST4)

# Every Fernet token starts with the version byte 0x80 and a 64-bit timestamp: in base64, "gAAAAA".
FERNET_PREFIX = "gAAAAA"

_NON_DIGITS = re.compile(r"\D")
_SPACES = re.compile(r"\s+")


class FieldKeyError(DomainError):
    """The configured keys cannot read a stored value (a key is missing or wrong). Nothing is
    shown and nothing is written; the operator must restore the key (HTTP 503)."""

    status_code = 503

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or "个人信息无法解密:加密密钥缺失或错误,请检查 DANGQUN_FIELD_KEYS 配置"
            " (personal data cannot be decrypted: check DANGQUN_FIELD_KEYS)",
            code="field_key_error",
        )


# --- keys -----------------------------------------------------------------------------------------


def field_keys() -> tuple[str, ...]:
    return tuple(settings.DANGQUN_FIELD_KEYS)


def hash_keys() -> tuple[str, ...]:
    return tuple(settings.DANGQUN_HASH_KEYS)


@lru_cache(maxsize=8)
def _fernets(keys: tuple[str, ...]) -> tuple[MultiFernet, Fernet]:
    if not keys:
        raise FieldKeyError("未配置个人信息加密密钥 DANGQUN_FIELD_KEYS (no field encryption key configured)")
    try:
        fernets = [Fernet(key.encode("ascii")) for key in keys]
    except (ValueError, UnicodeEncodeError) as exc:
        raise FieldKeyError(
            "DANGQUN_FIELD_KEYS 中有无效的密钥(须为 Fernet 密钥:32字节 URL-safe base64)"
            " (an invalid Fernet key in DANGQUN_FIELD_KEYS)"
        ) from exc
    return MultiFernet(fernets), fernets[0]


@lru_cache(maxsize=8)
def _hash_keys(keys: tuple[str, ...]) -> tuple[bytes, ...]:
    if not keys:
        raise FieldKeyError("未配置个人信息检索密钥 DANGQUN_HASH_KEYS (no hash key configured)")
    return tuple(key.encode("utf-8") for key in keys)


# --- encryption -----------------------------------------------------------------------------------


def encrypt(text: str) -> str:
    """The Fernet token of ``text`` under the first key; empty stays empty."""
    if not text:
        return ""
    multi, _first = _fernets(field_keys())
    return multi.encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The plain text of a stored token (any configured key); empty stays empty."""
    if not token:
        return ""
    multi, _first = _fernets(field_keys())
    try:
        return multi.decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as exc:
        raise FieldKeyError() from exc


def is_token(value: str) -> bool:
    return value.startswith(FERNET_PREFIX)


def reseal(stored: str) -> tuple[str, str]:
    """For key rotation and the first encryption: ``(plain, token)`` where ``token`` is what the
    column should hold — the stored token itself when the first key already wrote it, else a new
    token under the first key. A stored value that is no token is plain text (a row from before
    encryption) and is encrypted."""
    if not stored:
        return "", ""
    multi, first = _fernets(field_keys())
    if not is_token(stored):
        return stored, multi.encrypt(stored.encode("utf-8")).decode("ascii")
    raw = stored.encode("ascii")
    try:
        return first.decrypt(raw).decode("utf-8"), stored
    except InvalidToken:
        pass
    try:
        plain = multi.decrypt(raw)
    except InvalidToken as exc:
        raise FieldKeyError() from exc
    return plain.decode("utf-8"), multi.encrypt(plain).decode("ascii")


# --- keyed hashes ---------------------------------------------------------------------------------


def normalize(kind: str, value: str) -> str:
    """The canonical form of a value before hashing: what two spellings of one number share."""
    text = _SPACES.sub("", str(value or ""))
    if kind == ID_NUMBER:
        return text.upper()
    digits = _NON_DIGITS.sub("", text)
    if len(digits) == 15 and digits.startswith("0086"):
        digits = digits[4:]
    elif len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if kind == PHONE_LAST4:
        return digits[-4:] if len(digits) >= 4 else ""
    if kind != PHONE:
        raise ValueError(f"unknown kind of personal data: {kind!r}")
    return digits


def _hmac(key: bytes, kind: str, normal: str) -> str:
    return hmac.digest(key, f"{kind}:{normal}".encode(), "sha256").hex()


def blind_index(kind: str, value: str) -> str:
    """The keyed hash that is stored beside the encrypted value (first hash key); "" for empty."""
    normal = normalize(kind, value)
    if not normal:
        return ""
    return _hmac(_hash_keys(hash_keys())[0], kind, normal)


def blind_index_candidates(kind: str, value: str) -> list[str]:
    """Every hash a stored row for ``value`` may carry (one per configured hash key, so lookups keep
    working while ``rotate_field_keys`` re-hashes). Empty when the value normalises to nothing."""
    normal = normalize(kind, value)
    if not normal:
        return []
    return [_hmac(key, kind, normal) for key in _hash_keys(hash_keys())]


def hash_matches(kind: str, value: str, stored_hash: str) -> bool:
    """Constant-time check of ``value`` against a stored hash (any configured hash key)."""
    if not stored_hash:
        return False
    return any(hmac.compare_digest(c, stored_hash) for c in blind_index_candidates(kind, value))
