"""五问: the questions each group is asked on a visit (seed 001): 困难居民 about their living, 独居老人
about their health, 失业人员 about re-employment, 退休人员 about adjusting, 矫正人员 about their
thinking. A visit asks the questions of its resident's tags; a household or a 回访 asks about living."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Question:
    key: str
    label: Promise
    prompt: Promise
    tags: frozenset[str]


QUESTIONS: tuple[Question, ...] = (
    Question(
        "living",
        _("问生活"),
        _("收入、住房、吃穿用度有没有困难?"),
        frozenset({"assisted", "special_care", "disabled", "left_behind_child"}),
    ),
    Question(
        "health", _("问健康"), _("身体怎么样?用药、就医方便吗?"), frozenset({"elderly_alone", "disabled"})
    ),
    Question(
        "employment", _("问再就业"), _("求职意向如何?需要技能培训或岗位推荐吗?"), frozenset({"unemployed"})
    ),
    Question("retirement", _("问退休适应"), _("退休生活适应吗?有什么想参加的活动?"), frozenset({"retired"})),
    Question("thinking", _("问思想"), _("近来思想、情绪怎么样?有什么顾虑?"), frozenset({"corrections"})),
)
QUESTION_BY_KEY = {q.key: q for q in QUESTIONS}
DEFAULT_KEYS = ("living",)
ANSWER_MAX_CHARS = 500


def question_keys(tag_codes: Iterable[str]) -> tuple[str, ...]:
    """The 五问 a visit to someone with these tags asks (at least the one about living)."""
    codes = set(tag_codes)
    keys = tuple(q.key for q in QUESTIONS if q.tags & codes)
    return keys or DEFAULT_KEYS
