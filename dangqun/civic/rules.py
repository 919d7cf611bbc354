"""Eligibility rules: a whitelist of fields and operators over the registries, compiled to a query.

A policy's ``rules`` is a list of ``{"field", "op", "value"}``; all of them must hold. Nothing is
evaluated: each field names one lookup (or a small translation, e.g. an age to a birth-date bound),
each operator one of the few the field accepts, and each value is checked against the field's type
and choices. A rule that names an unknown field or operator, a value of the wrong kind, or an
impossible condition (a range whose low end passes its high end, a tag that does not exist) is a
``ValidationError`` keyed ``rules[i].field``/``rules[i].op``/``rules[i].value``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangqun.civic.models import Audience
from dangqun.regions.models import Region
from dangqun.registry.models import Business, BusinessKind, Gender, HousingKind, Resident, ResidentTag

MAX_RULES = 12
INT_KIND, BOOL_KIND, CHOICE_KIND = "int", "bool", "choice"
TEXT_KIND, TAG_KIND, REGION_KIND = "text", "tag", "region"


@dataclass(frozen=True)
class RuleField:
    name: str
    label: str | Promise
    kind: str  # int, bool, choice, text, tag, region
    ops: tuple[str, ...]
    lookup: str = ""  # the registry lookup (unused for age and region)
    bounds: tuple[int, int] = (0, 1_000_000)
    choices: tuple[tuple[str, str | Promise], ...] = ()


OP_LABELS: dict[str, str | Promise] = {
    "eq": gettext_lazy("等于"),
    "in": gettext_lazy("属于"),
    "not_in": gettext_lazy("不属于"),
    "gte": gettext_lazy("不小于"),
    "lte": gettext_lazy("不大于"),
    "between": gettext_lazy("介于"),
    "any": gettext_lazy("含任一"),
    "none": gettext_lazy("不含"),
}
_RANGE = ("gte", "lte", "between")

RESIDENT_FIELDS: dict[str, RuleField] = {
    f.name: f
    for f in (
        RuleField("age", gettext_lazy("年龄(周岁)"), INT_KIND, _RANGE, bounds=(0, 150)),
        RuleField(
            "gender", gettext_lazy("性别"), CHOICE_KIND, ("eq",), "gender", choices=tuple(Gender.choices)
        ),
        RuleField("tags", gettext_lazy("人员标签"), TAG_KIND, ("any", "none"), "tags__code"),
        RuleField("is_floating", gettext_lazy("流动人口"), BOOL_KIND, ("eq",), "is_floating"),
        RuleField("is_party_member", gettext_lazy("党员"), BOOL_KIND, ("eq",), "is_party_member"),
        RuleField(
            "household_size",
            gettext_lazy("户人数"),
            INT_KIND,
            _RANGE,
            "household__members_count",
            bounds=(0, 99),
        ),
        RuleField(
            "housing",
            gettext_lazy("住房性质"),
            CHOICE_KIND,
            ("in", "not_in"),
            "household__housing",
            choices=tuple(HousingKind.choices),
        ),
        RuleField("region", gettext_lazy("所在区域"), REGION_KIND, ("in", "not_in"), "grid__path"),
    )
}
BUSINESS_FIELDS: dict[str, RuleField] = {
    f.name: f
    for f in (
        RuleField(
            "kind",
            gettext_lazy("主体类型"),
            CHOICE_KIND,
            ("in", "not_in"),
            "kind",
            choices=tuple(BusinessKind.choices),
        ),
        RuleField("industry", gettext_lazy("行业"), TEXT_KIND, ("in", "not_in"), "industry"),
        RuleField(
            "employees", gettext_lazy("从业人数"), INT_KIND, _RANGE, "employees", bounds=(0, 1_000_000)
        ),
        RuleField("is_resident_unit", gettext_lazy("驻区单位"), BOOL_KIND, ("eq",), "is_resident_unit"),
        RuleField("region", gettext_lazy("所在区域"), REGION_KIND, ("in", "not_in"), "grid__path"),
    )
}
FIELDS: dict[str, dict[str, RuleField]] = {
    Audience.RESIDENT: RESIDENT_FIELDS,
    Audience.BUSINESS: BUSINESS_FIELDS,
}


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _int(value: Any, field: RuleField, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({key: _("须为整数")})
    low, high = field.bounds
    if not low <= value <= high:
        raise ValidationError({key: _("须在 %(low)s 至 %(high)s 之间") % {"low": low, "high": high}})
    return value


def _range(op: str, value: Any, field: RuleField, key: str) -> tuple[int | None, int | None]:
    if op == "gte":
        return _int(value, field, key), None
    if op == "lte":
        return None, _int(value, field, key)
    if not isinstance(value, list) or len(value) != 2:
        raise ValidationError({key: _("“介于”须给出 [下限, 上限]")})
    low, high = _int(value[0], field, key), _int(value[1], field, key)
    if low > high:
        message = _("下限 %(low)s 大于上限 %(high)s,条件不可能成立") % {"low": low, "high": high}
        raise ValidationError({key: message})
    return low, high


def _strings(value: Any, key: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValidationError({key: _("须为非空的文字列表")})
    if len(value) > 200:
        raise ValidationError({key: _("列表过长")})
    return [v.strip() for v in value]


def _age_q(today: dt.date, low: int | None, high: int | None) -> Q:
    q = Q(birth_date__isnull=False)
    if low is not None:
        q &= Q(birth_date__lte=_years_before(today, low))
    if high is not None:
        q &= Q(birth_date__gt=_years_before(today, high + 1))
    return q


def _one(audience: str, index: int, rule: Any, today: dt.date) -> Q:  # noqa: PLR0911 - one branch per kind
    prefix = f"rules[{index}]"
    if not isinstance(rule, dict):
        raise ValidationError({prefix: _("每条条件须为 {field, op, value}")})
    fields = FIELDS[audience]
    name = rule.get("field")
    field = fields.get(name) if isinstance(name, str) else None
    if field is None:
        message = _("未知字段“%(name)s”,可用:%(names)s") % {"name": name, "names": ", ".join(fields)}
        raise ValidationError({f"{prefix}.field": message})
    op = rule.get("op")
    if op not in field.ops:
        raise ValidationError(
            {f"{prefix}.op": _("字段“%(field)s”不支持运算“%(op)s”,可用:%(ops)s")
             % {"field": field.name, "op": op, "ops": ", ".join(field.ops)}}
        )  # fmt: skip
    key = f"{prefix}.value"
    value = rule.get("value")
    negate = op in {"not_in", "none"}
    if field.kind == INT_KIND:
        low, high = _range(op, value, field, key)
        if field.name == "age":
            return _age_q(today, low, high)
        q = Q()
        if low is not None:
            q &= Q(**{f"{field.lookup}__gte": low})
        if high is not None:
            q &= Q(**{f"{field.lookup}__lte": high})
        return q
    if field.kind == BOOL_KIND:
        if not isinstance(value, bool):
            raise ValidationError({key: _("须为 true 或 false")})
        return Q(**{field.lookup: value})
    if field.kind == CHOICE_KIND:
        values = _strings(value, key)
        known = {c for c, _label in field.choices}
        unknown = [v for v in values if v not in known]
        if unknown or (op == "eq" and len(values) != 1):
            raise ValidationError({key: _("取值须为:%(choices)s") % {"choices": ", ".join(sorted(known))}})
        q = Q(**{f"{field.lookup}__in": values})
        return ~q if negate else q
    if field.kind == TEXT_KIND:
        q = Q(**{f"{field.lookup}__in": _strings(value, key)})
        return ~q if negate else q
    if field.kind == TAG_KIND:
        codes = _strings(value, key)
        known = set(ResidentTag.objects.filter(code__in=codes).values_list("code", flat=True))
        missing = [c for c in codes if c not in known]
        if missing:
            raise ValidationError({key: _("未知标签:%(codes)s") % {"codes": ", ".join(missing)}})
        tagged = Resident.tags.through.objects.filter(residenttag__code__in=codes).values("resident_id")
        q = Q(pk__in=tagged)
        return ~q if negate else q
    codes = _strings(value, key)
    paths = dict(Region.objects.filter(code__in=codes).values_list("code", "path"))
    missing = [c for c in codes if c not in paths]
    if missing:
        raise ValidationError({key: _("未知区域编码:%(codes)s") % {"codes": ", ".join(missing)}})
    q = Q()
    for path in paths.values():
        q |= Q(**{f"{field.lookup}__subtree": path})
    return ~q if negate else q


def compile_rules(audience: str, rules: Any, *, today: dt.date) -> Q:
    """The rules as one filter (all must hold), or a ``ValidationError`` naming the bad part."""
    if audience not in FIELDS:
        raise ValidationError({"audience": _("对象须为 resident 或 business")})
    if not isinstance(rules, list):
        raise ValidationError({"rules": _("适用条件须为列表")})
    if len(rules) > MAX_RULES:
        raise ValidationError({"rules": _("适用条件最多 %(n)s 条") % {"n": MAX_RULES}})
    q = Q()
    for index, rule in enumerate(rules):
        q &= _one(audience, index, rule, today)
    return q


def matching(audience: str, rules: Sequence[Any], region: Region, *, today: dt.date) -> QuerySet[Any]:
    """The residents or businesses in ``region`` that the rules fit (ids only are needed)."""
    q = compile_rules(audience, list(rules), today=today)
    model: type[Resident | Business] = Resident if audience == Audience.RESIDENT else Business
    return model.objects.filter(Q(grid__path__subtree=region.path) & q)


def describe_fields() -> dict[str, list[dict[str, Any]]]:
    """The whitelist for the rule form and the API: each field with its operators and choices."""
    tag_choices = [(t.code, t.name) for t in ResidentTag.objects.order_by("code")]
    out: dict[str, list[dict[str, Any]]] = {}
    for audience, fields in FIELDS.items():
        out[str(audience)] = [
            {
                "field": f.name,
                "label": str(f.label),
                "kind": f.kind,
                "ops": [{"op": op, "label": str(OP_LABELS[op])} for op in f.ops],
                "choices": [
                    {"value": c, "label": str(label)}
                    for c, label in (tag_choices if f.kind == TAG_KIND else f.choices)
                ],
            }
            for f in fields.values()
        ]
    return out


def rule_text(audience: str, rules: Sequence[dict[str, Any]]) -> list[str]:
    """Each rule in words, for pages (unknown parts are shown as they are)."""
    fields = FIELDS.get(audience, {})
    words: list[str] = []
    for rule in rules:
        field = fields.get(str(rule.get("field")))
        label = str(field.label) if field else str(rule.get("field"))
        op = str(OP_LABELS.get(str(rule.get("op")), rule.get("op")))
        value = rule.get("value")
        shown = "–".join(str(v) for v in value) if isinstance(value, list) else str(value)
        words.append(f"{label} {op} {shown}")
    return words


Compiler = Callable[[str, Any], Q]
