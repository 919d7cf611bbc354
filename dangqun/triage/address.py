"""Address matching (where is it), free of Django: a typed address ("宗裕城D区3号楼", "阳光小区3栋",
"榆树底村2组19号") against the district's place names and building numbers.

Both sides are normalised the same way (full-width → half-width, Chinese numerals → digits, 栋/幢/座/#
→ 号楼, no spaces or punctuation). A place name is found in the address by a semi-global edit distance
(the name against its best-matching stretch of the address, transpositions counted once), so dropped,
swapped or wrong characters cost a little instead of everything; a place is also known by its name
without the generic ending (阳光小区 → 阳光), at a discount because such short names are ambiguous. Only
places sharing characters with the address are scored (an inverted index over characters), and the
address is cut to ``MAX_CHARS`` first: a pasted essay costs no more than a line.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

MAX_CHARS = 120  # characters of an address that are matched (the rest is ignored)
MIN_SIMILARITY = 0.6  # a place whose name matches worse than this is no candidate
ALIAS_DISCOUNT = 0.85  # a place found by its short name only (阳光 for 阳光小区)
GENERIC_ENDINGS = (
    "花园小区", "小区", "家园", "嘉园", "华庭", "雅苑", "名苑", "公馆", "丽都", "佳苑", "花园", "新城",
    "新村", "社区", "街道", "村", "镇", "湾", "里",
)  # fmt: skip

_NUMERALS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十]+")
_BUILDING_WORD = re.compile(r"(\d+)\s*(?:号楼|号栋|栋楼|栋|幢|座|#|号(?!院|室)|楼(?!道|梯|下|上|顶))")
_VILLAGE_HOUSE = re.compile(r"(\d+)组(\d+)号")
_DROP = re.compile(r"[\s,,.。、;;:：!!??()()\[\]【】\"'“”‘’/\\\-—_~·]+")


def cn_to_int(text: str) -> str:
    """一 → 1, 十二 → 12, 二十一 → 21, 三〇二 → 302 (numbers written in Chinese, below 1000)."""
    if "十" not in text:
        return "".join(str(_NUMERALS[c]) for c in text if c in _NUMERALS)
    tens, _, ones = text.partition("十")
    value = (_NUMERALS.get(tens[-1], 1) if tens else 1) * 10 + (_NUMERALS.get(ones[0], 0) if ones else 0)
    return str(value)


def normalize(text: str) -> str:
    """The form both addresses and place names are compared in."""
    text = unicodedata.normalize("NFKC", text or "")[: MAX_CHARS * 2].lower()
    text = _DROP.sub("", text)
    text = _CN_NUMBER.sub(lambda m: cn_to_int(m.group(0)) or m.group(0), text)
    text = _BUILDING_WORD.sub(lambda m: f"{m.group(1)}号楼", text)
    return text[:MAX_CHARS]


def short_name(name: str) -> str:
    """The name without its generic ending, or "" when what is left is too short to mean anything."""
    for ending in GENERIC_ENDINGS:
        if name.endswith(ending) and len(name) - len(ending) >= 2:
            return name[: -len(ending)]
    return ""


def local_similarity(name: str, text: str) -> tuple[float, int]:
    """(1 - edit distance / len(name), end position in ``text``) of ``name`` against the stretch of
    ``text`` it matches best (semi-global alignment: free start and end in ``text``)."""
    n, m = len(name), len(text)
    if n == 0 or m == 0:
        return 0.0, 0
    prev2: list[int] = []
    prev = [0] * (m + 1)  # row 0: the name may start anywhere in the text
    for i in range(1, n + 1):
        cur = [i] + [0] * m
        a = name[i - 1]
        for j in range(1, m + 1):
            b = text[j - 1]
            best = prev[j - 1] + (a != b)
            best = min(best, prev[j] + 1)
            best = min(best, cur[j - 1] + 1)
            if i > 1 and j > 1 and a == text[j - 2] and name[i - 2] == b and prev2[j - 2] + 1 < best:
                best = prev2[j - 2] + 1
            cur[j] = best
        prev2, prev = prev, cur
    end = min(range(1, m + 1), key=lambda j: (prev[j], -j))
    return max(0.0, 1.0 - prev[end] / n), end


@dataclass(frozen=True)
class Place:
    """A named region an address can name: street, community/village or compound."""

    region_id: int
    name: str
    level: int
    path: str
    parent_ids: tuple[int, ...] = ()  # the region ids above it (for the "named together" bonus)


@dataclass(frozen=True)
class Hit:
    place: Place
    similarity: float
    end: int  # where the name ends in the normalised address


@dataclass
class PlaceIndex:
    """Places by id, with an inverted index from characters to the forms (name or short name) using them."""

    places: dict[int, Place] = field(default_factory=dict)
    forms: list[tuple[str, int, float]] = field(default_factory=list)  # (normalised form, place id, weight)
    by_char: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    def add(self, place: Place) -> None:
        self.places[place.region_id] = place
        name = normalize(place.name)
        variants = [(name, 1.0)]
        if alias := short_name(name):
            variants.append((alias, ALIAS_DISCOUNT))
        for form, weight in variants:
            index = len(self.forms)
            self.forms.append((form, place.region_id, weight))
            for char in set(form):
                self.by_char[char].add(index)

    def hits(self, text: str) -> list[Hit]:
        """Every place named in ``text`` (normalised) at least ``MIN_SIMILARITY``, best per place."""
        if not text:
            return []
        chars = set(text)
        shared: dict[int, int] = defaultdict(int)
        for char in chars:
            for index in self.by_char.get(char, ()):
                shared[index] += 1
        best: dict[int, Hit] = {}
        for index, count in shared.items():
            form, place_id, weight = self.forms[index]
            if count < len(set(form)) * MIN_SIMILARITY:
                continue
            similarity, end = local_similarity(form, text)
            similarity *= weight
            if similarity >= MIN_SIMILARITY and (
                place_id not in best or similarity > best[place_id].similarity
            ):
                best[place_id] = Hit(self.places[place_id], similarity, end)
        return sorted(best.values(), key=lambda h: (-h.similarity, -h.place.level, h.place.path))


def building_key(text: str) -> str:
    """The building or house number named in a normalised address: "3" (3号楼) or "2-19" (2组19号)."""
    if match := _VILLAGE_HOUSE.search(text):
        return f"{int(match.group(1))}-{int(match.group(2))}"
    if match := re.search(r"(\d+)号楼", text):
        return str(int(match.group(1)))
    return ""
