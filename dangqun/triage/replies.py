"""Reply quality (答复评价): how well a unit's reply answers a citizen's message.

Four scores in [0, 1] and a weighted total, each from a stated formula over the texts (no model):

relevance
    ``0.5 × title_cover + 0.5 × cosine``. ``title_cover`` is the share of the message title's distinct
    Chinese character bigrams that the reply contains (the title names the problem); ``cosine`` is the
    cosine similarity of the message's and the reply's bigram vectors (weights ``1 + ln(count)``).
    Masked place names (A市, A3区), numbers and the reply's courtesy formulas (您好, 留言已收悉, 特此回复 …)
    are removed first. ``cosine`` is stretched by ``COSINE_FULL`` (a cosine of 0.5 already counts as
    full: two texts of different length and register never reach 1).
completeness
    ``0.5 × answered + 0.3 × actions + 0.2 × substance``. ``answered``: the message's asked parts
    (sentences with a question or request: ？, 吗, 是否, 能否, 何时, 如何, 为什么, 请, 希望, 要求, 建议 …;
    the whole message when none) count as answered when at least ``ANSWER_COVER`` of their distinct
    bigrams (the question and request words themselves removed) occur in the reply; the share
    answered. ``actions``: distinct concrete-action or result
    words in the reply (经核实, 现场, 已, 整改, 处理, 协调, 落实, 完成, 下一步 …), ``min(1, n / 4)``.
    ``substance``: the reply's length without courtesy formulas, ``min(1, chars / 150)``.
explainability
    ``0.4 × basis + 0.4 × documents + 0.2 × reasons``: ``basis`` 1 when the reply cites a basis word
    (根据, 依据, 按照, 规定, 条例, 政策, 办法, 法律, 法规 …); ``documents`` = ``min(1, n / 2)`` over named
    documents or articles (《…》, 第…条, 〔2019〕3号); ``reasons`` 1 when it gives a cause (因为, 由于,
    因此, 鉴于, 原因 …).
timeliness (only when both times are known)
    ``d`` = working days from message to reply (``dangqun.core.workcal``, holidays and 调休 included).
    1 for ``d ≤ 3``; linear to 0.5 at ``d = 15`` (the usual limit for a reply); linear to 0 at
    ``d = 30``; 0 beyond. A reply dated before its message scores ``None`` (bad data, not speed).
total
    ``0.3 × relevance + 0.3 × completeness + 0.2 × explainability + 0.2 × timeliness``; without
    timeliness the other three weights are rescaled to sum to 1.

Texts are cut to ``MAX_CHARS`` (a pasted 100,000-character reply costs the same as a normal one).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import asdict, dataclass

MAX_CHARS = 5000
COSINE_FULL = 0.5
ANSWER_COVER = 0.3
WEIGHTS = {"relevance": 0.3, "completeness": 0.3, "explainability": 0.2, "timeliness": 0.2}

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_NOISE = re.compile(r"[A-Za-z]\d*[市区县镇乡]|\d+(?:\.\d+)?")
COURTESY = (
    "您好",
    "你好",
    "网友",
    "留言已收悉",
    "已收悉",
    "感谢您",
    "感谢",
    "谢谢",
    "现将",
    "回复如下",
    "答复如下",
    "有关情况",
    "相关情况",
    "特此回复",
    "特此答复",
    "此复",
    "问政西地省",
    "平台",
    "栏目",
    "留言",
    "反映",
    "您的",
    "您在",
    "信任和支持",
    "关心和支持",
    "望您知晓和理解",
)
_COURTESY = re.compile("|".join(sorted(map(re.escape, COURTESY), key=len, reverse=True)))
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
ASK = re.compile(
    r"[？?]|吗|是否|能否|可否|何时|什么时候|如何|怎么|怎样|为什么|为何|多少|哪里|请|希望|要求|建议|恳请|呼吁"
)
ACTIONS = (
    "经核实",
    "核实",
    "经调查",
    "调查",
    "现场",
    "已经",
    "已于",
    "已将",
    "已对",
    "已安排",
    "整改",
    "处理",
    "处置",
    "协调",
    "落实",
    "完成",
    "安排",
    "督促",
    "责令",
    "约谈",
    "查处",
    "清理",
    "维修",
    "修复",
    "拆除",
    "下一步",
    "将于",
    "计划",
    "预计",
    "解决",
)
BASIS = re.compile(r"根据|依据|按照|依照|遵照|规定|条例|政策|办法|法律|法规|实施细则|意见|通知|标准|规范")
DOCUMENTS = re.compile(
    r"《[^》]{2,60}》|第[一二三四五六七八九十百零\d]+条|[〔\[（(]\s*\d{4}\s*[〕\]）)]\s*\d+\s*号"
)
REASONS = re.compile(r"因为|由于|因此|所以|鉴于|原因|导致|故|是因")


@dataclass(frozen=True)
class ReplyScore:
    relevance: float
    completeness: float
    explainability: float
    timeliness: float | None
    total: float
    working_days: float | None

    def as_dict(self) -> dict[str, float | None]:
        return asdict(self)


def _strip(text: str) -> str:
    return _NOISE.sub(" ", _COURTESY.sub(" ", (text or "")[:MAX_CHARS]))


def bigrams(text: str) -> Counter[str]:
    """Chinese character bigrams of ``text`` (single characters for one-character runs)."""
    grams: Counter[str] = Counter()
    for run in _CJK_RUN.findall(text):
        if len(run) == 1:
            grams[run] += 1
        grams.update(run[i : i + 2] for i in range(len(run) - 1))
    return grams


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    wa = {k: 1 + math.log(v) for k, v in a.items()}
    wb = {k: 1 + math.log(v) for k, v in b.items()}
    dot = sum(w * wb[k] for k, w in wa.items() if k in wb)
    norm = math.sqrt(sum(w * w for w in wa.values())) * math.sqrt(sum(w * w for w in wb.values()))
    return dot / norm if norm else 0.0


def _cover(part: Counter[str], reply: Counter[str]) -> float:
    return sum(1 for k in part if k in reply) / len(part) if part else 0.0


def relevance(title: str, message: str, reply: str) -> float:
    reply_grams = bigrams(_strip(reply))
    title_grams = bigrams(_strip(title))
    message_grams = bigrams(_strip(f"{title} {message}"))
    cosine = min(1.0, _cosine(message_grams, reply_grams) / COSINE_FULL)
    if not title_grams:
        return round(cosine, 4)
    return round(0.5 * _cover(title_grams, reply_grams) + 0.5 * cosine, 4)


def asked_parts(message: str) -> list[str]:
    """Sentences of the message that ask or request something (the whole message when none does)."""
    text = (message or "")[:MAX_CHARS]
    parts = [s.strip() for s in _SENTENCE.findall(text) if ASK.search(s) and len(bigrams(_strip(s))) >= 2]
    return parts or ([text] if text.strip() else [])


def completeness(message: str, reply: str) -> float:
    stripped = _strip(reply)
    reply_grams = bigrams(stripped)
    parts = [bigrams(_strip(ASK.sub(" ", p))) for p in asked_parts(message)]
    parts = [p for p in parts if p]
    answered = sum(1 for p in parts if _cover(p, reply_grams) >= ANSWER_COVER) / len(parts) if parts else 0.0
    actions = min(1.0, sum(1 for word in ACTIONS if word in stripped) / 4)
    substance = min(1.0, len("".join(_CJK_RUN.findall(stripped))) / 150)
    return round(0.5 * answered + 0.3 * actions + 0.2 * substance, 4)


def explainability(reply: str) -> float:
    text = (reply or "")[:MAX_CHARS]
    basis = 1.0 if BASIS.search(text) else 0.0
    documents = min(1.0, len(DOCUMENTS.findall(text)) / 2)
    reasons = 1.0 if REASONS.search(text) else 0.0
    return round(0.4 * basis + 0.4 * documents + 0.2 * reasons, 4)


def timeliness_for(days: float | None) -> float | None:
    """The timeliness score for ``days`` working days between message and reply."""
    if days is None or days < 0:
        return None
    if days <= 3:
        return 1.0
    if days <= 15:
        return round(1.0 - 0.5 * (days - 3) / 12, 4)
    if days <= 30:
        return round(0.5 - 0.5 * (days - 15) / 15, 4)
    return 0.0


def working_days(asked_at: dt.datetime | None, replied_at: dt.datetime | None) -> float | None:
    """Working days (fractional) from ``asked_at`` to ``replied_at``; ``None`` when either is unknown
    or the reply is dated before the message. Needs Django settings (the working calendar)."""
    if asked_at is None or replied_at is None or replied_at < asked_at:
        return None
    from dangqun.core.workcal import workday_seconds, working_seconds_between

    return round(working_seconds_between(asked_at, replied_at) / workday_seconds(), 2)


def score_reply(
    title: str,
    message: str,
    reply: str,
    asked_at: dt.datetime | None = None,
    replied_at: dt.datetime | None = None,
) -> ReplyScore:
    """All four scores and the total for one reply (timeliness only when both times are given)."""
    parts: dict[str, float | None] = {
        "relevance": relevance(title, message, reply),
        "completeness": completeness(message, reply),
        "explainability": explainability(reply),
    }
    days = working_days(asked_at, replied_at)
    parts["timeliness"] = timeliness_for(days)
    known = {k: v for k, v in parts.items() if v is not None}
    weight = sum(WEIGHTS[k] for k in known)
    total = (
        sum(WEIGHTS[k] * v for k, v in known.items()) / weight if (weight and (reply or "").strip()) else 0.0
    )
    return ReplyScore(
        relevance=parts["relevance"] or 0.0,
        completeness=parts["completeness"] or 0.0,
        explainability=parts["explainability"] or 0.0,
        timeliness=parts["timeliness"],
        total=round(total, 4),
        working_days=days,
    )
