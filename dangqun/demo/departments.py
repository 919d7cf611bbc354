"""The district's departments (职能部门), agencies and utilities, with their duties."""

from __future__ import annotations

from dataclasses import dataclass

from dangqun.orgs.models import DepartmentKind


@dataclass(frozen=True)
class DepartmentSpec:
    short_name: str
    name: str
    kind: DepartmentKind
    duties: str


DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec("城管局", "元宝区城市管理局", DepartmentKind.DEPARTMENT,
        "市容环境卫生、占道经营、违章建筑、户外广告、路灯照明、垃圾收集清运、园林绿化管护等城市管理和综合执法。"),
    DepartmentSpec("住建局", "元宝区住房和城乡建设局", DepartmentKind.DEPARTMENT,
        "物业管理监督、老旧小区改造、房屋安全鉴定、建筑工地管理、商品房交付与维修资金等。"),
    DepartmentSpec("民政局", "元宝区民政局", DepartmentKind.DEPARTMENT,
        "最低生活保障、特困供养、临时救助、养老服务、残疾人两项补贴、社区建设和社会组织管理。"),
    DepartmentSpec("人社局", "元宝区人力资源和社会保障局", DepartmentKind.DEPARTMENT,
        "就业创业服务、企业用工、劳动保障监察与欠薪处理、社会保险经办。"),
    DepartmentSpec("卫健局", "元宝区卫生健康局", DepartmentKind.DEPARTMENT,
        "医疗机构监管、公共卫生与疫情防控、家庭医生签约、计划生育与老龄健康服务。"),
    DepartmentSpec("教育局", "元宝区教育局", DepartmentKind.DEPARTMENT,
        "中小学和幼儿园管理、入学划片、校外培训监管、校园周边安全。"),
    DepartmentSpec("交通运输局", "元宝区交通运输局", DepartmentKind.DEPARTMENT,
        "公交线路与站点、道路养护、出租车和网约车管理、交通设施维护。"),
    DepartmentSpec("生态环境分局", "丹东市生态环境局元宝分局", DepartmentKind.AGENCY,
        "大气、水、噪声、油烟和固体废物污染的监督检查与投诉处理。"),
    DepartmentSpec("市场监管局", "元宝区市场监督管理局", DepartmentKind.DEPARTMENT,
        "食品药品安全、价格和计量、消费投诉、市场主体登记、无证经营查处。"),
    DepartmentSpec("应急管理局", "元宝区应急管理局", DepartmentKind.DEPARTMENT,
        "安全生产监管、防汛抗旱、森林防火、应急避难场所和应急物资、灾害救助。"),
    DepartmentSpec("公安分局", "丹东市公安局元宝分局", DepartmentKind.AGENCY,
        "治安管理、户籍和流动人口、道路交通秩序、视频监控、矛盾纠纷排查和平安建设。"),
    DepartmentSpec("司法局", "元宝区司法局", DepartmentKind.DEPARTMENT,
        "人民调解、法律援助、社区矫正、普法宣传和公共法律服务。"),
    DepartmentSpec("信访局", "元宝区信访局", DepartmentKind.DEPARTMENT,
        "群众来信来访受理、交办、督办和复查,信访矛盾化解。"),
    DepartmentSpec("文旅局", "元宝区文化旅游和广播电视局", DepartmentKind.DEPARTMENT,
        "公共文化设施、全民健身器材、文化市场和旅游市场监管、文体活动组织。"),
    DepartmentSpec("水务局", "元宝区水务局", DepartmentKind.DEPARTMENT,
        "排水管网和雨污水井、河道管理、防汛排涝、节约用水。"),
    DepartmentSpec("供热公司", "丹东热力元宝供热分公司", DepartmentKind.UTILITY,
        "冬季供热保障、室温不达标、暖气漏水、供热管网和热力井维修。"),
    DepartmentSpec("供水公司", "丹东供水元宝营业分公司", DepartmentKind.UTILITY,
        "自来水供应、停水抢修、水压水质、供水管网、消火栓和阀门井维护。"),
    DepartmentSpec("燃气公司", "丹东燃气元宝服务站", DepartmentKind.UTILITY,
        "管道燃气供应、燃气泄漏抢险、入户安检、燃气管网和燃气井维护。"),
    DepartmentSpec("供电公司", "国网丹东元宝供电中心", DepartmentKind.UTILITY,
        "居民和企业供电、停电抢修、电力线路和变压器、充电桩接入。"),
)  # fmt: skip


def department_code(district_code: str, position: int) -> str:
    return f"{district_code}D{position:02d}"
