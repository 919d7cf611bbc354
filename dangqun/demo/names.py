"""Chinese names for people, places, compounds, shops and firms, drawn from a ``random.Random``.

The pools lean to north-east China (丹东): surnames by their rough frequency there, given names by
the decade a person was born in, places after the streets and landmarks of 元宝区.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Sequence

# (surname, weight): weights roughly follow the surname frequencies of Liaoning.
_SURNAMES: tuple[tuple[str, int], ...] = (
    ("王", 90), ("李", 80), ("张", 78), ("刘", 70), ("杨", 30), ("赵", 32), ("孙", 30), ("于", 26),
    ("陈", 25), ("高", 22), ("马", 18), ("徐", 17), ("吴", 14), ("周", 15), ("郭", 13), ("宋", 12),
    ("曲", 9), ("姜", 14), ("董", 11), ("林", 9), ("韩", 10), ("田", 9), ("崔", 9), ("贾", 6),
    ("曹", 7), ("邵", 5), ("唐", 7), ("丁", 6), ("冯", 7), ("吕", 6), ("朴", 5), ("金", 6),
    ("胡", 8), ("何", 6), ("郑", 8), ("梁", 6), ("谢", 5), ("许", 6), ("沈", 4), ("隋", 4),
    ("姚", 5), ("卢", 5), ("宫", 3), ("付", 6), ("范", 5), ("石", 5), ("邹", 4), ("鞠", 3),
)  # fmt: skip
_SURNAME_NAMES = tuple(s for s, _ in _SURNAMES)
_SURNAME_CUM = tuple(itertools.accumulate(w for _, w in _SURNAMES))

# Given names by birth cohort and gender.
_GIVEN: dict[tuple[int, str], tuple[str, ...]] = {
    (0, "M"): (
        "德福",
        "振华",
        "国庆",
        "建国",
        "树林",
        "长山",
        "玉山",
        "宝贵",
        "永福",
        "德胜",
        "凤山",
        "金财",
        "庆和",
        "殿臣",
        "文斌",
        "广田",
        "洪礼",
        "春生",
        "志远",
        "立本",
        "占武",
        "铁柱",
    ),
    (0, "F"): (
        "桂兰",
        "秀英",
        "淑珍",
        "玉兰",
        "凤英",
        "桂芝",
        "淑芬",
        "秀兰",
        "玉珍",
        "素琴",
        "桂珍",
        "秀芳",
        "凤琴",
        "玉梅",
        "淑华",
        "春兰",
        "桂荣",
        "玉芬",
        "秀云",
        "淑琴",
    ),
    (1, "M"): (
        "建军",
        "立新",
        "志刚",
        "海涛",
        "国华",
        "卫东",
        "建华",
        "红军",
        "永强",
        "忠良",
        "晓东",
        "立国",
        "宏伟",
        "学军",
        "振宇",
        "春雷",
        "庆丰",
        "长江",
        "连生",
        "伟",
        "勇",
        "斌",
        "军",
        "刚",
    ),
    (1, "F"): (
        "丽娟",
        "海燕",
        "红梅",
        "秀梅",
        "丽华",
        "艳华",
        "晓红",
        "淑艳",
        "春燕",
        "玉霞",
        "凤霞",
        "红霞",
        "丽萍",
        "艳玲",
        "雪梅",
        "冬梅",
        "立新",
        "桂香",
        "静",
        "敏",
        "燕",
        "红",
    ),
    (2, "M"): (
        "鹏",
        "磊",
        "浩",
        "超",
        "帅",
        "亮",
        "宇",
        "博",
        "鑫",
        "晨",
        "明辉",
        "海洋",
        "志强",
        "俊杰",
        "文博",
        "天宇",
        "成龙",
        "大伟",
        "泽宇",
        "家豪",
        "旭东",
        "晓峰",
    ),
    (2, "F"): (
        "丹",
        "娜",
        "婷",
        "莹",
        "琳",
        "倩",
        "雪",
        "佳",
        "晓丽",
        "丽丽",
        "婷婷",
        "文静",
        "思雨",
        "欣然",
        "雅琪",
        "晓雪",
        "美玲",
        "春晓",
        "梦瑶",
        "佳慧",
        "丹丹",
        "楠",
    ),
    (3, "M"): (
        "子涵",
        "浩然",
        "梓轩",
        "宇航",
        "一鸣",
        "俊熙",
        "子墨",
        "皓轩",
        "梓睿",
        "博文",
        "锦程",
        "思远",
        "沐阳",
        "奕辰",
        "嘉懿",
        "天佑",
        "明轩",
        "宇泽",
        "书航",
        "睿哲",
    ),
    (3, "F"): (
        "欣怡",
        "雨桐",
        "一诺",
        "梓涵",
        "诗涵",
        "可馨",
        "语嫣",
        "若汐",
        "梓萱",
        "紫涵",
        "雨萱",
        "思彤",
        "佳怡",
        "沐晴",
        "安琪",
        "芷若",
        "清妍",
        "心悦",
        "子琪",
        "锦溪",
    ),
}


def _cohort(birth_year: int) -> int:
    if birth_year < 1960:
        return 0
    if birth_year < 1980:
        return 1
    if birth_year < 2000:
        return 2
    return 3


def surname(rng: random.Random) -> str:
    return rng.choices(_SURNAME_NAMES, cum_weights=_SURNAME_CUM)[0]


def given_name(rng: random.Random, *, gender: str, birth_year: int) -> str:
    return rng.choice(_GIVEN[(_cohort(birth_year), gender)])


def person_name(rng: random.Random, *, gender: str, birth_year: int, family: str | None = None) -> str:
    return (family or surname(rng)) + given_name(rng, gender=gender, birth_year=birth_year)


class UniqueNames:
    """Draws names from generators until one is new; after ``tries`` misses it numbers the last."""

    def __init__(self, taken: Sequence[str] = ()) -> None:
        self.taken: set[str] = set(taken)

    def take(self, name: str) -> str:
        self.taken.add(name)
        return name

    def draw(self, rng: random.Random, make: Callable[[random.Random], str], *, tries: int = 40) -> str:
        candidate = ""
        for _ in range(tries):
            candidate = make(rng)
            if candidate not in self.taken:
                return self.take(candidate)
        number = 2
        while f"{candidate}{number}" in self.taken:
            number += 1
        return self.take(f"{candidate}{number}")


# --- Places ---------------------------------------------------------------------------------------

# The model district at scale 1 (seed 000): four streets and one town.
MODEL_STREETS: tuple[str, ...] = ("广济街道", "七道街道", "八道街道", "九道街道")
MODEL_TOWNS: tuple[str, ...] = ("金山镇",)
EXTRA_STREETS: tuple[str, ...] = (
    "兴东街道", "六道口街道", "元宝山街道", "锦山街道", "帽盔山街道", "江城街道", "鸭绿江街道",
    "站前街道", "宝山街道", "临江街道", "珍珠街道", "东坎子街道", "永昌街道", "金汤街道", "花园街道",
)  # fmt: skip
EXTRA_TOWNS: tuple[str, ...] = (
    "汤池镇", "同兴镇", "楼房镇", "九连城镇", "浪头镇", "安民镇", "五龙背镇", "汤山城镇", "蛤蟆塘镇",
)  # fmt: skip

_COMMUNITY_PREFIXES: tuple[str, ...] = (
    "兴东", "金汤", "宗裕", "广济", "山上", "江城", "元宝", "光荣", "六道口", "永昌", "福春", "新华",
    "胜利", "和平", "春和", "锦华", "金桥", "宝山", "东坎子", "帽盔山", "江沿", "站前", "花园", "北山",
    "聚宝", "金泉", "文安", "兴隆", "民主", "友谊", "建设", "繁荣", "振兴", "康乐", "幸福", "惠民",
    "临江", "珍珠", "丽江", "长青", "锦山", "七经", "八经", "九纬", "纬九", "育才", "向阳", "红旗",
)  # fmt: skip
_PLACE_FIRST = "兴金宝福安康和春锦江山永新华顺泰瑞祥盛丰"
_PLACE_SECOND = "东西南北汤泉源华兴安宁和平盛隆丰庆乐园阳"

_VILLAGE_PREFIXES: tuple[str, ...] = (
    "宗裕", "大梨树", "蛤蟆塘", "头道沟", "二道沟", "三道沟", "石城", "前进", "五道岭", "尖山",
    "东升", "西岭", "北甸子", "南甸子", "大台子", "小台子", "黄土坎", "柳树屯", "杨木川", "榆树底",
    "卧龙", "双山", "金山", "四道沟", "红石", "沙河", "长岭", "碾盘", "老虎洞", "鸡冠山",
)  # fmt: skip
_LANDFORMS = ("沟", "堡", "台", "屯", "岭", "甸子", "河", "店", "庄", "坎")

_COMPOUND_PREFIXES: tuple[str, ...] = (
    "锦绣", "阳光", "金色", "翡翠", "江景", "滨江", "鸭绿江", "元宝山", "金山", "东方", "世纪", "幸福",
    "和谐", "盛世", "福泰", "紫金", "御景", "碧水", "枫叶", "丽水", "新城", "宗裕城", "山水", "林溪",
    "秀水", "春天", "桂园", "锦江", "兴东", "锦山", "江城", "银河", "红星", "华信", "宏远", "金桥",
    "望江", "锦华", "怡景", "安居", "康乐", "嘉和", "书香", "龙泉", "明珠", "凤凰", "瑞景", "国泰",
)  # fmt: skip
_COMPOUND_SUFFIXES: tuple[tuple[str, int], ...] = (
    ("花园小区", 5), ("家园", 5), ("小区", 6), ("新城", 2), ("嘉园", 3), ("华庭", 2), ("雅苑", 3),
    ("名苑", 2), ("公馆", 1), ("丽都", 1), ("佳苑", 2), ("花园", 3), ("湾", 1), ("里", 1), ("新村", 2),
)  # fmt: skip

ROADS: tuple[str, ...] = (
    "锦山大街", "兴五路", "七经街", "八经街", "九纬路", "江城大街", "滨江中路", "帽盔山路", "宝山大街",
    "六纬路", "青年大街", "人民路", "胜利街", "永昌街", "金汤街", "兴东路", "山上街", "广济街",
    "元宝大街", "站前路", "珍珠街", "五经街", "三纬路", "鸭绿江大街", "金山大街", "福春街",
)  # fmt: skip


def community_name(rng: random.Random) -> str:
    if rng.random() < 0.75:
        return rng.choice(_COMMUNITY_PREFIXES) + "社区"
    return rng.choice(_PLACE_FIRST) + rng.choice(_PLACE_SECOND) + "社区"


def village_name(rng: random.Random) -> str:
    if rng.random() < 0.55:
        return rng.choice(_VILLAGE_PREFIXES) + "村"
    return surname(rng) + "家" + rng.choice(_LANDFORMS) + "村"


def compound_name(rng: random.Random) -> str:
    suffix = rng.choices([s for s, _ in _COMPOUND_SUFFIXES], weights=[w for _, w in _COMPOUND_SUFFIXES])[0]
    return rng.choice(_COMPOUND_PREFIXES) + suffix


def extra_level2_name(rng: random.Random, *, town: bool) -> str:
    """A plausible street or town name beyond the fixed lists."""
    return rng.choice(_PLACE_FIRST) + rng.choice(_PLACE_SECOND) + ("镇" if town else "街道")


def road_address(rng: random.Random) -> str:
    return f"{rng.choice(ROADS)}{rng.randint(1, 260)}号"


# --- Shops, firms and institutions ----------------------------------------------------------------

_SHOP_PREFIXES: tuple[str, ...] = (
    "鑫源", "福满多", "老刘家", "兴隆", "惠民", "金鼎", "顺发", "好又多", "家家乐", "百姓", "东方", "宏达",
    "鸿运", "聚源", "德福", "万家", "佳佳", "红星", "鸭绿江", "老王", "大东北", "江边", "小萌", "阿香",
    "丹东", "锦山", "金汤", "宝山", "宗裕", "新华",
)  # fmt: skip
# (shop type, industry)
SHOP_TYPES: tuple[tuple[str, str], ...] = (
    ("超市", "零售"), ("便利店", "零售"), ("大药房", "医药零售"), ("饭店", "餐饮"), ("烧烤", "餐饮"),
    ("面馆", "餐饮"), ("水果店", "零售"), ("理发店", "居民服务"), ("美容院", "居民服务"),
    ("五金店", "零售"), ("洗衣店", "居民服务"), ("早餐店", "餐饮"), ("海鲜馆", "餐饮"),
    ("眼镜店", "零售"), ("手机店", "零售"), ("花店", "零售"), ("母婴店", "零售"), ("烟酒行", "零售"),
    ("粮油店", "零售"), ("草莓专卖", "零售"), ("家电维修部", "居民服务"), ("干洗店", "居民服务"),
)  # fmt: skip
_FIRM_PREFIXES: tuple[str, ...] = (
    "华信", "东港", "鸭绿江", "元宝", "辽东", "锦山", "丹兴", "宏远", "鑫达", "恒通", "瑞丰", "北方",
    "金泰", "欣荣", "海诚", "曙光", "安泰", "宏图", "黄海", "联创", "天成", "中兴", "江海", "东晟",
)  # fmt: skip
FIRM_INDUSTRIES: tuple[tuple[str, str], ...] = (
    ("科技", "信息技术"), ("物流", "交通运输"), ("建筑工程", "建筑业"), ("食品", "制造业"),
    ("服装", "制造业"), ("机械制造", "制造业"), ("仪器仪表", "制造业"), ("电子", "制造业"),
    ("物业服务", "房地产业"), ("商贸", "批发零售"), ("房地产开发", "房地产业"), ("医药", "制造业"),
    ("纺织", "制造业"), ("汽车销售服务", "批发零售"), ("水产", "农林牧渔"), ("餐饮管理", "餐饮"),
)  # fmt: skip


def shop_name(rng: random.Random) -> tuple[str, str]:
    """(name, industry) of a street-front shop."""
    kind, industry = rng.choice(SHOP_TYPES)
    return rng.choice(_SHOP_PREFIXES) + kind, industry


def firm_name(rng: random.Random) -> tuple[str, str]:
    """(name, industry) of a limited company registered in Dandong."""
    kind, industry = rng.choice(FIRM_INDUSTRIES)
    return f"丹东{rng.choice(_FIRM_PREFIXES)}{kind}有限公司", industry


CHINESE_NUMERALS = "零一二三四五六七八九十"


def chinese_ordinal(number: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一 (for numbers below 100)."""
    if number < 11:
        return CHINESE_NUMERALS[number]
    tens, ones = divmod(number, 10)
    head = "十" if tens == 1 else CHINESE_NUMERALS[tens] + "十"
    return head + (CHINESE_NUMERALS[ones] if ones else "")
