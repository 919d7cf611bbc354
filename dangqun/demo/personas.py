"""The named demo logins, one per role, as data: tests, the README and the seed read this list.

Every persona (and every seeded grid user) logs in with ``DEMO_PASSWORD``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from dangqun.accounts.models import Role

DEMO_PASSWORD = "Dangqun@2026"  # noqa: S105 - the published demo password


class PersonaScope(enum.StrEnum):
    """What a persona's membership is attached to, resolved against the seeded district."""

    NONE = "none"  # unscoped roles: citizen, sysadmin
    PERSONA_GRID = "persona_grid"  # the first grid of the first community of the first street
    PERSONA_COMMUNITY = "persona_community"  # that community
    PERSONA_STREET = "persona_street"  # the first street (广济街道)
    DEPARTMENT = "department"  # the department named by ``department_short_name``
    DISTRICT = "district"
    STREET_PARTY_ORG = "street_party_org"  # the working committee of the first street
    PERSONA_BRANCH = "persona_branch"  # the party branch of the persona grid's compound


@dataclass(frozen=True)
class Persona:
    username: str
    display_name: str
    role: Role
    title: str
    scope: PersonaScope
    holds: str  # what the persona holds, in words (README)
    is_superuser: bool = False
    department_short_name: str = ""


PERSONAS: tuple[Persona, ...] = (
    Persona("citizen", "刘桂兰", Role.CITIZEN, "居民", PersonaScope.NONE, "群众账号,提交和评价诉求"),
    Persona(
        "grid_worker", "李晓梅", Role.GRID_WORKER, "网格员", PersonaScope.PERSONA_GRID,
        "广济街道第一个社区的第1网格(演示网格)",
    ),
    Persona(
        "grid_leader", "王建国", Role.GRID_LEADER, "网格长", PersonaScope.PERSONA_GRID,
        "广济街道第一个社区的第1网格(演示网格)",
    ),
    Persona(
        "community_staff", "赵丽娟", Role.COMMUNITY_STAFF, "社区党委书记、居委会主任",
        PersonaScope.PERSONA_COMMUNITY, "广济街道第一个社区",
    ),
    Persona(
        "street_staff", "孙立新", Role.STREET_STAFF, "街道党群服务中心主任", PersonaScope.PERSONA_STREET,
        "广济街道",
    ),
    Persona(
        "department_staff", "周海涛", Role.DEPARTMENT_STAFF, "城管局综合执法大队队长",
        PersonaScope.DEPARTMENT, "区城管局", department_short_name="城管局",
    ),
    Persona(
        "dispatcher", "陈雪", Role.DISPATCHER, "区党群服务中心指挥调度员", PersonaScope.DISTRICT, "全区",
    ),
    Persona("leader", "张振华", Role.LEADER, "区委常委、组织部部长", PersonaScope.DISTRICT, "全区"),
    Persona(
        "party_admin", "马红梅", Role.PARTY_ADMIN, "街道党工委组织委员", PersonaScope.STREET_PARTY_ORG,
        "广济街道党工委及其下属党组织",
    ),
    Persona(
        "branch_secretary", "林秀英", Role.BRANCH_SECRETARY, "小区党支部书记", PersonaScope.PERSONA_BRANCH,
        "演示网格所在小区的党支部",
    ),
    Persona(
        "party_member", "黄志强", Role.CITIZEN, "党员", PersonaScope.NONE,
        "演示党支部的一名党员(账号关联党员档案)",
    ),
    Persona(
        "working_member", "韩立群", Role.CITIZEN, "在职党员", PersonaScope.NONE,
        "区直单位党支部的一名党员,已向居住地社区(演示社区)报到",
    ),
    Persona(
        "enterprise", "郑海波", Role.CITIZEN, "企业联系人", PersonaScope.NONE,
        "广济街道一家餐饮商户的联系人(账号关联企业,接收惠企政策)",
    ),
    Persona(
        "sysadmin", "吴昊", Role.SYSADMIN, "系统管理员", PersonaScope.NONE, "系统设置(超级用户)",
        is_superuser=True,
    ),
)  # fmt: skip

PERSONA_BY_USERNAME: dict[str, Persona] = {p.username: p for p in PERSONAS}


def grid_leader_username(grid_code: str) -> str:
    return f"gl_{grid_code}"


def grid_worker_username(grid_code: str, number: int) -> str:
    return f"gw_{grid_code}_{number}"
