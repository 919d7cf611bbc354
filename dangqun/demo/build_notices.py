"""The demo's 居务公开栏 (``dangqun.civic``): a year of notices on every community's and street's
public board, anchored to today — about two a week per community (便民服务 most, 居务公开, a monthly
财务公开 and 党务公开), a weekly one per street — so the district counts thousands a year, like seed
000's platform. A few are pinned, 公示 notices run for seven days and then leave the board, one was
withdrawn, and the persona community keeps two drafts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dangqun.accounts.models import User
from dangqun.civic.models import Notice, NoticeKind, NoticeStatus
from dangqun.demo.calendar import reference_end
from dangqun.demo.context import BATCH_SIZE, SeedContext
from dangqun.demo.tree import RegionTree
from dangqun.regions.models import Region

# (title template, body): {m} the month, {d} the day
_SERVICE = (
    ("{m}月{d}日社区卫生服务站义诊通知", "<p>服务站在党群服务中心一楼义诊,测血压、血糖,请带医保卡。</p>"),
    ("停水通知:{m}月{d}日管网检修", "<p>因供水管网检修,当日 8:00—16:00 停水,请居民提前储水。</p>"),
    ("{m}月份老年食堂菜单", "<p>本月老年食堂每日两荤两素,70周岁以上老人每餐补贴3元。</p>"),
    ("城乡居民医保集中缴费提醒", "<p>请尚未缴费的居民携带身份证到社区便民服务窗口办理,或通过手机缴费。</p>"),
    ("{m}月{d}日免费理发、磨刀便民服务", "<p>志愿服务队在小区广场为居民提供免费理发、磨刀、家电维修。</p>"),
    ("冬季供暖报修电话公布", "<p>供暖期内室温不达标可拨打供热公司24小时热线,或到社区登记。</p>"),
    ("疫苗接种点时间调整", "<p>社区卫生服务站接种门诊调整为每周二、四上午开放。</p>"),
    ("防范电信诈骗提示", "<p>不听、不信、不转账;接到可疑电话请拨打 96110 咨询。</p>"),
)  # fmt: skip
_AFFAIRS = (
    ("{m}月居民议事会议事结果公示", "<p>经居民议事会讨论,议定事项如下,公示期七天,如有异议请向社区反映。</p>"),
    ("低保对象拟审批名单公示", "<p>经入户调查、民主评议,以下家庭拟纳入最低生活保障,公示期七天。</p>"),
    ("老旧小区改造项目进度公开", "<p>本月完成外墙保温、楼道照明更换,下月进行道路铺装。</p>"),
    ("{m}月网格员走访情况通报", "<p>本月网格员入户走访、排查隐患、帮办事项情况如下。</p>"),
)  # fmt: skip
_FINANCE = ("{m}月份社区经费收支公开", "<p>本月社区服务群众经费收入、支出明细如下,接受居民监督。</p>")
_PARTY = (
    "{m}月份党组织“三会一课”及主题党日开展情况",
    "<p>本月召开支部委员会、党员大会,开展主题党日活动。</p>",
)
_STREET = (
    ("街道便民服务中心{m}月服务时间调整", "<p>工作日 8:30—17:00,周六上午提供延时服务。</p>"),
    ("{m}月惠民政策解读", "<p>本月新出台的惠民惠企政策要点解读,详见政策库。</p>"),
    ("街道党工委{m}月党务公开", "<p>党组织建设、党员发展、党费收缴情况公开。</p>"),
)  # fmt: skip
DRAFT_TITLES = ("春节慰问困难群众名单(拟)", "小区停车位分配方案(征求意见稿)")
WITHDRAWN_TITLE = "停水通知(已更正)"


def _notice(region: Region, kind: str, title: str, body: str, at: dt.datetime, **fields: Any) -> Notice:
    fields.setdefault("status", NoticeStatus.PUBLISHED)
    return Notice(
        region=region, kind=kind, title=title, body=body, issuer=region.name, published_at=at, **fields
    )


def _community_year(ctx: SeedContext, region: Region, end: dt.datetime) -> list[Notice]:
    """About two notices a week for a year, and the month's finance and party disclosures."""
    rng = ctx.rng("notices", region.code)
    rows: list[Notice] = []
    day = end - dt.timedelta(days=365)
    while day < end:
        day += dt.timedelta(days=rng.choice((2, 3, 4, 5)))
        at = day.replace(hour=rng.choice((8, 9, 10, 14, 15)), minute=rng.choice((0, 15, 30)))
        if at >= end:
            break
        fmt = {"m": at.month, "d": at.day}
        if rng.random() < 0.75:
            title, body = rng.choice(_SERVICE)
            rows.append(_notice(region, NoticeKind.SERVICE, title.format(**fmt), body, at))
        else:
            title, body = rng.choice(_AFFAIRS)
            until = (at + dt.timedelta(days=7)).date() if "公示" in title else None
            rows.append(_notice(region, NoticeKind.AFFAIRS, title.format(**fmt), body, at, expires_on=until))
    month = dt.date(end.year - 1, end.month, 1)
    while month <= end.date():
        at = dt.datetime.combine(month + dt.timedelta(days=4), dt.time(9), tzinfo=end.tzinfo)
        if at < end:
            fmt = {"m": (month - dt.timedelta(days=1)).month, "d": 1}
            rows.append(_notice(region, NoticeKind.FINANCE, _FINANCE[0].format(**fmt), _FINANCE[1], at))
            rows.append(_notice(region, NoticeKind.PARTY, _PARTY[0].format(**fmt), _PARTY[1], at))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    lasting = [n for n in rows if n.expires_on is None]  # a pinned notice stays on the board
    latest = sorted(lasting, key=lambda n: n.published_at or end)[-8:]
    for notice in latest[::4]:  # two recent ones are pinned
        notice.pinned = True
    return rows


