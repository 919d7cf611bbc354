"""The demo's 社区服务清单 (part of the 区域化党建 stage): every community posts the same 52 service
items (the seed's count) with time limits in working days and materials, and residents' requests in
every state — done on time, done late, in progress, waiting, overdue, rejected — anchored to today.
The persona resident made a few in the persona community."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dangqun.accounts.models import User
from dangqun.community.models import ServiceItem, ServiceRequest, ServiceRequestStatus
from dangqun.core import workcal
from dangqun.demo.context import SeedContext
from dangqun.regions.models import Region, RegionLevel

ID_CARD = "居民身份证"
HUKOU = "户口簿"
# i18n: data — (desk, time limit in working days, materials, items).
DESKS: tuple[tuple[str, int, tuple[str, ...], tuple[str, ...]], ...] = (
    ("民政岗", 5, (ID_CARD, HUKOU, "申请书"), (
        "最低生活保障申请", "特困人员供养申请", "临时救助申请", "高龄津贴申领", "残疾人两项补贴申请",
        "孤儿基本生活费申请", "婚姻登记预约指引", "殡葬补助申领", "居家养老服务申请", "老年优待证办理",
    )),
    ("社保岗", 3, (ID_CARD, "社保卡"), (
        "城乡居民养老保险参保登记", "城乡居民医疗保险参保登记", "养老保险待遇资格认证", "社保卡申领",
        "灵活就业人员社保登记", "失业登记", "就业困难人员认定", "职业技能培训报名",
        "创业担保贷款初审", "公益性岗位申请",
    )),
    ("卫健岗", 3, (ID_CARD, HUKOU), (
        "生育登记服务", "独生子女父母光荣证办理", "计划生育家庭特别扶助申请", "家庭医生签约",
        "预防接种证明", "健康档案建立", "孕产妇健康管理登记",
    )),
    ("综合受理岗", 2, (ID_CARD,), (
        "居住证明开具", "亲属关系证明开具", "流动人口居住登记", "居住证申领受理", "出租房屋登记",
        "门牌号码证明", "无犯罪记录查询指引", "入党积极分子政审协查", "在职党员报到登记",
        "党组织关系转接咨询",
    )),
    ("退役军人服务岗", 5, (ID_CARD, "退伍证"), (
        "退役军人信息采集", "优抚对象定期抚恤申领", "光荣牌悬挂申请", "退役军人就业创业服务",
    )),
    ("残联岗", 5, (ID_CARD, "残疾人证"), ("残疾人证办理初审", "辅助器具适配申请", "残疾人就业登记")),
    ("城管环境岗", 3, (ID_CARD, "现场照片"), (
        "小区违章搭建报告", "垃圾分类桶站申请", "楼道照明报修", "绿化补植申请",
    )),
    ("党群服务岗", 2, (ID_CARD,), ("活动场地预约", "志愿者注册", "党员教育室预约", "四点半课堂报名")),
)  # fmt: skip
REQUESTS_PER_COMMUNITY = 24
STATES = (
    [ServiceRequestStatus.DONE] * 16
    + [ServiceRequestStatus.ACCEPTED] * 4
    + [ServiceRequestStatus.SUBMITTED] * 3
    + [ServiceRequestStatus.REJECTED]
)
RESULTS = ("已办结,材料已送达", "已办理完成,请到社区领取", "已上报街道审批通过")  # i18n: data
NAMES = "王李张刘陈杨赵黄周吴"  # i18n: data


def _items(community: Region) -> list[ServiceItem]:
    items, number = [], 0
    for desk, days, materials, names in DESKS:
        for name in names:
            number += 1
            items.append(
                ServiceItem(
                    region=community,
                    number=number,
                    name=name,
                    desk=desk,
                    time_limit_days=days,
                    materials="\n".join(materials),
                )
            )
    return items


def seed_service_list(ctx: SeedContext, today: dt.date, persona_community: Region | None) -> None:
    now = timezone.make_aware(dt.datetime.combine(today, dt.time(10)))
    citizen = User.objects.filter(username="citizen").first()
    communities = list(Region.objects.filter(level=RegionLevel.COMMUNITY, is_active=True).order_by("path"))
    for community in communities:
        rng = ctx.rng("services", community.code)
        items = ctx.insert(ServiceItem, _items(community), label="community_service_items")
        rows = []
        for n in range(REQUESTS_PER_COMMUNITY):
            item = rng.choice(items)
            state = STATES[n % len(STATES)]
            submitted = now - dt.timedelta(
                days=rng.randrange(0, 40) if state != "done" else rng.randrange(5, 200)
            )
            due = workcal.add_working_days(submitted, item.time_limit_days)
            late = rng.random() < 0.1
            done = due + dt.timedelta(hours=20) if late else due - dt.timedelta(hours=rng.randrange(2, 30))
            mine = citizen is not None and community == persona_community and n < 4
            rows.append(
                ServiceRequest(
                    code=f"FW{community.code[-6:]}{n:03d}",
                    item=item,
                    region=community,
                    requester=citizen if mine else None,
                    requester_name=(citizen.display_name if mine and citizen else rng.choice(NAMES) + "女士"),
                    status=state,
                    due_at=due,
                    accepted_at=submitted + dt.timedelta(hours=2) if state in {"accepted", "done"} else None,
                    done_at=done if state == "done" else None,
                    result=rng.choice(RESULTS) if state == "done" else "",
                )
            )
        ctx.insert(ServiceRequest, rows, label="community_service_requests")


def delete_service_list(within: str, deleted: dict[str, int]) -> None:
    deleted["community_service_requests"] = ServiceRequest.objects.filter(
        region__path__subtree=within
    ).delete()[0]
    deleted["community_service_items"] = ServiceItem.objects.filter(region__path__subtree=within).delete()[0]
