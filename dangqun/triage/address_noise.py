"""Noisy addresses made from the registry, the way citizens and operators type them, with the grid each
one truly belongs to: the address benchmark (bench/triage_address.py) and its test use the same maker.

Kinds of noise: the full official address; the compound and building only; 栋/幢/#/号 for 号楼 and
Chinese numerals; a dropped, swapped or wrong character in the place name; the place name without its
generic ending (阳光 for 阳光小区); words around it (我家在…门口, 2单元301室) and stray spaces.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from dangqun.regions.models import RegionLevel
from dangqun.registry.models import Building
from dangqun.triage.address import cn_to_int, short_name

NOISE_KINDS = ("full", "plain", "abbrev", "drop", "swap", "typo", "short", "chatter")
_TYPO_CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
    "同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自"
    "二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日"
    "那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变"
    "条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指"
    "几九区强放决西被干做必战先回则任取据处府"
)
_NUMERALS = "零一二三四五六七八九十"


@dataclass(frozen=True)
class NoisyAddress:
    text: str
    kind: str
    grid_id: int
    building: str


def _cn(number: int) -> str:
    if number < 11:
        return _NUMERALS[number]
    if number < 20:
        return "十" + _NUMERALS[number - 10]
    if number < 100:
        return _NUMERALS[number // 10] + "十" + (_NUMERALS[number % 10] if number % 10 else "")
    return str(number)


def _mangle(name: str, kind: str, rng: random.Random) -> str:
    if len(name) < 3:
        return name
    i = rng.randrange(len(name) - 1)
    if kind == "drop":
        return name[:i] + name[i + 1 :]
    if kind == "swap":
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if kind == "typo":
        return name[:i] + rng.choice(_TYPO_CHARS) + name[i + 1 :]
    return name


def _building_words(building: str, rng: random.Random) -> str:
    """3号楼 → 3栋 / 3# / 三号楼 / 3幢 …; 二组19号 keeps its form with arabic or Chinese numbers."""
    match = re.fullmatch(r"(\d+)号楼", building)
    if match is None:
        if rng.random() < 0.5:
            return building
        return re.sub(r"[一二三四五六七八九十]+(?=组)", lambda m: cn_to_int(m.group(0)), building)
    number = int(match.group(1))
    return rng.choice(
        [f"{number}号楼", f"{number}栋", f"{number}#", f"{number}幢", f"{_cn(number)}号楼", f"{number}号"]
    )


def make(n: int, seed: int = 7) -> list[NoisyAddress]:
    """``n`` noisy addresses of random buildings (reproducible for a seed and a registry)."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    rows = list(
        Building.objects.order_by("code").values_list(
            "name", "grid_id", "grid__parent__name", "grid__parent__level", "grid__parent__address"
        )
    )
    if not rows:
        return []
    out = []
    for _ in range(n):
        name, grid_id, parent_name, parent_level, parent_address = rng.choice(rows)
        kind = rng.choice(NOISE_KINDS)
        village = parent_level == RegionLevel.COMMUNITY
        house = name[len(parent_name) :] if village and name.startswith(parent_name) else name
        place = parent_name
        words = _building_words(house, rng)
        if kind == "full":
            text = f"{parent_address}{house}"
        elif kind in ("drop", "swap", "typo"):
            text = _mangle(place, kind, rng) + words
        elif kind == "short":
            text = (short_name(place) or place) + words
        elif kind == "chatter":
            text = rng.choice(["我家在", "", "地址:", "位置 "]) + place + " " + words
            text += rng.choice(["门口", "2单元301室", "楼下", "旁边的路上", ""])
        else:  # plain / abbrev
            text = place + (words if kind == "abbrev" else house)
        out.append(NoisyAddress(text, kind, grid_id, name))
    return out