def _street_year(ctx: SeedContext, region: Region, end: dt.datetime) -> list[Notice]:
    rng = ctx.rng("notices", region.code)
    rows = []
    for week in range(52):
        at = (end - dt.timedelta(days=7 * week + rng.randint(1, 6))).replace(hour=10, minute=0)
        title, body = _STREET[week % len(_STREET)]
        kind = NoticeKind.PARTY if "党务" in title else NoticeKind.SERVICE
        rows.append(_notice(region, kind, title.format(m=at.month, d=at.day), body, at))
    return rows


def seed_notices(ctx: SeedContext) -> None:
    """Seed stage: a year of notices on every board, anchored to today."""
    tree = RegionTree.load()
    end = ctx.end or reference_end()
    author = User.objects.filter(username="community_staff").first()
    persona = tree.persona_community()
    rows: list[Notice] = []
    for community in tree.communities():
        rows.extend(_community_year(ctx, community, end))
    for street in tree.streets():
        rows.extend(_street_year(ctx, street, end))
    for title in DRAFT_TITLES:
        rows.append(_notice(persona, NoticeKind.AFFAIRS, title, "<p>草稿,待社区两委会审议后发布。</p>", end,
                            status=NoticeStatus.DRAFT, created_by=author))  # fmt: skip
        rows[-1].published_at = None
    withdrawn = _notice(persona, NoticeKind.SERVICE, WITHDRAWN_TITLE, "<p>停水时间有误,已重新发布。</p>",
                        end - dt.timedelta(days=3), status=NoticeStatus.WITHDRAWN,
                        withdrawn_at=end - dt.timedelta(days=3, hours=-2), withdraw_reason="停水时间有误",
                        created_by=author)  # fmt: skip
    rows.append(withdrawn)
    Notice.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    ctx.counts["civic_notices"] = len(rows)
    ctx.counts["civic_notices_persona_community"] = sum(1 for n in rows if n.region_id == persona.pk)


def delete_notices(district: Region | None, deleted: dict[str, int]) -> None:
    """Reset: the district's notices."""
    notices = (
        Notice.objects.all()
        if district is None
        else Notice.objects.filter(region__path__subtree=district.path)
    )
    deleted["civic_notices"] = notices.delete()[0]
