"""The demo's 办事指南 (``dangqun.civic``): seed 003's village catalogue of 39 service items (21 of
them submitted online, 代办 to the county hall), a few items of the persona community, the persona
street and the district, and online applications in flight anchored to today: new ones waiting, some
accepted, some handed over to the service hall (deadline lights green, yellow and red), a few done
and one returned. Each item's QR code is drawn on request from its public address."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangqun.accounts.models import User
from dangqun.civic.models import (
    ApplicationHandover,
    ApplicationStatus,
    CatalogueLevel,
    ServiceApplication,
    ServiceItem,
)
from dangqun.core import workcal
from dangqun.demo.calendar import reference_end
from dangqun.demo.context import SeedContext
from dangqun.demo.tree import RegionTree
from dangqun.orgs.models import Department
from dangqun.regions.models import Region, RegionKind

ID = "居民身份证原件及复印件"
HUKOU = "户口簿原件及复印件"
PHOTO = "近期免冠一寸照片"
BANK = "本人银行卡(社保卡)复印件"
FORM = "申请表(窗口领取或代办员代填)"

# (name, category, working days, online (代办 to the county hall), department short name or "",
#  materials, conditions) — seed 003's village offers 39 items, 21 of them online.
_VILLAGE: tuple[tuple[str, str, int, bool, str, tuple[str, ...], str], ...] = (
    ("最低生活保障申请", "社会救助", 20, True, "民政局", (FORM, ID, HUKOU, "家庭收入及财产情况说明", BANK),
     "共同生活的家庭成员人均收入低于当地低保标准,且财产状况符合规定"),
    ("特困人员救助供养申请", "社会救助", 20, True, "民政局", (FORM, ID, HUKOU, "无劳动能力证明材料"),
     "无劳动能力、无生活来源、无法定赡养抚养扶养义务人"),
    ("临时救助申请", "社会救助", 10, True, "民政局", (FORM, ID, HUKOU, "遭遇突发困难的相关证明"),
     "因突发事件、意外伤害、重大疾病等导致基本生活暂时困难"),
    ("医疗救助申请", "社会救助", 15, True, "民政局", (FORM, ID, "住院发票及费用清单", "出院小结", BANK),
     "低保对象、特困人员等救助对象个人自付医疗费用"),
    ("残疾人证办理", "残疾人服务", 20, True, "民政局", (ID, HUKOU, "二寸免冠彩色照片3张", "相关病历资料"),
     "持本地户籍的视力、听力、言语、肢体、智力、精神残疾人"),
    ("困难残疾人生活补贴和重度残疾人护理补贴", "残疾人服务", 15, True, "民政局",
     (FORM, "残疾人证原件及复印件", ID, BANK),
     "持第二代残疾人证的低保家庭残疾人或一、二级重度残疾人"),
    ("高龄津贴申请", "养老服务", 10, True, "民政局", (ID, HUKOU, BANK), "本地户籍80周岁及以上老年人"),
    ("城乡居民基本养老保险参保登记", "社会保险", 5, True, "人社局", (ID, HUKOU),
     "年满16周岁、未参加职工养老保险的城乡居民"),
    ("城乡居民养老保险待遇领取申请", "社会保险", 10, True, "人社局", (ID, HUKOU, BANK),
     "年满60周岁、累计缴费满15年"),
    ("城乡居民医疗保险(新农合)缴费", "医疗保障", 1, True, "", (ID, HUKOU),
     "本村户籍且未参加职工医保的居民,每年集中缴费期办理"),
    ("医保异地就医备案", "医疗保障", 3, True, "", (ID, "异地居住或工作证明", "医保电子凭证"),
     "长期异地居住、异地转诊人员"),
    ("生育登记", "卫生健康", 3, True, "卫健局", (ID + "(夫妻双方)", "结婚证原件及复印件", HUKOU),
     "依法登记结婚的夫妻"),
    ("独生子女父母奖励扶助申请", "卫生健康", 20, True, "卫健局", (FORM, ID, HUKOU, "独生子女父母光荣证"),
     "农村独生子女或两女户家庭父母年满60周岁"),
    ("计划生育特别扶助金申请", "卫生健康", 20, True, "卫健局", (FORM, ID, "子女死亡或伤残证明"),
     "独生子女死亡或伤残家庭"),
    ("新生儿出生登记(代办)", "户籍办理", 5, True, "公安分局", ("出生医学证明", HUKOU, "父母身份证及结婚证"),
     "新生儿父母一方为本地户籍"),
    ("居民身份证申领(代办)", "户籍办理", 20, True, "公安分局", (HUKOU, "原身份证(换领)"),
     "本地户籍居民,采集人像后可代办领取"),
    ("死亡人员户口注销(代办)", "户籍办理", 5, True, "公安分局",
     ("死亡医学证明或火化证明", HUKOU, "逝者身份证"),
     "本地户籍人员死亡后一个月内"),
    ("农村危房改造申请", "住房保障", 20, True, "", (FORM, ID, HUKOU, "房屋现状照片"),
     "低保户、分散供养特困人员、贫困残疾人家庭等居住危房"),
    ("耕地地力保护补贴申报", "农业补贴", 10, True, "", (ID, "土地确权证", BANK), "承包耕地并实际种植的农户"),
    ("退役军人优待证申领", "退役军人服务", 15, True, "", (ID, "退役证件", PHOTO), "本地户籍退役军人"),
    ("雨露计划职业教育补助申请", "教育资助", 15, True, "", (FORM, ID, "学生证及在校证明", BANK),
     "脱贫户、监测户家庭中职、高职在读学生"),
    ("农村宅基地建房申请", "自然资源", 20, False, "", (FORM, ID, HUKOU, "宅基地位置示意图", "相邻权利人意见"),
     "本村集体经济组织成员,一户一宅"),
    ("土地承包经营权流转备案", "农业农村", 5, False, "", ("流转合同", ID, "土地确权证"),
     "承包农户依法自愿有偿流转"),
    ("农机购置补贴申请", "农业补贴", 15, False, "", (ID, "购机发票", "农机合格证", BANK),
     "购买补贴目录内农机具的农户"),
    ("林木采伐申请", "林业", 10, False, "", (FORM, ID, "林权证", "采伐作业设计"), "持有林权证的林木所有者"),
    ("优抚对象定期抚恤补助申请", "退役军人服务", 15, False, "", (FORM, ID, "优抚对象证件"),
     "在乡老复员军人、伤残军人等优抚对象"),
    ("就业创业证申领", "就业服务", 5, False, "人社局", (ID, PHOTO),
     "法定劳动年龄内有劳动能力和就业意愿的人员"),
    ("农村劳动力转移就业登记", "就业服务", 1, False, "", (ID,), "外出务工的本村劳动力"),
    ("创业担保贷款申请", "就业服务", 20, False, "人社局", (FORM, ID, "营业执照", "创业项目说明"),
     "返乡创业人员、脱贫人口等"),
    ("学生资助(教育救助)申请", "教育资助", 15, False, "", (FORM, ID, "学生证", "家庭经济困难证明"),
     "家庭经济困难在校学生"),
    ("孤儿基本生活费申请", "儿童福利", 20, False, "民政局", (FORM, "孤儿户口簿", "父母死亡证明"),
     "失去父母或查找不到生父母的未满18周岁儿童"),
    ("事实无人抚养儿童认定", "儿童福利", 20, False, "民政局", (FORM, "儿童户口簿", "父母情况证明"),
     "父母双方重残、重病、服刑等情形"),
    ("殡葬补贴申请", "社会事务", 10, False, "民政局", ("火化证明", "逝者身份证", "申领人身份证", BANK),
     "本地户籍居民去世后实行火化的"),
    ("家庭经济困难证明开具", "村级证明", 1, False, "", (ID, HUKOU, "家庭收入情况说明"),
     "本村村民因就学、就医等需要"),
    ("亲属关系证明开具", "村级证明", 1, False, "", (ID, HUKOU), "本村村民因办理继承、探视等需要"),
    ("居住证明开具", "村级证明", 1, False, "", (ID,), "在本村实际居住的人员"),
    ("社会救助家庭经济状况核对授权", "社会救助", 1, False, "", (ID + "(家庭成员)", "核对授权书"),
     "申请社会救助的家庭"),
    ("生猪养殖备案", "农业农村", 5, False, "", (ID, "养殖场地情况说明"), "在本村从事生猪养殖的农户"),
    ("村民矛盾纠纷调解申请", "平安建设", 5, False, "", ("调解申请书", ID), "本村村民之间的民间纠纷"),
)  # fmt: skip

# A few items of the persona community, the persona street and the district (level, name, category,
# days, department, materials).
_OTHERS: tuple[tuple[str, str, str, int, str, tuple[str, ...]], ...] = (
    ("community", "居住证明开具", "社区证明", 1, "", (ID, "租房合同或房产证")),
    ("community", "高龄津贴申请", "养老服务", 10, "民政局", (ID, HUKOU, BANK)),
    ("community", "残疾人证办理(代办)", "残疾人服务", 20, "民政局",
     (ID, HUKOU, "二寸免冠彩色照片3张", "相关病历资料")),
    ("community", "城乡居民医保参保缴费", "医疗保障", 1, "", (ID, HUKOU)),
    ("community", "生育登记", "卫生健康", 3, "卫健局", (ID + "(夫妻双方)", "结婚证原件及复印件")),
    ("community", "老年人优待证办理", "养老服务", 5, "", (ID, PHOTO)),
    ("street", "最低生活保障审核确认", "社会救助", 20, "民政局", (FORM, ID, HUKOU, "家庭收入及财产情况说明")),
    ("street", "个体工商户登记(代办)", "营商服务", 3, "", (ID, "经营场所证明")),
    ("street", "流动人员居住证办理", "户籍办理", 15, "公安分局", (ID, PHOTO, "居住证明")),
    ("street", "灵活就业人员社保登记", "社会保险", 5, "人社局", (ID,)),
    ("district", "失业保险金申领", "社会保险", 10, "人社局", (ID, "解除劳动合同证明", BANK)),
    ("district", "特困人员救助供养审批", "社会救助", 20, "民政局", (FORM, ID, HUKOU)),
    ("district", "医疗机构执业登记", "卫生健康", 20, "卫健局", (FORM, "营业执照", "场所证明")),
    ("district", "无犯罪记录证明开具", "户籍办理", 3, "公安分局", (ID,)),
)  # fmt: skip

# Applications in flight (level, item index in its level's list, applicant, working hours ago, status,
# hand-overs). Anchored to the seed's end; the lights fall out of the time limits.
_APPLICATIONS: tuple[tuple[str, int, str, int, str, tuple[str, ...]], ...] = (
    ("community", 0, "citizen", 2, ApplicationStatus.SUBMITTED, ()),
    ("community", 1, "party_member", 20, ApplicationStatus.SUBMITTED, ()),
    ("community", 2, "citizen", 60, ApplicationStatus.ACCEPTED, ()),
    ("community", 4, "working_member", 14, ApplicationStatus.HANDED_OVER, ("区政务服务中心卫健窗口",)),
    ("community", 1, "enterprise", 90, ApplicationStatus.HANDED_OVER,
     ("街道便民服务中心", "区政务服务中心民政窗口")),
    ("community", 5, "party_member", 60, ApplicationStatus.ACCEPTED, ()),
    ("community", 3, "working_member", 30, ApplicationStatus.DONE, ("区医保服务大厅",)),
    ("community", 0, "enterprise", 40, ApplicationStatus.RETURNED, ()),
    ("village", 0, "party_member", 4, ApplicationStatus.SUBMITTED, ()),
    ("village", 4, "citizen", 50, ApplicationStatus.HANDED_OVER, ("县政务服务中心残联窗口",)),
    ("village", 11, "working_member", 20, ApplicationStatus.ACCEPTED, ()),
    ("village", 9, "enterprise", 26, ApplicationStatus.DONE, ("县医保服务大厅",)),
    ("street", 0, "citizen", 120, ApplicationStatus.HANDED_OVER, ("区政务服务中心民政窗口",)),
)  # fmt: skip


def seed_village(tree: RegionTree) -> Region:
    """Seed 003's village: the district's first village, or the persona community when it has none."""
    return next((c for c in tree.communities() if c.kind == RegionKind.VILLAGE), tree.persona_community())


def _departments() -> dict[str, Department]:
    return {d.short_name: d for d in Department.objects.filter(is_active=True) if d.short_name}


def _materials(names: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{"name": n, "copies": 1, "note": ""} for n in names]


def _item(code: str, region: Region, level: str, sort: int, **fields: Any) -> ServiceItem:
    return ServiceItem(code=code, region=region, level=level, sort_order=sort, **fields)


def _hours_before(end: dt.datetime, hours: int) -> dt.datetime:
    """A moment ``hours`` working hours before ``end`` (walks back in whole hours on the calendar)."""
    at = end
    step = dt.timedelta(hours=1)
    left = hours
    while left > 0:
        at -= step
        if workcal.is_workday(at.date()) and 9 <= at.hour < 17:
            left -= 1
    return at


def seed_guides(ctx: SeedContext) -> None:
    """Seed stage: the catalogues and the applications in flight, anchored to today."""
    tree = RegionTree.load()
    end = ctx.end or reference_end()
    village = seed_village(tree)
    regions = {
        "community": tree.persona_community(),
        "street": tree.persona_street(),
        "district": tree.district,
    }
    departments = _departments()
    items: dict[str, list[ServiceItem]] = {"village": [], "community": [], "street": [], "district": []}
    hall = f"{village.name}便民服务代办点"
    for n, (name, category, days, online, dept, names, conditions) in enumerate(_VILLAGE, start=1):
        items["village"].append(
            _item(
                f"{village.code}-{n:03d}",
                village,
                CatalogueLevel.COMMUNITY,
                n,
                name=name,
                category=category,
                time_limit_days=days,
                online=online,
                department=departments.get(dept) if dept else None,
                unit_name=hall,
                conditions=conditions,
                materials=_materials(names),
                location=f"{village.name}党群服务中心一楼便民服务代办点",
                hours="工作日 8:30—12:00,14:30—17:30",
                phone="0415-3120" + f"{n:03d}"[-3:],
            )
        )
    levels = {"community": CatalogueLevel.COMMUNITY, "street": CatalogueLevel.STREET,
              "district": CatalogueLevel.DISTRICT}  # fmt: skip
    halls = {"community": f"{regions['community'].name}党群服务中心便民窗口",
             "street": f"{regions['street'].name}便民服务中心",
             "district": f"{tree.district.name}政务服务中心"}  # fmt: skip
    for n, (level, name, category, days, dept, names) in enumerate(_OTHERS, start=1):
        region = regions[level]
        if region.pk == village.pk and level == "community":
            continue
        items[level].append(
            _item(
                f"{region.code}-{100 + n:03d}",
                region,
                levels[level],
                n,
                name=name,
                category=category,
                time_limit_days=days,
                online=True,
                department=departments.get(dept) if dept else None,
                unit_name=halls[level],
                conditions="",
                materials=_materials(names),
                location=halls[level],
                hours="工作日 9:00—17:00",
            )
        )
    for rows in items.values():
        ServiceItem.objects.bulk_create(rows)
    ctx.counts["civic_service_items"] = sum(len(rows) for rows in items.values())
    ctx.counts["civic_service_items_village"] = len(items["village"])
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["citizen", "party_member", "working_member", "enterprise", "community_staff"]
        )
    }
    staff = users.get("community_staff")
    for i, (level, index, username, hours_ago, status, handovers) in enumerate(_APPLICATIONS, start=1):
        pool = items[level] or items["community"]
        applicant = users.get(username)
        if not pool or applicant is None:
            continue
        item = ServiceItem.objects.get(code=pool[index % len(pool)].code)
        submitted = _hours_before(end, hours_ago)
        due = workcal.add_working_days(submitted, item.time_limit_days)
        application = ServiceApplication.objects.create(
            code=f"DB{end:%y%m%d}{i:04d}",
            item=item,
            applicant=applicant,
            note="请代办,谢谢",
            status=status,
            submitted_at=submitted,
            due_at=due,
            accepted_at=None if status == ApplicationStatus.SUBMITTED else submitted + dt.timedelta(hours=1),
            done_at=min(due, end) - dt.timedelta(hours=2) if status == ApplicationStatus.DONE else None,
            returned_at=submitted + dt.timedelta(hours=3) if status == ApplicationStatus.RETURNED else None,
            result="已办结,证件已送达申请人" if status == ApplicationStatus.DONE else "",
            return_reason="材料不全:缺少户口簿复印件,请补齐后重新提交"
            if status == ApplicationStatus.RETURNED
            else "",
        )
        where = item.unit_name or item.region.name
        for k, to_place in enumerate(handovers, start=1):
            ApplicationHandover.objects.create(
                application=application,
                from_place=where,
                to_place=to_place,
                at=submitted + dt.timedelta(hours=2 + k),
                note="代办员送交材料",
                actor=staff,
            )
            where = to_place
        ctx.counts["civic_applications"] += 1


def delete_guides(district: Region | None, deleted: dict[str, int]) -> None:
    """Reset: this domain's service items and applications (before the registry and the accounts)."""
    items = (
        ServiceItem.objects.all()
        if district is None
        else ServiceItem.objects.filter(region__path__subtree=district.path)
    )
    deleted["civic_applications"] = ServiceApplication.objects.filter(item__in=items).delete()[0]
    deleted["civic_service_items"] = items.delete()[0]
