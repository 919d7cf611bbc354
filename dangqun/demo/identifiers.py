"""Numbers that look and check like real ones: resident ID numbers (GB 11643), unified social
credit codes (GB 32100), mobile and landline numbers. All draw from the caller's ``random.Random``."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable

from dangqun.registry.validators import id_number_check_char

# Other Liaoning county-level codes, for the floating population: 沈阳和平, 大连中山, 鞍山铁东,
# 抚顺新抚, 本溪平山, 丹东振安, 宽甸, 东港, 凤城, 锦州古塔, 营口站前, 阜新海州, 辽阳白塔, 盘锦兴隆台,
# 铁岭银州, 朝阳双塔, 葫芦岛连山.
LIAONING_AREA_CODES: tuple[str, ...] = (
    "210102", "210202", "210302", "210402", "210502", "210604", "210624", "210681",
    "210682", "210702", "210802", "210902", "211002", "211103", "211202", "211302", "211402",
)  # fmt: skip

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
    "156", "157", "158", "159", "166", "177", "178", "180", "182", "185", "186", "187", "188", "189", "199",
)  # fmt: skip


class IdNumberAllocator:
    """Hands out ID numbers that are unique within one seed run.

    The sequence digits are odd for men and even for women (GB 11643 §5.3); collisions on the same
    area code and birth date are resolved by drawing again, so the result depends only on the
    order of calls and the random stream.
    """

    def __init__(self) -> None:
        self._used: set[str] = set()

    def reserve(self, numbers: Iterable[str]) -> None:
        """Mark numbers already in use (their first 17 characters)."""
        self._used.update(n[:17] for n in numbers)

    def allocate(self, rng: random.Random, *, area_code: str, birth_date: dt.date, gender: str) -> str:
        parity = 1 if gender == "M" else 0
        while True:
            sequence = rng.randrange(0, 500) * 2 + parity
            first17 = f"{area_code}{birth_date:%Y%m%d}{sequence:03d}"
            if first17 not in self._used:
                self._used.add(first17)
                return first17 + id_number_check_char(first17)


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_CHARS.index(ch) * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def _org_code(rng: random.Random) -> str:
    body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    total = sum(_USCC_CHARS.index(ch) * w for ch, w in zip(body, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def credit_code(rng: random.Random, *, area_code: str, registrar: str = "9", kind: str = "1") -> str:
    """A unified social credit code: registrar (9 工商, 1 机构编制, 5 民政), kind, area, org code, check."""
    first17 = f"{registrar}{kind}{area_code}{_org_code(rng)}"
    return first17 + uscc_check_char(first17)


def mobile(rng: random.Random) -> str:
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def landline(rng: random.Random) -> str:
    """A Dandong (0415) office number."""
    return f"0415-{rng.choice('2368')}{rng.randrange(10**6):06d}"
