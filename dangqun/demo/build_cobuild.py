"""The demo's co-building (共驻共建), part of the 区域化党建 stage (``build_community``): the streets'
大工委 gain their own 共建单位; every unit has an agreement (some ending within 30 days, some expired
and renewed); 8 alliances across fields led by the streets' 党工委; pairings of the communities'
党委 with villages, communities and firms; and a year of 联席会议 whose decisions are
responsibilities in every state (done, open, open and overdue), anchored to the demo's today."""

from __future__ import annotations

import datetime as dt
import random

from dangqun.community.models import (
    Agreement,
    Alliance,
    AllianceField,
    AllianceMember,
    CoUnit,
    JointMeeting,
    Pairing,
    PairingKind,
    PartnerKind,
    Responsibility,
    ResponsibilityStatus,
)
from dangqun.demo.context import SeedContext
from dangqun.orgs.models import PartyOrg
from dangqun.regions.models import Region, RegionLevel
from dangqun.registry.models import Institution

# i18n: data — the demo's co-building words.
COMMITMENTS = (
    "开放单位活动场地,每季度参与社区共建活动不少于1次",
    "认领社区需求清单项目,组织党员志愿者进社区服务",
    "资助困难群众帮扶,共同开展主题党日活动",
    "提供就业见习岗位,参与小区环境整治",
)
ALLIANCES = (
    ("红色物业党建联盟", "物业服务与小区治理"),
    ("商圈党建融合体", "营商环境与新业态党建"),
    ("医校社共建联盟", "健康服务进社区"),
    ("教育共同体党建联盟", "青少年成长与课后服务"),
    ("快递外卖小哥党建联盟", "新就业群体关爱"),
    ("城乡联建共富联盟", "城乡结对与产业帮扶"),
    ("平安共建党建联盟", "平安建设与矛盾调解"),
    ("文明实践党建联盟", "新时代文明实践"),
)
EXTRA_MEMBERS = (
    ("区第一中学党总支", AllianceField.SCHOOL),
    ("区人民医院党委", AllianceField.HEALTH),
    ("顺丰速运网点党支部", AllianceField.NEW_ECONOMY),
    ("区社会组织联合党委", AllianceField.SOCIAL),
    ("区住建局机关党委", AllianceField.GOVERNMENT),
)
PARTNERS = (
    ("东湖村", PartnerKind.VILLAGE, PairingKind.URBAN_RURAL, "特色农产品销售帮扶"),
    ("新兴科技有限公司", PartnerKind.FIRM, PairingKind.JOINT, "党建带群建,共办职工服务"),
    ("区税务局机关党支部", PartnerKind.ORG, PairingKind.TWINNING, "政策宣讲进社区"),
    ("南山社区", PartnerKind.COMMUNITY, PairingKind.TWINNING, "社区治理经验互学"),
)
TOPICS = (
    ("大党委联席会议:老旧小区改造协调", "老旧小区改造方案;施工期间停车安排"),
    ("大党委联席会议:共建项目年中推进", "需求清单认领情况;共建项目进度"),
    ("大党委联席会议:冬季安全与帮扶", "独居老人冬季走访;消防安全检查"),
    ("大党委联席会议:年度共建计划", "年度责任清单;共建协议续签"),
)
DECISIONS = (
    "协调单位停车场夜间向居民开放",
    "组织党员志愿者开展楼道清理",
    "为独居老人安装烟感报警器",
    "开放单位食堂为老年人助餐",
    "联合开展消防安全演练",
    "落实困难家庭结对帮扶",
)
OWNERS = ("张明", "李强", "王芳", "刘洋", "陈静", "赵刚")
LIAISONS = "王李张刘陈杨赵黄周吴"
STREET_UNITS = 2
ALLIANCE_COUNT = 8


def _agreements(rng: random.Random, units: list[CoUnit], today: dt.date) -> list[Agreement]:
    rows: list[Agreement] = []
    for n, unit in enumerate(units):
        kind = n % 5  # 0: ends within 30 days; 1: renewed last year; others in force
        if kind == 0:
            ends = today + dt.timedelta(days=rng.randrange(3, 29))
        else:
            ends = today + dt.timedelta(days=rng.randrange(90, 700))
        starts = ends - dt.timedelta(days=365 * 2)
        rows.append(
            Agreement(
                code=f"XY{unit.pk:05d}A",
                unit=unit,
                region=unit.region,
                title=f"{unit.name}联建共建协议书",
                parties=f"{unit.region.name}党组织、{unit.name}",
                commitments=rng.choice(COMMITMENTS),
                signed_on=min(starts, today),
                starts_on=starts,
                ends_on=ends,
            )
        )
    return rows


