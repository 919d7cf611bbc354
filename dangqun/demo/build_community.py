"""The demo's 区域化党建 (``dangqun.community``): one seed stage and what the reset deletes.

Every community of the district gets its 共建单位 (from the registry's businesses and institutions in
it), the resources they offer and a year of needs in every state — published, claimed, in a project
with an owner and a due date, resolved with a result and the residents' rating — so the four lists,
the matching and the 民情回音壁 show real numbers anchored to the demo's today.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from dangqun.community.matching import keywords_of
from dangqun.community.models import (
    Category,
    CoUnit,
    Need,
    NeedSource,
    NeedStatus,
    Project,
    ProjectStatus,
    Resource,
    ResourceKind,
    Responsibility,
    ResponsibilityStatus,
)
from dangqun.demo.build_cobuild import delete_cobuild, seed_cobuild
from dangqun.demo.build_services import delete_service_list, seed_service_list
from dangqun.demo.calendar import reference_end
from dangqun.demo.context import SeedContext
from dangqun.demo.tree import RegionTree
from dangqun.regions.models import Region, RegionLevel
from dangqun.registry.models import Business, Institution

# i18n: data — the demo's needs and resources, by category (title, what a resource offers).
NEEDS: dict[str, tuple[str, ...]] = {
    Category.ELDERLY: ("老年食堂助餐", "独居老人上门探访", "老旧楼道加装扶手", "老年人智能手机培训"),
    Category.CHILDREN: ("暑期托管班", "四点半课堂辅导", "青少年心理疏导讲座"),
    Category.DISABILITY: ("轮椅无障碍坡道改造", "残疾人康复器材", "盲道修复"),
    Category.EMPLOYMENT: ("失业人员技能培训", "灵活就业岗位对接", "大学生见习岗位"),
    Category.ENVIRONMENT: ("小区垃圾分类宣传", "楼道杂物清理", "背街小巷绿化补植"),
    Category.CULTURE: ("广场舞活动场地", "社区读书角", "春节文艺汇演"),
    Category.HEALTH: ("义诊进社区", "慢性病健康讲座", "家庭医生签约宣传"),
    Category.SAFETY: ("电动车充电棚安装", "消防安全演练", "楼栋监控补装"),
    Category.OTHER: ("便民维修服务", "法律咨询进社区"),
}
RESOURCES: dict[str, tuple[tuple[str, str], ...]] = {
    Category.ELDERLY: (("助老志愿服务队", ResourceKind.SKILL), ("老年食堂配餐补贴", ResourceKind.FUNDS)),
    Category.CHILDREN: (
        ("单位活动室开放托管", ResourceKind.ROOM),
        ("青年教师辅导志愿者", ResourceKind.SKILL),
    ),
    Category.DISABILITY: (("无障碍坡道施工队", ResourceKind.SKILL), ("康复器材捐赠", ResourceKind.GOODS)),
    Category.EMPLOYMENT: (("企业招聘岗位", ResourceKind.JOB), ("职业技能培训课程", ResourceKind.SKILL)),
    Category.ENVIRONMENT: (("绿化苗木捐赠", ResourceKind.GOODS), ("清洁志愿服务", ResourceKind.SKILL)),
    Category.CULTURE: (("单位礼堂场地开放", ResourceKind.ROOM), ("图书捐赠", ResourceKind.GOODS)),
    Category.HEALTH: (("医院义诊团队", ResourceKind.SKILL), ("健康讲座专家", ResourceKind.SKILL)),
    Category.SAFETY: (("充电棚共建资金", ResourceKind.FUNDS), ("消防器材捐赠", ResourceKind.GOODS)),
    Category.OTHER: (("律师法律服务", ResourceKind.SKILL), ("家电维修服务", ResourceKind.SKILL)),
}
RESULTS = ("已完成并经居民验收", "项目按期完成,居民满意", "问题已解决,长效机制已建立")  # i18n: data
FEEDBACK = ("非常满意,感谢共建单位", "解决得很及时", "还需要继续跟进维护", "")  # i18n: data
SURNAMES = "王李张刘陈杨赵黄周吴"  # i18n: data
OWNERS = ("张明", "李强", "王芳", "刘洋", "陈静")  # i18n: data
UNITS_PER_COMMUNITY = 3
NEEDS_PER_COMMUNITY = 14


def _today(ctx: SeedContext) -> dt.date:
    return timezone.localdate(ctx.end or reference_end())


def seed_community(ctx: SeedContext) -> None:
    """Seed stage (its own transaction, after the cases): this domain's demo rows, anchored to today."""
    today = _today(ctx)
    communities = list(Region.objects.filter(level=RegionLevel.COMMUNITY, is_active=True).order_by("path"))
    categories = list(RESOURCES)
    for community in communities:
        rng = ctx.rng("community", community.code)
        grids = list(
            Region.objects.filter(path__subtree=community.path, level=RegionLevel.GRID).order_by("path")
        )
        hosts = [
            (b.name, b, None)
            for b in Business.objects.filter(grid__path__subtree=community.path).order_by("id")[:6]
        ] + [
            (i.name, None, i)
            for i in Institution.objects.filter(grid__path__subtree=community.path).order_by("id")[:6]
        ]
        if not hosts:
            continue
        rng.shuffle(hosts)
        units = ctx.insert(
            CoUnit,
            [
                CoUnit(
                    name=name,
                    region=community,
                    business=business,
                    institution=institution,
                    member_name=rng.choice(SURNAMES) + rng.choice(("经理", "主任", "书记")),
                    joined_on=today - dt.timedelta(days=rng.randrange(60, 900)),
                )
                for name, business, institution in hosts[:UNITS_PER_COMMUNITY]
            ],
            label="community_units",
        )
        resources: list[Resource] = []
        for index, category in enumerate(categories):  # between them, the units cover every category
            for offer, (title, kind) in enumerate(RESOURCES[category]):
                unit = units[(index + offer) % len(units)]
                quantity = rng.randrange(2, 10)
                spent = offer > 0 and rng.random() < 0.2  # the second offer: sometimes used up or expired
                until = today + dt.timedelta(days=rng.randrange(60, 400))
                resources.append(
                    Resource(
                        title=title,
                        category=category,
                        kind=kind,
                        region=community,
                        unit=unit,
                        provider=unit.name,
                        quantity=quantity,
                        remaining=0 if spent and rng.random() < 0.5 else quantity,
                        available_until=today - dt.timedelta(days=5) if spent else until,
                        keywords=keywords_of(title, ""),
                    )
                )
        ctx.insert(Resource, resources, label="community_resources")
        _seed_needs(ctx, rng, community, grids, units, resources, today)
    seed_cobuild(ctx, today)
    seed_service_list(ctx, today, RegionTree.load().persona_community())


