"""Validators for registry data: resident ID numbers (GB 11643-1999) and phone numbers."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dangqun.core import clock

# GB 11643-1999: 17 digits (6 address code, 8 birth date, 3 sequence) and one check character.
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"

# Mainland mobile numbers, and landlines with an area code (0411-82345678, 010 12345678, extension).
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(?:-\d{1,6})?$")


def normalize_id_number(value: str) -> str:
    """Strip blanks and upper-case the check character (``x`` → ``X``)."""
    return re.sub(r"\s+", "", str(value)).upper()


def id_number_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of an ID number."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def validate_id_number(value: str) -> None:
    """Reject anything that is not an 18-character resident ID number with a valid birth date and
    check character. Raises ``ValidationError`` with a Chinese message naming the problem."""
    number = normalize_id_number(value)
    if not _ID_RE.match(number):
        raise ValidationError(
            _("身份证号“%(value)s”格式错误:应为18位,前17位为数字,末位为数字或X"),
            code="id_number_format",
            params={"value": value},
        )
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("身份证号“%(value)s”中的出生日期无效"), code="id_number_birth_date", params={"value": value}
        ) from None
    if birth > clock.local_today() or birth.year < 1890:
        raise ValidationError(
            _("身份证号“%(value)s”中的出生日期无效"), code="id_number_birth_date", params={"value": value}
        )
    if id_number_check_char(number[:17]) != number[17]:
        raise ValidationError(
            _("身份证号“%(value)s”校验位错误"), code="id_number_checksum", params={"value": value}
        )


def birth_date_from_id_number(value: str) -> dt.date:
    """The birth date encoded in a valid ID number (call ``validate_id_number`` first)."""
    number = normalize_id_number(value)
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def normalize_phone(value: str) -> str:
    """Drop blanks and a leading +86 / 0086 country code."""
    phone = re.sub(r"\s+", "", str(value))
    for prefix in ("+86", "0086"):
        if phone.startswith(prefix):
            phone = phone[len(prefix) :].lstrip("-")
    return phone


def validate_phone(value: str) -> None:
    """Accept a mainland mobile number (11 digits starting 13–19) or a landline with area code."""
    phone = normalize_phone(value)
    if not (_MOBILE_RE.match(phone) or _LANDLINE_RE.match(phone)):
        raise ValidationError(
            _("电话号码“%(value)s”格式错误:应为11位手机号或带区号的固定电话"),
            code="phone_format",
            params={"value": value},
        )