def _renewed(ctx: SeedContext, agreements: list[Agreement], today: dt.date) -> None:
    """Every fifth agreement (kind 1) renews one that ended last year."""
    old = []
    for n, current in enumerate(agreements):
        if n % 5 != 1:
            continue
        ends = current.starts_on - dt.timedelta(days=1)
        old.append(
            Agreement(
                code=f"XY{current.unit_id:05d}0",
                unit=current.unit,
                region=current.region,
                title=current.title,
                parties=current.parties,
                commitments=current.commitments,
                signed_on=ends - dt.timedelta(days=730),
                starts_on=ends - dt.timedelta(days=730),
                ends_on=ends,
            )
        )
    ctx.insert(Agreement, old, label="community_agreements")
    by_unit = {a.unit_id: a for a in old}
    for current in agreements:
        if current.unit_id in by_unit and current.code.endswith("A"):
            current.renews = by_unit[current.unit_id]
            current.save(update_fields=["renews"])


def _street_units(ctx: SeedContext, rng: random.Random, street: Region, today: dt.date) -> list[CoUnit]:
    taken = CoUnit.objects.filter(region__path__subtree=street.path, institution__isnull=False).values(
        "institution_id"
    )
    hosts = list(
        Institution.objects.filter(grid__path__subtree=street.path)
        .exclude(pk__in=taken)
        .order_by("id")[:STREET_UNITS]
    )
    return ctx.insert(
        CoUnit,
        [
            CoUnit(
                name=h.name,
                region=street,
                institution=h,
                member_name=rng.choice(LIAISONS) + rng.choice(("处长", "主任", "书记")),
                joined_on=today - dt.timedelta(days=rng.randrange(200, 1500)),
            )
            for h in hosts
        ],
        label="community_units",
    )


def _decisions(
    rng: random.Random, meeting: JointMeeting, units: list[CoUnit], today: dt.date
) -> list[Responsibility]:
    rows = []
    for _ in range(rng.randrange(1, 4)):
        due = meeting.held_on + dt.timedelta(days=rng.randrange(14, 90))
        done = (due < today and rng.random() < 0.85) or (due >= today and rng.random() < 0.25)
        rows.append(
            Responsibility(
                unit=rng.choice(units),
                region=meeting.region,
                meeting=meeting,
                year=due.year,
                title=rng.choice(DECISIONS),
                owner_name=rng.choice(OWNERS),
                due_on=due,
                status=ResponsibilityStatus.DONE if done else ResponsibilityStatus.OPEN,
                done_at=meeting.created_at if done else None,
                done_note="已按期落实" if done else "",
            )
        )
    return rows


def _meetings(
    ctx: SeedContext,
    rng: random.Random,
    region: Region,
    units: list[CoUnit],
    today: dt.date,
    *,
    every_days: int,
    alliance: Alliance | None = None,
) -> None:
    if not units:
        return
    meetings = []
    held = today - dt.timedelta(days=rng.randrange(3, every_days))
    while held > today - dt.timedelta(days=365):
        topic, agenda = rng.choice(TOPICS)
        if alliance is not None:
            topic = f"{alliance.name}联席会议:{alliance.theme}"
        meetings.append(
            JointMeeting(
                region=region,
                alliance=alliance,
                held_on=held,
                place="党群服务中心会议室",
                topic=topic,
                attendees="、".join(u.name for u in units[:6]),
                agenda=agenda,
                minutes="与会单位通报共建进展,研究确定以下事项并明确责任单位和完成时限。",
            )
        )
        held -= dt.timedelta(days=every_days)
    ctx.insert(JointMeeting, meetings, label="community_joint_meetings")
    decisions = [d for m in meetings for d in _decisions(rng, m, units, today)]
    ctx.insert(Responsibility, decisions, label="community_meeting_decisions")