def _seed_needs(  # noqa: PLR0917 - the stage's working set
    ctx: SeedContext,
    rng: random.Random,
    community: Region,
    grids: list[Region],
    units: list[CoUnit],
    resources: list[Resource],
    today: dt.date,
) -> None:
    now = timezone.make_aware(dt.datetime.combine(today, dt.time(10)))
    statuses = (
        [NeedStatus.RESOLVED] * 8
        + [NeedStatus.IN_PROGRESS] * 2
        + [NeedStatus.CLAIMED] * 2
        + [NeedStatus.PUBLISHED] * 2
    )
    needs: list[Need] = []
    for i in range(NEEDS_PER_COMMUNITY):
        status = statuses[i % len(statuses)]
        category = rng.choice(list(NEEDS))
        raised = now - dt.timedelta(days=rng.randrange(20, 330))
        resolved = raised + dt.timedelta(days=rng.randrange(7, 19)) if status == NeedStatus.RESOLVED else None
        claimed = status != NeedStatus.PUBLISHED
        rated = status == NeedStatus.RESOLVED and rng.random() < 0.8
        needs.append(
            Need(
                code=f"XQ{community.code[-6:]}{i:03d}",
                title=rng.choice(NEEDS[category]),
                category=category,
                region=rng.choice(grids) if grids else community,
                beneficiaries=rng.randrange(1, 200),
                source=rng.choice(list(NeedSource.values)),
                raiser_name=rng.choice(SURNAMES) + rng.choice(("桂兰", "建华", "秀英", "志强")),
                status=status,
                claimed_by=rng.choice(units) if claimed else None,
                claimed_at=raised + dt.timedelta(days=2) if claimed else None,
                resolved_at=resolved,
                result=rng.choice(RESULTS) if resolved else "",
                rating=rng.choice((4, 5, 5, 3)) if rated else None,
                feedback=rng.choice(FEEDBACK) if rated else "",
                rated_at=resolved if rated else None,
            )
        )
    ctx.insert(Need, needs, label="community_needs")
    for need in needs:
        if need.status not in {NeedStatus.RESOLVED, NeedStatus.IN_PROGRESS}:
            continue
        done = need.status == NeedStatus.RESOLVED
        assert need.claimed_by is not None  # noqa: S101 - claimed above
        claimed_at = need.claimed_at or now
        due = (
            (claimed_at + dt.timedelta(days=30)).date()
            if done
            else today + dt.timedelta(days=rng.randrange(-5, 40))
        )
        project = Project.objects.create(
            code="XM" + need.code[2:],
            need=need,
            title=need.title,
            owner_unit=need.claimed_by,
            owner_name=rng.choice(OWNERS),
            milestone=rng.choice(("方案制定", "实施", "验收")),
            due_on=due,
            status=ProjectStatus.DONE if done else ProjectStatus.IN_PROGRESS,
            result=need.result,
            completed_at=need.resolved_at,
        )
        fitting = [r for r in resources if r.category == need.category] or resources[:1]
        project.resources.set(fitting[:1])
        Responsibility.objects.create(
            unit=need.claimed_by,
            region=community,
            project=project,
            year=due.year,
            title=project.title,
            owner_name=project.owner_name,
            due_on=due,
            status=ResponsibilityStatus.DONE if done else ResponsibilityStatus.OPEN,
            done_at=need.resolved_at,
        )
        ctx.counts["community_projects"] += 1


def delete_community(district: Region | None, deleted: dict[str, int]) -> None:
    """Reset: delete this domain's demo rows (runs first, before the registry and the accounts)."""
    if district is None:
        return
    within = district.path
    delete_cobuild(within, deleted)
    delete_service_list(within, deleted)
    deleted["community_responsibilities"] = Responsibility.objects.filter(
        region__path__subtree=within
    ).delete()[0]
    deleted["community_projects"] = Project.objects.filter(need__region__path__subtree=within).delete()[0]
    deleted["community_needs"] = Need.objects.filter(region__path__subtree=within).delete()[0]
    deleted["community_resources"] = Resource.objects.filter(region__path__subtree=within).delete()[0]
    deleted["community_units"] = CoUnit.objects.filter(region__path__subtree=within).delete()[0]
