"""Who lives in a household: composition by type, ages, relations, and the tags that follow.

Rates are rough figures for an ageing north-eastern city district (丹东): about one resident in
six is 65 or older, one household in twenty is an old person living alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# Resident tag codes (registry.ResidentTag.code) with their names, descriptions and visit duty.
TAGS: tuple[tuple[str, str, str, bool], ...] = (
    ("elderly_alone", "独居老人", "65周岁及以上、独自居住的老年人", True),
    ("disabled", "残疾人", "持有残疾人证的居民", True),
    ("assisted", "低保/帮扶家庭", "纳入最低生活保障或结对帮扶的家庭成员", True),
    ("special_care", "特殊关爱", "重病、困境等需要特殊关爱的人员", True),
    ("veteran", "退役军人", "退役军人", False),
    ("left_behind_child", "留守儿童", "父母外出务工、由祖辈或他人照料的未满16周岁儿童", True),
)

ETHNICITIES: tuple[tuple[str, int], ...] = (
    ("汉族", 850),
    ("满族", 110),
    ("朝鲜族", 25),
    ("蒙古族", 8),
    ("回族", 7),
)


@dataclass
class MemberSpec:
    relation: str
    gender: str
    age: int
    tags: set[str] = field(default_factory=set)


@dataclass
class HouseholdSpec:
    kind: str
    members: list[MemberSpec]
    assisted: bool = False


# (kind, weight in town communities, weight in villages)
_KINDS: tuple[tuple[str, int, int], ...] = (
    ("elderly_alone", 5, 7),
    ("elderly_couple", 14, 18),
    ("young_couple", 9, 5),
    ("nuclear_one_child", 31, 22),
    ("nuclear_two_children", 12, 14),
    ("single_parent", 5, 3),
    ("three_generations", 15, 17),
    ("grandparents_grandchild", 2, 10),
    ("single_adult", 3, 2),
    ("vacant", 4, 2),
)


def _other(gender: str) -> str:
    return "F" if gender == "M" else "M"


def _clip(age: int, low: int = 0, high: int = 98) -> int:
    return max(low, min(high, age))


def _couple(rng: random.Random, head_age: int) -> list[MemberSpec]:
    head_gender = "M" if rng.random() < 0.8 else "F"
    spouse_age = _clip(head_age + (rng.randint(-5, 1) if head_gender == "M" else rng.randint(-1, 5)), 20)
    return [MemberSpec("户主", head_gender, head_age), MemberSpec("配偶", _other(head_gender), spouse_age)]


def _child(rng: random.Random, parent_age: int, relation: str = "子女") -> MemberSpec:
    return MemberSpec(relation, rng.choice("MF"), _clip(parent_age - rng.randint(23, 34)))


def household(rng: random.Random, *, village: bool) -> HouseholdSpec:
    kinds = [k for k, _, _ in _KINDS]
    weights = [v if village else t for _, t, v in _KINDS]
    kind = rng.choices(kinds, weights=weights)[0]
    members: list[MemberSpec]
    if kind == "vacant":
        members = []
    elif kind == "elderly_alone":
        members = [
            MemberSpec("户主", "F" if rng.random() < 0.65 else "M", rng.randint(65, 95), {"elderly_alone"})
        ]
    elif kind == "elderly_couple":
        members = _couple(rng, rng.randint(60, 90))
    elif kind == "young_couple":
        members = _couple(rng, rng.randint(23, 38))
    elif kind in ("nuclear_one_child", "nuclear_two_children"):
        members = _couple(rng, rng.randint(27, 58))
        members.append(_child(rng, members[0].age))
        if kind == "nuclear_two_children":
            members.append(_child(rng, members[0].age))
    elif kind == "single_parent":
        head_age = rng.randint(28, 55)
        members = [MemberSpec("户主", "F" if rng.random() < 0.75 else "M", head_age), _child(rng, head_age)]
    elif kind == "three_generations":
        members = _couple(rng, rng.randint(30, 55))
        members.append(_child(rng, members[0].age))
        members.append(MemberSpec("父母", rng.choice("MF"), _clip(members[0].age + rng.randint(24, 33))))
    elif kind == "grandparents_grandchild":
        members = _couple(rng, rng.randint(55, 75))
        grandchild = MemberSpec("孙子女", rng.choice("MF"), rng.randint(3, 15))
        if village or rng.random() < 0.5:
            grandchild.tags.add("left_behind_child")
        members.append(grandchild)
    else:  # single_adult
        members = [MemberSpec("户主", rng.choice("MF"), rng.randint(20, 60))]
    spec = HouseholdSpec(kind=kind, members=members, assisted=bool(members) and rng.random() < 0.025)
    _add_tags(rng, spec, village=village)
    return spec


def _add_tags(rng: random.Random, spec: HouseholdSpec, *, village: bool) -> None:
    for member in spec.members:
        if spec.assisted:
            member.tags.add("assisted")
        if rng.random() < 0.012 + 0.0006 * member.age:
            member.tags.add("disabled")
        if member.age >= 18 and rng.random() < 0.004:
            member.tags.add("special_care")
        if 25 <= member.age <= 90 and rng.random() < (0.05 if member.gender == "M" else 0.002):
            member.tags.add("veteran")
        if village and member.age < 16 and rng.random() < 0.05:
            member.tags.add("left_behind_child")


def ethnicity(rng: random.Random) -> str:
    return rng.choices([e for e, _ in ETHNICITIES], weights=[w for _, w in ETHNICITIES])[0]


def work_unit(rng: random.Random, age: int, employers: list[str]) -> str:
    if age < 19:
        return "在校学生" if age >= 6 else ""
    if age >= 60 or (age >= 55 and rng.random() < 0.6):
        return "退休"
    roll = rng.random()
    if roll < 0.55 and employers:
        return rng.choice(employers)
    return "个体经营" if roll < 0.75 else "灵活就业" if roll < 0.9 else "待业"


def party_member_rate(age: int) -> float:
    """Chance that a resident of this age is a party member (about 7% of all residents)."""
    if age < 18:
        return 0.0
    if age < 25:
        return 0.03
    if age < 60:
        return 0.08
    return 0.11
