"""Hotspot mining (热点, 未诉先办), free of Django: cluster messages by problem, place and time, and
rank the clusters by a heat index.

A hotspot is one specific place or group of people, in one period, with one problem. The method:

1. **Places** (``places``): mentions of a specific place or group in the title and the head of the text —
   regular patterns (XX小区, XX路, XX学校, XX村 …), jieba's place/organisation tags (ns, nt, nz) on the
   title, and any names the caller knows (the registry's compounds and grids when run on our own
   cases). The board's masked city/district names (A市, A3区) are too coarse and are dropped.
2. **Similarity**: TF-IDF over Chinese character 2–3-grams of the title (twice) and the text head;
   cosine similarity, computed in row blocks so memory stays bounded.
3. **Linking**: two messages are linked when they are at most ``Params.max_gap_days`` apart and their
   score reaches ``link`` (0.5): the cosine, plus ``place_bonus`` (0.35) when they name the same
   specific place, minus ``place_penalty`` (0.3) when both titles name places and none agrees (the same
   problem at two compounds is two hotspots), unchanged when one names no place; the cosine itself at
   least ``min_cosine_with_place``. Incidents with no place (an online-lending fraud, a product) are
   linked through a coined name both titles share (digits or Latin letters and two Chinese characters:
   58车贷) from a cosine of ``min_cosine_with_name`` up. Clusters are the connected components; a
   component that still spans more than ``max_span_days`` is split at its largest time gaps.
3b. **Subjects** (``subjects``): a policy for a group of people (人才购房补贴, 退休教师补贴, 出租车燃油补贴)
   names no place, and residents ask about it for a year, a few a month. The title's words are cut
   (rjieba); each policy word (补贴, 补助, 新政, 待遇, 资格 …) with a content word at most three words
   before it makes a subject key (人才·补贴, 购房·补贴). Two messages sharing a key are linked within
   ``subject_gap_days`` when their titles' cosine reaches ``min_cosine_with_subject`` and they are not
   at two different named places; a component holding such a link may span ``subject_span_days``.
   The hotspot's name is then the commonest subject phrase (人才购房补贴).
4. **Heat** (``heat``), stated again in docs/benchmarks.md (Hotspots)::

       heat = (3·ln(1+R) + 1·ln(1+N) + 2·ln(1+L) + 0.5·ln(1+D))
              × (0.5 + 0.5·2^(−age/30))  × (0.75 + 0.25/(1 + span/30))

   R distinct reporters, N messages, L likes (support), D dislikes, age = days from the cluster's last
   message to the reference time (the newest message, or now), span = days from first to last message.
   Reporters weigh most (one person posting ten times is one voice); recency halves its share every 30
   days; a burst counts more than the same number spread over a year.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import numpy as np

_SPACE = re.compile(r"\s+")
_MASKED = re.compile(r"[A-Z]\d*[市区县]")
_CJK = "\u4e00-\u9fff"
# A specific place: a short Chinese name ending in a place word. Long alternatives first.
_PLACE_SUFFIX = (
    "小区|社区|花园|家园|公寓|大厦|广场|商城|市场|学校|中学|小学|幼儿园|大学|学院|医院|卫生院|"
    "公司|工厂|厂|村|组|镇|乡|街道|大道|路|街|巷|桥|公园|新城|新村|苑|府|湾|城|园|站|楼盘|项目"
)
# A road or village followed closely by a school, compound … names that one ("青松路小学").
_INNER_SUFFIX = "小区|社区|花园|公寓|大厦|市场|学校|中学|小学|幼儿园|医院|卫生院"
_PLACE = re.compile(
    rf"([{_CJK}A-Za-z0-9]{{2,10}}?(?:{_PLACE_SUFFIX})(?:[{_CJK}0-9]{{0,3}}?(?:{_INNER_SUFFIX}))?)"
)
# Groups of people (人群): the contest counts them as hotspots too.
_CROWD = re.compile(
    rf"([{_CJK}]{{0,4}}(?:老师|教师|学生|家长|业主|村民|居民|员工|职工|工人|司机|商户|退役军人|"
    rf"老人|农民工|考生|患者|租户))"
)
# A named incident or platform ("58车贷案", "XX平台"): residents of many places, one problem.
_INCIDENT = re.compile(rf"([0-9A-Za-z]{{1,6}}[{_CJK}]{{1,4}})(?=案|事件|平台)")
# Incidents and online matters name no place: a fraud platform, a product, a bus line. What they do
# have is a coined name led by digits or Latin letters, with a digit ("58车贷", "P2P平台"): two Chinese
# characters after them, unless those start a unit or a date (2019年, 3号楼, 110千伏, 5元, 110kv高压).
# The masked names are removed first. ``_NOT_A_NAME`` lists the coined names every board has (12345热线).
_CODED = re.compile(
    rf"(?<![0-9A-Za-z])([0-9A-Za-z]{{1,6}}(?<![0-9][kKmMgGwWvVtTlLhH])(?<![0-9][kKmMcC][mMvVwWgG])"
    rf"(?![年月日号元万千百个栋楼层户单次条米吨岁天期届名人分点时])[{_CJK}]{{2}})"
)
_DIGIT = re.compile(r"[0-9]")  # KTV噪音, T字路: Latin letters alone coin too many words
_NOT_A_NAME = frozenset({"12345热线", "12345市", "110报警", "120急救", "4S店"})
# Words the place pattern mistakes for roads or parks (…路/…园): "老板跑路" is not a road.
_NOT_A_PLACE_END = ("跑路", "套路", "思路", "出路", "走路", "后路", "退路", "门路", "活路")
_LEADING_NOISE = re.compile(
    r"^(?:关于|再次|反映|投诉|举报|咨询|请问|建议|请求|希望|要求|处理|解决|整治|市|区|县|在|的|和|与|对|及)+"
)
# A name that starts at a house or building number is the tail of an address, not a place: in
# "锦华嘉园7号楼附近道路塌陷" the pattern finds 锦华嘉园 and then 7号楼附近道路, which every "N号楼附近道路"
# at any compound would share.
_NUMBERED = re.compile(r"^[0-9]+(?:号|栋|幢|单元|楼)")
_GENERIC_WORDS = (
    "小区 社区 学校 医院 公司 市场 村 镇 乡 街道 路 街 城 园 组 站 项目 楼盘 我们小区 本小区 该小区 "
    "我村 本村 我们村 政府 市政府 区政府 县政府 的小区 老旧小区 新城 马路 道路 公路 高速公路 "
    "居民 业主 村民 学生 家长 老师 员工 职工 工人 司机 商户 老人 患者 租户 考生 教师 农民工 "
    "一个小区 这个小区 整个小区 广大业主 全体业主 广大市民 周边居民"
)
_GENERIC = frozenset(_GENERIC_WORDS.split())
_TRIM = " ,,。::"
_PLACE_TAIL_STOP = re.compile("[附旁周边内外对的门前后有被遭建严]")
_lock = threading.Lock()


@dataclass(frozen=True)
class Message:
    id: str
    title: str
    text: str
    time: datetime
    user: str = ""
    likes: int = 0
    dislikes: int = 0
    known_places: tuple[str, ...] = ()  # names the caller already knows (registry compound, grid …)


@dataclass(frozen=True)
class Params:
    link: float = 0.50  # cosine needed to link two messages
    place_bonus: float = 0.35  # added when both name the same specific place
    min_cosine_with_place: float = 0.15  # a shared place alone never links unrelated problems
    place_penalty: float = 0.30  # subtracted when both name places and none agrees
    # Two titles naming one coined name (58车贷) are linked from this cosine up: messages about an
    # incident with no place share little wording beyond the name (measured 0.06-0.3 on the 58车贷 case).
    min_cosine_with_name: float = 0.05
    max_gap_days: float = 60.0  # two linked messages at most this far apart
    max_span_days: float = 180.0  # a cluster longer than this is split at its largest gaps
    # Subjects (a policy, a group of people): asked about for months, a few messages a month.
    min_cosine_with_subject: float = 0.0
    subject_gap_days: float = 120.0
    subject_span_days: float = 400.0
    min_size: int = 2  # a hotspot has at least this many messages
    text_chars: int = 120  # head of the text used for similarity and places
    half_life_days: float = 30.0
    block: int = 512  # rows per similarity block (memory bound: block × n floats)


@dataclass
class Hotspot:
    rank: int
    heat: float
    members: list[Message]
    place: str
    summary: str
    start: datetime
    end: datetime
    factors: dict[str, float] = field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        return [m.id for m in self.members]

    def as_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "heat": round(self.heat, 2),
            "ids": self.ids,
            "place": self.place,
            "time_range": [f"{self.start:%Y-%m-%d %H:%M:%S}", f"{self.end:%Y-%m-%d %H:%M:%S}"],
            "summary": self.summary,
        }


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text or "").strip()


def _head(message: Message, chars: int) -> str:
    return f"{normalise(message.title)} {normalise(message.text)[:chars]}"


def _jieba_places(title: str) -> list[str]:
    import jieba
    import jieba.posseg as pseg

    with _lock:
        jieba.setLogLevel(40)
        return [w for w, flag in pseg.lcut(title, HMM=False) if flag in ("ns", "nt", "nz") and len(w) >= 2]


def _tidy(name: str) -> str:
    name = _LEADING_NOISE.sub("", _MASKED.sub("", name)).strip()
    return "" if _NUMBERED.match(name) else name


def places(message: Message, chars: int = 200, *, use_jieba: bool = True) -> list[str]:
    """Specific places and groups the message names, most specific (longest) first; masked district
    names and generic words dropped."""
    title = _MASKED.sub(" ", normalise(message.title))
    found: list[str] = list(message.known_places)
    for pattern in (_PLACE, _CROWD, _INCIDENT, _CODED):
        found.extend(_tidy(m) for m in pattern.findall(title))
    if use_jieba:
        found.extend(_tidy(w) for w in _jieba_places(title))
    if chars > 0 and not [name for name in found if len(name) >= 2 and name not in _GENERIC]:
        # Nothing specific in the title: look in the head of the text, shorter names only.
        head = _MASKED.sub(" ", normalise(message.text)[:chars])
        found.extend(n for n in (_tidy(m) for m in _PLACE.findall(head)) if len(n) <= 8)
    seen: dict[str, None] = {}
    for name in found:
        if (
            len(name) >= 2
            and name not in _GENERIC
            and name not in _NOT_A_NAME
            and not name.isdigit()
            and not name.endswith(_NOT_A_PLACE_END)
        ):
            seen.setdefault(name, None)
    return sorted(seen, key=len, reverse=True)


# Policy words: what a subject hotspot is about; each maps to its family (新政 and 补助 are 补贴 questions).
_POLICY_WORDS = {
    "补贴": "补贴",
    "补助": "补贴",
    "津贴": "补贴",
    "新政": "补贴",
    "奖励": "补贴",
    "奖金": "补贴",
    "燃油补贴": "补贴",
    "待遇": "待遇",
    "资格": "资格",
    "指标": "资格",
}
# Words before a policy word that say nothing of whose policy it is.
_SUBJECT_STOP_WORDS = (
    "咨询 关于 反映 请问 希望 要求 建议 请求 申请 申报 发放 落实 解决 出台 办理 领取 享受 审核 认定 "
    "问题 事宜 相关 有关 政策 各项 多少 什么 为何 为什么 怎么 何时 能否 是否 还 没 不 的 了 和 与 及 后 "
    "屡次 最近 一直 已经 如何 哪些 能 会 可以 我 我们 市 区 县 政府 市政府 区政府 县政府 部门 年度 年"
)
_SUBJECT_STOP = frozenset(_SUBJECT_STOP_WORDS.split())


def subjects(title: str) -> dict[tuple[str, str], str]:
    """The subject keys of a title — (a content word, the policy word's family) for each policy word and
    each content word at most three words before it — each with its phrase (the words from that content
    word to the policy word: 人才购房补贴)."""
    import rjieba

    masked = _MASKED.sub(" ", normalise(title))
    words = [w for w in rjieba.cut(masked) if w.strip() and not w.isascii()]
    found: dict[tuple[str, str], str] = {}
    for k, word in enumerate(words):
        family = _POLICY_WORDS.get(word)
        if family is None:
            continue
        for j in range(max(0, k - 3), k):
            head = words[j]
            if len(head) < 2 or head in _SUBJECT_STOP or head in _GENERIC or head in _POLICY_WORDS:
                continue
            phrase = "".join(w for w in words[j : k + 1] if w not in _SUBJECT_STOP)
            found.setdefault((head, family), phrase)
    return found


def _link_shared(
    holders: dict[Any, list[int]],
    *,
    matrix: Any,
    stamps: np.ndarray,
    union: _Union,
    gap_days: float,
    min_cosine: float,
    elsewhere: Any,
) -> set[int]:
    """Link the messages that hold one thing (a coined name, a subject key) at most ``gap_days`` apart
    from a cosine of ``min_cosine`` up, unless ``elsewhere(i, c)``: both titles name places and none
    agrees (K9歌厅 or 加装电梯补贴 at two compounds). Returns the messages so linked."""
    linked: set[int] = set()
    for members in holders.values():
        if len(members) < 2:
            continue
        sims = (matrix[members] @ matrix[members].T).toarray()
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                i, c = members[a], members[b]
                close = abs(stamps[i] - stamps[c]) <= gap_days
                if close and sims[a, b] >= min_cosine and not elsewhere(i, c):
                    union.join(i, c)
                    linked.update((i, c))
    return linked


def _holders(found: Iterable[Iterable[Any]]) -> dict[Any, list[int]]:
    holders: dict[Any, list[int]] = {}
    for i, things in enumerate(found):
        for thing in things:
            holders.setdefault(thing, []).append(i)
    return holders


def _vectors(messages: Sequence[Message], chars: int) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = [_MASKED.sub(" ", f"{normalise(m.title)} {_head(m, chars)}") for m in messages]
    vectorizer = TfidfVectorizer(
        analyzer="char", ngram_range=(2, 3), sublinear_tf=True, min_df=1, dtype=np.float32
    )
    return vectorizer.fit_transform(docs)


class _Union:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


_SUFFIX_TAIL = re.compile(rf"(?:{_PLACE_SUFFIX}|{_INNER_SUFFIX}|二期|一期|三期)+$")


def _core_grams(names: set[str]) -> set[str]:
    """Character 3-grams of the names without their place word ("绿地海外滩小区" → 绿地海, 地海外, 海外滩)."""
    grams: set[str] = set()
    for name in names:
        core = _SUFFIX_TAIL.sub("", name)
        grams.update(core[k : k + 3] for k in range(len(core) - 2))
    return grams


def _shares_place(a: set[str], b: set[str]) -> bool:
    """Both name one place: a name in common, one name ending in the other (the pattern took the verb
    before it), or names sharing three characters in a row once their place words are cut
    ("绿地海外滩小区" and "高铁对绿地海外滩二期小区")."""
    if a & b or any(x.endswith(y) or y.endswith(x) for x in a for y in b):  # 请尽快维修青松苑 / 青松苑
        return True
    return bool(_core_grams(a) & _core_grams(b))


def _split_long(indices: list[int], messages: Sequence[Message], max_span_days: float) -> list[list[int]]:
    ordered = sorted(indices, key=lambda i: messages[i].time)
    span = (messages[ordered[-1]].time - messages[ordered[0]].time).total_seconds() / 86400
    if span <= max_span_days or len(ordered) < 2:
        return [ordered]
    gaps = [
        ((messages[ordered[k + 1]].time - messages[ordered[k]].time).total_seconds(), k)
        for k in range(len(ordered) - 1)
    ]
    _, cut = max(gaps)
    return _split_long(ordered[: cut + 1], messages, max_span_days) + _split_long(
        ordered[cut + 1 :], messages, max_span_days
    )


def coined_names(title: str) -> set[str]:
    """The coined names (``_CODED``: 58车贷, P2P平台) in a title, the board's masked names removed."""
    masked = _MASKED.sub(" ", normalise(title))
    return {name for name in _CODED.findall(masked) if name not in _NOT_A_NAME and _DIGIT.search(name)}


def cluster(
    messages: Sequence[Message], params: Params | None = None, *, use_jieba: bool = True
) -> tuple[list[list[int]], list[list[str]]]:
    """Clusters (lists of indices into ``messages``, at least ``min_size`` each) and every message's
    places."""
    params = params or Params()
    n = len(messages)
    found = [places(m, params.text_chars, use_jieba=use_jieba) for m in messages]
    if n < params.min_size:
        return [], found
    # Two-character names ("临街", "东路") are too often fragments to say two places agree or differ.
    # Coined names (58车贷) are not places: they link through ``_link_shared`` only, so that
    # one at two named compounds (K9歌厅 at 幸福里小区 and at 青松苑) stays two problems.
    coined = [coined_names(m.title) for m in messages]
    place_sets = [{name for name in p if len(name) >= 3} - c for p, c in zip(found, coined, strict=True)]
    # Places named in the title itself (the text's places are weaker evidence of disagreement). The
    # caller's known places (the registry's compound of a case) do not count as named: when both titles
    # name places, the places the messages name decide, so two problems at two compounds of one grid
    # stay two; the known places count only when a title names none.
    plain = [replace(m, known_places=()) if m.known_places else m for m in messages]
    named = place_sets
    if any(m.known_places for m in messages):
        own = [places(m, params.text_chars, use_jieba=use_jieba) for m in plain]
        named = [{name for name in p if len(name) >= 3} - c for p, c in zip(own, coined, strict=True)]
    titled = [
        bool(p) and any(len(name) >= 3 and name not in c for name in places(m, 0, use_jieba=False))
        for m, p, c in zip(plain, named, coined, strict=True)
    ]

    def agree(i: int, c: int) -> bool:
        a, b = (named[i], named[c]) if titled[i] and titled[c] else (place_sets[i], place_sets[c])
        return bool(a and b and _shares_place(a, b))

    matrix = _vectors(messages, params.text_chars)
    stamps = np.array([m.time.timestamp() for m in messages]) / 86400.0
    union = _Union(n)
    low = min(params.link - params.place_bonus, params.link)
    low = max(low, params.min_cosine_with_place)
    for start in range(0, n, params.block):
        stop = min(n, start + params.block)
        sims = (matrix[start:stop] @ matrix.T).toarray()
        rows, cols = np.nonzero(sims >= low)
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            i = start + r
            if c <= i or abs(stamps[i] - stamps[c]) > params.max_gap_days:
                continue
            sim = float(sims[r, c])
            if agree(i, c):
                sim += params.place_bonus
            elif titled[i] and titled[c]:
                sim -= params.place_penalty  # both titles name a place, not the same one
            if sim >= params.link:
                union.join(i, c)

    def elsewhere(i: int, c: int) -> bool:
        return titled[i] and titled[c] and not agree(i, c)

    shared = {"matrix": matrix, "stamps": stamps, "union": union, "elsewhere": elsewhere}
    # Coined names (58车贷): within the ordinary gap, from a low cosine.
    _link_shared(
        _holders(coined), gap_days=params.max_gap_days, min_cosine=params.min_cosine_with_name, **shared
    )
    # Subjects (人才·补贴): within the longer subject gap; their components may span longer.
    by_subject = _link_shared(
        _holders(subjects(m.title) for m in messages),
        gap_days=params.subject_gap_days,
        min_cosine=params.min_cosine_with_subject,
        **shared,
    )
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(union.find(i), []).append(i)
    clusters: list[list[int]] = []
    for members in groups.values():
        if len(members) < params.min_size:
            continue
        subject = any(i in by_subject for i in members)
        span = params.subject_span_days if subject else params.max_span_days
        clusters.extend(g for g in _split_long(members, messages, span) if len(g) >= params.min_size)
    return clusters, found


def heat(
    members: Sequence[Message], reference: datetime, half_life_days: float = 30.0
) -> tuple[float, dict[str, float]]:
    """The heat index of a cluster (formula in the module docstring) and its factors."""
    reporters = len({m.user or f"#{m.id}" for m in members})
    likes = sum(max(0, m.likes) for m in members)
    dislikes = sum(max(0, m.dislikes) for m in members)
    first = min(m.time for m in members)
    last = max(m.time for m in members)
    age = max(0.0, (reference - last).total_seconds() / 86400)
    span = (last - first).total_seconds() / 86400
    volume = (
        3 * math.log1p(reporters)
        + math.log1p(len(members))
        + 2 * math.log1p(likes)
        + 0.5 * math.log1p(dislikes)
    )
    recency = 0.5 + 0.5 * 2 ** (-age / half_life_days)
    burst = 0.75 + 0.25 / (1 + span / 30)
    factors = {
        "reporters": reporters,
        "messages": len(members),
        "likes": likes,
        "dislikes": dislikes,
        "age_days": round(age, 1),
        "span_days": round(span, 1),
    }
    return volume * recency * burst, factors


def _common_place(indices: Iterable[int], found: Sequence[list[str]]) -> str:
    counts: Counter[str] = Counter()
    for i in indices:
        counts.update(set(found[i]))
    if not counts:
        return ""
    top = counts.most_common()
    best_count = top[0][1]
    # Among the names most members share, the most specific (longest).
    return max((name for name, c in top if c * 2 >= best_count), key=lambda n: (len(n) <= 12, len(n)))


def _extend(place: str, titles: list[str], limit: int = 12) -> str:
    """Grow a place name cut short by the pattern ("际空间站" → "绿地城际空间站") while most member titles
    that contain it agree on the next character to the left or right."""
    cjk = re.compile(f"[{_CJK}A-Za-z0-9]")
    for step in (-1, 1):
        while place and len(place) < limit and not (step > 0 and _SUFFIX_TAIL.search(place)):
            seen: Counter[str] = Counter()
            holders = [t for t in titles if place in t]
            for title in holders:
                k = title.index(place)
                j = k - 1 if step < 0 else k + len(place)
                if 0 <= j < len(title) and cjk.match(title[j]):
                    seen[title[j]] += 1
            if not seen:
                break
            char, count = seen.most_common(1)[0]
            if count < 2 or count * 5 < len(holders) * 3:
                break
            candidate = char + place if step < 0 else place + char
            if _LEADING_NOISE.match(candidate) or (step > 0 and _PLACE_TAIL_STOP.match(char)):
                break
            place = candidate
    return place


def _subject_label(members: Sequence[Message]) -> str:
    """A subject hotspot's name: the subject key most members share (人才·补贴), said by its commonest
    phrase, the longest of equals (人才购房补贴); "" when no key is shared by half the members."""
    keys = [subjects(m.title) for m in members]
    counts = Counter(key for found in keys for key in found)
    if not counts:
        return ""
    key, count = max(counts.items(), key=lambda kv: (kv[1], len(kv[0][0])))
    if count * 2 < len(members):
        return ""
    phrases = Counter(found[key] for found in keys if key in found)
    # "人才购房补贴" says more than "人才新政": phrases ending in the family's own word first
    return max(phrases.items(), key=lambda kv: (kv[0].endswith(key[1]), kv[1], len(kv[0])))[0]


def _representative(indices: list[int], messages: Sequence[Message], place: str) -> str:
    """The title that shares the most character bigrams with the others (the cluster's centre)."""
    grams = [
        {t[k : k + 2] for t in [normalise(messages[i].title)] for k in range(len(t) - 1)} for i in indices
    ]
    totals = Counter[str]()
    for g in grams:
        totals.update(g)
    scores = [sum(totals[x] - 1 for x in g) / (len(g) or 1) for g in grams]
    best = indices[max(range(len(indices)), key=lambda k: (scores[k], -len(messages[indices[k]].title)))]
    title = _MASKED.sub("", normalise(messages[best].title)).strip(_TRIM)
    if place and place not in title:
        title = f"{place}:{title}"
    return title[:120]


def find_hotspots(
    messages: Sequence[Message],
    *,
    top: int = 5,
    reference: datetime | None = None,
    params: Params | None = None,
    use_jieba: bool = True,
) -> list[Hotspot]:
    """The ``top`` hottest clusters, rank 1 first. ``reference`` defaults to the newest message."""
    params = params or Params()
    if not messages:
        return []
    reference = reference or max(m.time for m in messages)
    clusters, found = cluster(messages, params, use_jieba=use_jieba)
    scored: list[Hotspot] = []
    for indices in clusters:
        members = sorted((messages[i] for i in indices), key=lambda m: (m.time, m.id))
        value, factors = heat(members, reference, params.half_life_days)
        place = _common_place(indices, found)
        subject = ""
        if not place or sum(place in found[i] for i in indices) * 2 < len(indices):
            subject = _subject_label(members)  # no place most members name: a subject hotspot
        if subject:
            place = subject
        elif place:
            titles = [_MASKED.sub(" ", normalise(messages[i].title)) for i in indices]
            place = _extend(place, titles)
        scored.append(
            Hotspot(
                rank=0,
                heat=value,
                members=members,
                place=place,
                summary=_representative(indices, messages, place),
                start=members[0].time,
                end=members[-1].time,
                factors=factors,
            )
        )
    scored.sort(key=lambda h: (-h.heat, h.start, h.members[0].id))
    result = scored[: max(0, top)]
    for rank, hotspot in enumerate(result, start=1):
        hotspot.rank = rank
    return result
