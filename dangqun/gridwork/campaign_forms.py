"""The form of a door-to-door campaign (入户排查表): the questions a campaign asks at every door, the
ready-made forms of each kind, and the checks of a form and of one household's answers. Pure
functions; a bad form or answer is a ``ValidationError`` naming the field (``questions.2.choices``,
``answers.gas``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dangqun.gridwork.models import CampaignKind

TYPES = ("yes_no", "choice", "number", "text")
MAX_QUESTIONS = 20
LABEL_MAX = 100
TEXT_MAX = 300
NUMBER_MAX = 100_000
CHOICES_MAX = 10


def _q(key: str, label: str, kind: str, required: bool, choices: tuple[str, ...] = ()) -> dict[str, Any]:
    question: dict[str, Any] = {"key": key, "label": label, "type": kind, "required": required}
    if choices:
        question["choices"] = list(choices)
    return question


# A campaign's form is stored with it, in the words of the office that launched it: data, not interface.
PRESETS: dict[str, list[dict[str, Any]]] = {
    CampaignKind.SAFETY: [
        _q("gas", "燃气管线、灶具使用是否安全", "yes_no", True),  # i18n: data
        _q("ebike", "是否存在电动车入户或楼道充电", "yes_no", True),  # i18n: data
        _q("exit", "楼道、消防通道是否畅通", "yes_no", True),  # i18n: data
        _q("extinguisher", "家中是否配备灭火器", "yes_no", False),  # i18n: data
        _q("hazard", "发现的其他隐患", "text", False),  # i18n: data
    ],
    CampaignKind.POPULATION: [
        _q("people", "实际居住人数", "number", True),  # i18n: data
        _q("housing", "居住情况", "choice", True, ("自住", "出租", "空置", "借住")),  # i18n: data
        _q("changed", "人员信息是否有变化", "yes_no", True),  # i18n: data
        _q("detail", "变化情况", "text", False),  # i18n: data
    ],
    CampaignKind.EPIDEMIC: [
        _q("fever", "家中是否有发热、咳嗽等症状人员", "yes_no", True),  # i18n: data
        _q("returned", "近14天是否有外地返回人员", "yes_no", True),  # i18n: data
        _q(
            "vaccinated",
            "60岁以上老人是否已接种疫苗",  # i18n: data
            "choice",
            False,
            ("已全程接种", "部分接种", "未接种", "无60岁以上老人"),  # i18n: data
        ),
    ],
    CampaignKind.OTHER: [
        _q("needs", "居民反映的问题和需求", "text", False),  # i18n: data
    ],
}


def preset(kind: str) -> list[dict[str, Any]]:
    return [dict(q) for q in PRESETS.get(kind, PRESETS[CampaignKind.OTHER])]


def clean_questions(raw: object) -> list[dict[str, Any]]:
    """A checked copy of a campaign's form: 1–20 questions with unique keys, known types, labels of at
    most 100 characters, and 2–10 distinct choices for a choice question."""
    if not isinstance(raw, list) or not raw:
        raise ValidationError({"questions": _("请至少设置一个排查事项")})
    if len(raw) > MAX_QUESTIONS:
        raise ValidationError({"questions": _("排查事项不超过%(n)d项") % {"n": MAX_QUESTIONS}})
    cleaned: list[dict[str, Any]] = []
    keys: set[str] = set()
    for i, item in enumerate(raw):
        name = f"questions.{i}"
        if not isinstance(item, dict):
            raise ValidationError({name: _("格式不正确")})
        key = str(item.get("key") or f"q{i + 1}").strip()
        if not key.replace("_", "").isalnum() or len(key) > 30 or key in keys:
            raise ValidationError({f"{name}.key": _("编码须为不重复的字母、数字或下划线")})
        label = str(item.get("label") or "").strip()
        if not label or len(label) > LABEL_MAX or "\x00" in label:
            raise ValidationError({f"{name}.label": _("请填写事项名称(不超过%(n)d字)") % {"n": LABEL_MAX}})
        kind = str(item.get("type") or "")
        if kind not in TYPES:
            raise ValidationError({f"{name}.type": _("类型须为 yes_no、choice、number 或 text")})
        question: dict[str, Any] = {
            "key": key,
            "label": label,
            "type": kind,
            "required": bool(item.get("required")),
        }
        if kind == "choice":
            choices = item.get("choices")
            if not isinstance(choices, list):
                choices = []
            options = [str(c).strip() for c in choices if str(c).strip()]
            if not 2 <= len(set(options)) == len(options) <= CHOICES_MAX or any(len(o) > 30 for o in options):
                raise ValidationError({f"{name}.choices": _("选项须为2至10个不重复的词(每个不超过30字)")})
            question["choices"] = options
        keys.add(key)
        cleaned.append(question)
    return cleaned


def _yes_no(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"yes", "true", "1", "是"}:  # i18n: data
        return True
    if text in {"no", "false", "0", "否"}:  # i18n: data
        return False
    return None


def clean_answers(questions: list[dict[str, Any]], raw: object) -> dict[str, Any]:
    """One household's answers, checked against the form: every required question answered, each in
    its type; unknown keys refused."""
    if not isinstance(raw, dict):
        raise ValidationError({"answers": _("排查结果格式不正确")})
    known = {q["key"] for q in questions}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ValidationError({f"answers.{unknown[0]}": _("排查表中没有此项")})
    answers: dict[str, Any] = {}
    for q in questions:
        name = f"answers.{q['key']}"
        value = raw.get(q["key"])
        if value is None or (isinstance(value, str) and not value.strip()):
            if q.get("required"):
                raise ValidationError({name: _("“%(label)s”必填") % {"label": q["label"]}})
            continue
        if q["type"] == "yes_no":
            answer = _yes_no(value)
            if answer is None:
                raise ValidationError({name: _("请回答“是”或“否”")})
            answers[q["key"]] = answer
        elif q["type"] == "choice":
            if str(value) not in q.get("choices", []):
                raise ValidationError({name: _("请从选项中选择")})
            answers[q["key"]] = str(value)
        elif q["type"] == "number":
            try:
                number = int(str(value).strip())
            except ValueError:
                number = -1
            if not 0 <= number <= NUMBER_MAX:
                raise ValidationError({name: _("请填写0到%(n)d之间的整数") % {"n": NUMBER_MAX}})
            answers[q["key"]] = number
        else:
            text = str(value).strip()
            if len(text) > TEXT_MAX or "\x00" in text:
                raise ValidationError({name: _("不超过%(n)d字,且不能含有空字符") % {"n": TEXT_MAX}})
            answers[q["key"]] = text
    return answers