def seed_cobuild(ctx: SeedContext, today: dt.date) -> None:
    """Co-building rows over the units ``build_community`` made for the communities."""
    streets = list(Region.objects.filter(level=RegionLevel.STREET, is_active=True).order_by("path"))
    orgs = {
        o.region_id: o for o in PartyOrg.objects.filter(region__isnull=False, is_active=True).order_by("-id")
    }
    all_units: list[CoUnit] = []
    alliances: list[tuple[Alliance, list[CoUnit]]] = []
    for s, street in enumerate(streets):
        rng = ctx.rng("cobuild", street.code)
        own = _street_units(ctx, rng, street, today)
        units = own + list(
            CoUnit.objects.filter(region__path__subtree=street.path, region__level=RegionLevel.COMMUNITY)
        )
        all_units += units
        _meetings(ctx, rng, street, own or units, today, every_days=60)
        lead = orgs.get(street.pk)
        for a in range(s, ALLIANCE_COUNT, len(streets)):
            if lead is None or not units:
                continue
            name, theme = ALLIANCES[a]
            alliance = Alliance.objects.create(
                name=name,
                region=street,
                lead_org=lead,
                theme=theme,
                founded_on=today - dt.timedelta(days=400 + a * 30),
            )
            ctx.counts["community_alliances"] += 1
            seated = rng.sample(units, min(4, len(units)))
            members = [
                AllianceMember(
                    alliance=alliance,
                    unit=u,
                    org_name=u.name,
                    field=AllianceField.ENTERPRISE if u.business_id else AllianceField.PUBLIC,
                    liaison_name=rng.choice(LIAISONS) + rng.choice(("伟", "敏", "静", "磊")),
                    joined_on=alliance.founded_on,
                )
                for u in seated
            ] + [
                AllianceMember(
                    alliance=alliance,
                    org_name=org_name,
                    field=field,
                    liaison_name=rng.choice(LIAISONS) + rng.choice(("伟", "敏", "静", "磊")),
                    joined_on=alliance.founded_on,
                )
                for org_name, field in rng.sample(EXTRA_MEMBERS, 3)
            ]
            ctx.insert(AllianceMember, members, label="community_alliance_members")
            alliances.append((alliance, seated))
    for alliance, seated in alliances:
        _meetings(
            ctx,
            ctx.rng("cobuild", alliance.name),
            alliance.region,
            seated,
            today,
            every_days=120,
            alliance=alliance,
        )
    communities = Region.objects.filter(level=RegionLevel.COMMUNITY, is_active=True).order_by("path")
    pairings = []
    for community in communities:
        rng = ctx.rng("cobuild", community.code)
        units = [u for u in all_units if u.region_id == community.pk]
        _meetings(ctx, rng, community, units, today, every_days=90)
        org = orgs.get(community.pk)
        if org is None:
            continue
        for partner, partner_kind, kind, goal in rng.sample(PARTNERS, 2):
            pairings.append(
                Pairing(
                    kind=kind,
                    region=community,
                    org=org,
                    partner_name=partner,
                    partner_kind=partner_kind,
                    goal=goal,
                    started_on=today - dt.timedelta(days=rng.randrange(30, 900)),
                )
            )
    ctx.insert(Pairing, pairings, label="community_pairings")
    agreements = ctx.insert(
        Agreement,
        _agreements(ctx.rng("cobuild", "agreements"), all_units, today),
        label="community_agreements",
    )
    _renewed(ctx, agreements, today)


def delete_cobuild(within: str, deleted: dict[str, int]) -> None:
    """Reset: the co-building rows of the district (before the responsibilities' units and regions)."""
    deleted["community_meeting_decisions"] = Responsibility.objects.filter(
        region__path__subtree=within, meeting__isnull=False
    ).delete()[0]
    deleted["community_joint_meetings"] = JointMeeting.objects.filter(region__path__subtree=within).delete()[
        0
    ]
    deleted["community_alliances"] = Alliance.objects.filter(region__path__subtree=within).delete()[0]
    deleted["community_pairings"] = Pairing.objects.filter(region__path__subtree=within).delete()[0]
    agreements = Agreement.objects.filter(region__path__subtree=within)
    agreements.update(renews=None)
    deleted["community_agreements"] = agreements.delete()[0]
