"""One case search for every role, within the role's scope (``selectors.cases_for``).

A search narrows the user's visible cases by the list filters (status, category, region, unit, light,
channel, date range, supervised, keyword) and by what a caller on the phone gives: the case code, the
reporter's phone or its last four digits, the reporter's name, the address or the grid. ``find`` is
the one box of the list pages: a case code, a phone number (or its last four digits), a name or words
of the text, whichever it looks like.

Phones are compared by their keyed hashes (``core.pii``): a whole number with
``reporter_phone_hash``, four digits with ``reporter_phone_last4_hash``. Nothing is decrypted to
search, and the rows are read without the phone (deferred), so a page decrypts nothing.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from dangqun.cases.enums import CaseChannel
from dangqun.cases.models import Case
from dangqun.cases.search import search_q
from dangqun.cases.selectors import CaseFilters, _region_in_scope, cases_for
from dangqun.core import pii

MAX_TEXT = 100
PHONE_MIN_DIGITS = 7
LAST4 = 4
# ``<PREFIX>-<YYYYMMDD>-<NNNNNN>`` (cases.codes); the prefix is a setting, so any letters.
CODE_RE = re.compile(r"^[A-Za-z]{1,8}-\d{8}-\d{1,6}$")
_PHONE_CHARS = re.compile(r"^\+?[\d\s\-()]+$")

# Sort keys a list may ask for (``-`` first: descending); the default is the newest first.
SORTS: dict[str, tuple[str, ...]] = {
    "-submitted_at": ("-submitted_at", "-id"),
    "submitted_at": ("submitted_at", "id"),
    "resolve_due_at": ("resolve_due_at", "id"),
    "-resolve_due_at": ("-resolve_due_at", "-id"),
    "code": ("code",),
    "-code": ("-code",),
    "status": ("status", "-submitted_at", "-id"),
    "-status": ("-status", "-submitted_at", "-id"),
    "updated_at": ("updated_at", "id"),
    "-updated_at": ("-updated_at", "-id"),
}
DEFAULT_SORT = "-submitted_at"


@dataclass(frozen=True)
class CaseSearch(CaseFilters):
    """The list filters and the look-ups a caller's details allow."""

    find: str = ""  # one box: a code, a phone or its last four digits, a name or words of the text
    code: str = ""
    phone: str = ""  # a whole number, or its last four digits
    name: str = ""  # the reporter's name, exactly
    address: str = ""  # part of the address
    grid: str = ""  # a grid's region code
    sort: str = DEFAULT_SORT

    def filters(self) -> CaseFilters:
        """The part ``cases_for`` applies."""
        names = {f.name for f in dataclasses.fields(CaseFilters)}
        return CaseFilters(**{k: v for k, v in dataclasses.asdict(self).items() if k in names})

    def used(self) -> dict[str, str]:
        """The filters set (for the audit record of an export and the list's summary)."""
        return {
            k: str(v)
            for k, v in dataclasses.asdict(self).items()
            if v not in ("", (), None, False, DEFAULT_SORT)
        }


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def phone_q(phone: str, field: str = "phone") -> Q:
    """Cases whose reporter's phone is ``phone`` (seven digits or more) or ends in it (four digits),
    by the keyed hash: every configured hash key's candidate, so a key rotation keeps it working."""
    text = (phone or "").strip()
    digits = _digits(text)
    if not _PHONE_CHARS.match(text or "x") or not (len(digits) == LAST4 or len(digits) >= PHONE_MIN_DIGITS):
        raise ValidationError({field: _("电话应为完整号码或后四位数字:%(raw)s") % {"raw": text[:20]}})
    if len(digits) == LAST4:
        return Q(reporter_phone_last4_hash__in=pii.blind_index_candidates(pii.PHONE_LAST4, digits))
    return Q(reporter_phone_hash__in=pii.blind_index_candidates(pii.PHONE, digits))


def find_q(text: str) -> Q:
    """What the one search box means: a case code; a phone (whole, or its last four digits); else the
    reporter's name or words of the title and description (the full-text index)."""
    text = (text or "").strip()[:MAX_TEXT]
    if not text:
        return Q()
    if CODE_RE.match(text):
        return Q(code=text.upper())
    digits = _digits(text)
    if _PHONE_CHARS.match(text) and (len(digits) == LAST4 or len(digits) >= PHONE_MIN_DIGITS):
        # four digits may also be words of the text (a house number): both
        q = phone_q(text, "find")
        return q | search_q(text) if len(digits) == LAST4 else q
    return Q(reporter_name=text) | search_q(text)


def _sort(sort: str) -> tuple[str, ...]:
    key = (sort or DEFAULT_SORT).strip()
    if key not in SORTS:
        raise ValidationError(
            {"sort": _("未知排序:%(sort)s(可选 %(keys)s)") % {"sort": key[:30], "keys": ", ".join(SORTS)}}
        )
    return SORTS[key]


def search_cases(user: Any, search: CaseSearch | None = None) -> QuerySet[Case]:
    """The cases ``user`` may see that match ``search``, in its order; bad input is a
    ``ValidationError`` naming the field, a region or grid outside the scope a ``NotFoundError``."""
    s = search or CaseSearch()
    order = _sort(s.sort)
    if s.channel and s.channel not in CaseChannel.values:
        raise ValidationError({"channel": _("未知来源渠道:%(channel)s") % {"channel": s.channel[:30]}})
    if s.submitted_from and s.submitted_to and s.submitted_from > s.submitted_to:
        raise ValidationError({"submitted_to": _("结束日期不能早于开始日期")})
    qs = cases_for(user, s.filters())
    if s.find.strip():
        qs = qs.filter(find_q(s.find))
    if s.code.strip():
        qs = qs.filter(code=s.code.strip().upper())
    if s.phone.strip():
        qs = qs.filter(phone_q(s.phone))
    if s.name.strip():
        qs = qs.filter(reporter_name=s.name.strip())
    if s.address.strip():
        qs = qs.filter(address__icontains=s.address.strip()[:MAX_TEXT])
    if s.grid.strip():
        qs = qs.filter(grid=_region_in_scope(user, s.grid.strip()))
    # the list shows no phone: leave it encrypted (``from_db_value`` would decrypt every row)
    return qs.defer("reporter_phone").order_by(*order)
