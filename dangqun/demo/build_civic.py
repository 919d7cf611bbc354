"""The demo's 惠民服务 (``dangqun.civic``): a policy library of the district, the persona street and
the persona community, with eligibility rules over the seeded registries, anchored to today: most
published and pushed, a few drafts, one withdrawn. The ``citizen`` persona is linked to an elderly
resident of the demo grid, the ``enterprise`` persona to a catering business of the persona street,
so "policies for me" shows what their records fit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangqun.accounts.models import User
from dangqun.civic.jobs import push_policy_now
from dangqun.civic.models import Audience, CivicContact, Policy, PolicyReach, PolicyStatus, PushStatus
from dangqun.civic.rules import matching
from dangqun.demo.calendar import reference_end
from dangqun.demo.context import SeedContext
from dangqun.demo.tree import RegionTree
from dangqun.regions.models import Region
from dangqun.registry.models import Business, Resident


def _r(field: str, op: str, value: Any) -> dict[str, Any]:
    return {"field": field, "op": op, "value": value}


# (title, issuer level, audience, rules, benefit, how to apply, days since publication or None for a draft)
# The issuer level: "district", "street" (the persona street) or "community" (the persona community).
_POLICIES: tuple[tuple[str, str, str, list[dict[str, Any]], str, str, int | None], ...] = (
    ("高龄老人津贴发放", "district", Audience.RESIDENT, [_r("age", "gte", 80)],
     "80周岁及以上老人每月发放高龄津贴100元", "由社区统一核对后按月发放,无需申请", 200),
    ("独居老人冬季取暖补贴", "district", Audience.RESIDENT,
     [_r("tags", "any", ["elderly_alone"])],
     "每户一次性发放取暖补贴800元", "携身份证到社区党群服务中心登记", 30),
    ("残疾人两项补贴", "district", Audience.RESIDENT, [_r("tags", "any", ["disabled"])],
     "困难残疾人生活补贴和重度残疾人护理补贴", "本人或监护人向社区提出申请", 120),
    ("低保家庭临时救助", "district", Audience.RESIDENT, [_r("tags", "any", ["assisted"])],
     "遇突发困难可申请临时救助金", "向所在社区提出申请,街道审核", 90),
    ("退役军人节日慰问", "district", Audience.RESIDENT, [_r("tags", "any", ["veteran"])],
     "春节、八一慰问金及慰问品", "由退役军人服务站上门发放", 60),
    ("60周岁以上老人免费健康体检", "street", Audience.RESIDENT,
     [_r("age", "gte", 60), _r("is_floating", "eq", False)],
     "每年一次免费健康体检", "凭身份证到社区卫生服务中心预约", 45),
    ("流动人口子女入学服务", "street", Audience.RESIDENT,
     [_r("is_floating", "eq", True), _r("age", "between", [6, 15])],
     "随迁子女就近入学", "持居住证到街道教育服务窗口办理", 150),
    ("小微餐饮企业房租减免", "street", Audience.BUSINESS,
     [_r("industry", "in", ["餐饮"]), _r("employees", "lte", 20)],
     "国有房产承租的小微餐饮企业减免3个月房租", "向街道营商环境服务站提交租赁合同", 10),
    ("个体工商户稳岗补贴", "district", Audience.BUSINESS,
     [_r("kind", "in", ["individual", "shop"])],
     "按在岗人数每人补贴500元", "登录政务服务网申报,街道初审", 75),
    ("规上企业人才引进奖励", "district", Audience.BUSINESS,
     [_r("kind", "in", ["enterprise"]), _r("employees", "gte", 50)],
     "引进本科以上人才给予一次性奖励", "企业向区人社局申报", 20),
    ("社区老年食堂助餐补贴", "community", Audience.RESIDENT,
     [_r("age", "gte", 70)], "每餐补贴3元", "到社区老年食堂刷卡就餐", 5),
    ("驻区单位共建项目资助(征求意见)", "street", Audience.BUSINESS,
     [_r("is_resident_unit", "eq", True)], "共建项目最高资助5万元", "街道党工委统一受理", None),
    ("出租房屋安全改造补助(草稿)", "community", Audience.RESIDENT,
     [_r("housing", "in", ["rented"])], "出租房屋消防改造补助", "向社区申请", None),
)  # fmt: skip
WITHDRAWN_TITLE = "退役军人节日慰问"


def _link_personas(tree: RegionTree, today: dt.date) -> None:
    grid = tree.persona_grid()
    citizen = User.objects.filter(username="citizen").first()
    resident = (
        matching(Audience.RESIDENT, [{"field": "age", "op": "gte", "value": 70}], grid, today=today)
        .order_by("id")
        .first()
    ) or Resident.objects.filter(grid=grid).order_by("id").first()
    if citizen is not None and resident is not None:
        CivicContact.objects.update_or_create(user=citizen, defaults={"resident": resident})
    enterprise = User.objects.filter(username="enterprise").first()
    street = tree.persona_street()
    firms = Business.objects.filter(grid__path__subtree=street.path).order_by("id")
    firm = firms.filter(industry="餐饮", employees__lte=20).first() or firms.first()
    if enterprise is not None and firm is not None:
        CivicContact.objects.update_or_create(user=enterprise, defaults={"business": firm})


def seed_civic(ctx: SeedContext) -> None:
    """Seed stage (its own transaction, after the cases): this domain's demo rows, anchored to today."""
    tree = RegionTree.load()
    end = ctx.end or reference_end()
    today = end.date()
    _link_personas(tree, today)
    regions: dict[str, Region] = {
        "district": tree.district,
        "street": tree.persona_street(),
        "community": tree.persona_community(),
    }
    issuers = {"district": f"{tree.district.name}民政局", "street": regions["street"].name,
               "community": regions["community"].name}  # fmt: skip
    author = User.objects.filter(username="street_staff").first()
    for title, level, audience, rules, benefit, how, age in _POLICIES:
        region = regions[level]
        published = None if age is None else end - dt.timedelta(days=age)
        valid_from = (published or end).date()
        policy = Policy.objects.create(
            title=title,
            body=f"<p>{benefit}。</p><p>{how}。</p>",
            issuer=issuers[level],
            benefit=benefit,
            how_to_apply=how,
            region=region,
            audience=audience,
            rules=rules,
            valid_from=valid_from,
            valid_until=valid_from + dt.timedelta(days=365),
            status=PolicyStatus.DRAFT if published is None else PolicyStatus.PUBLISHED,
            published_at=published,
            matched_count=matching(audience, rules, region, today=today).count() if published else 0,
            push_status=PushStatus.NONE if published is None else PushStatus.QUEUED,
            created_by=author,
        )
        ctx.counts["civic_policies"] += 1
        if published is None:
            continue
        push_policy_now(policy.pk)
        PolicyReach.objects.filter(policy=policy).update(pushed_at=published)
        Policy.objects.filter(pk=policy.pk).update(pushed_at=published + dt.timedelta(minutes=3))
        if title == WITHDRAWN_TITLE:
            Policy.objects.filter(pk=policy.pk).update(
                status=PolicyStatus.WITHDRAWN, withdrawn_at=published + dt.timedelta(days=20)
            )
    # Half of what was pushed long enough ago has been read.
    for reach in PolicyReach.objects.filter(policy__region__path__subtree=tree.district.path).order_by("id")[
        ::2
    ]:
        PolicyReach.objects.filter(pk=reach.pk).update(
            read_at=min(reach.pushed_at + dt.timedelta(hours=5), end)
        )
    ctx.counts["civic_reach"] = PolicyReach.objects.count()


def delete_civic(district: Region | None, deleted: dict[str, int]) -> None:
    """Reset: delete this domain's demo rows (runs first, before the registry and the accounts)."""
    policies = (
        Policy.objects.all()
        if district is None
        else Policy.objects.filter(region__path__subtree=district.path)
    )
    deleted["civic_policies"] = policies.delete()[0]
    usernames = ["citizen", "enterprise"]
    deleted["civic_contacts"] = CivicContact.objects.filter(user__username__in=usernames).delete()[0]
