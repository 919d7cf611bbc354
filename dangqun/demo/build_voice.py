"""The demo's 党的声音 (``dangqun.civic``): a year of items anchored to today — twice a month from the
district's party committee to all members, weekly from the persona street's working committee to its
members, monthly from the persona branch, monthly to the persona community's residents and a few
notices to the district's staff — some pinned, one withdrawn, one draft, one published this morning.
Articles and notices only: the repository ships no video file for a demo 视频 item to play.

Members read them in the member app: about three in four members of the persona street have an app
account (``dy_`` logins, beside the two member personas), so each item's receipts are real rows. Read
ratios follow age and branch: a few hours old, one in six has read it; a week old, about half; older,
seven to nine in ten, some branches keener than others. The last fortnight's items went through the
real push (inbox rows, receipts); older ones keep only their receipts, as if their inbox rows had been
read and archived."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.db.models import Q
from django.utils import timezone

from dangqun.accounts.models import User
from dangqun.civic.voice_jobs import audience_of, push_voice_now
from dangqun.civic.voice_models import (
    VoiceAudience,
    VoiceItem,
    VoiceKind,
    VoicePush,
    VoiceReceipt,
    VoiceStatus,
)
from dangqun.demo.build_accounts import persona_branch
from dangqun.demo.calendar import reference_end
from dangqun.demo.context import BATCH_SIZE, SeedContext
from dangqun.demo.personas import DEMO_PASSWORD
from dangqun.demo.tree import RegionTree
from dangqun.orgs.models import PartyOrg
from dangqun.party.models import MemberStatus, PartyMember
from dangqun.regions.models import Region

ACCOUNT_PREFIX = "dy_"
APP_TAKE_UP = 0.75  # members of the persona street with a member-app account
PUSHED_DAYS = 14  # items this recent went through the real push (inbox rows)
IMAGE = '<figure><img src="/static/web/icons/icon-192.png" alt="党徽"><figcaption>{cap}</figcaption></figure>'

_DISTRICT = (
    (VoiceKind.ARTICLE, "学习贯彻党的二十届四中全会精神{m}月专题辅导", "全会精神要点解读与学习安排"),
    (VoiceKind.ARTICLE, "微党课讲稿:{m}月“身边的好党员”", "十分钟微党课"),
    (VoiceKind.NOTICE, "关于开展{m}月主题党日活动的通知", "各党组织按要求组织开展主题党日"),
    (VoiceKind.ARTICLE, "党建引领基层治理典型经验({m}月)", "“接诉即办”中的党员先锋"),
)
_STREET = (
    (VoiceKind.NOTICE, "街道党工委{m}月{d}日工作提示", "本周重点工作与组织生活安排"),
    (VoiceKind.ARTICLE, "在职党员进社区服务风采({m}月{d}日)", "党员在居住地社区认领服务岗"),
    (VoiceKind.ARTICLE, "网格党建小课堂:{m}月{d}日", "网格党小组长讲政策"),
)
_BRANCH = (VoiceKind.NOTICE, "{m}月份支部党员大会及党费缴纳提醒", "请按时参加并缴纳{m}月党费")
_RESIDENTS = (VoiceKind.ARTICLE, "社区党委{m}月致居民的一封信", "近期惠民政策和为民办实事进展")
_STAFF = (VoiceKind.NOTICE, "区委组织部关于{m}月干部下沉网格的通知", "机关干部下沉网格服务安排")


def _body(title: str, summary: str, rng: random.Random) -> str:
    image = IMAGE.format(cap=summary) if rng.random() < 0.4 else ""
    return f"<p>{summary}。</p>{image}<p>{title}。请各位党员认真学习,结合实际抓好落实。</p>"


def _accounts(ctx: SeedContext, street_org: PartyOrg) -> int:
    """Member-app accounts for about three in four active members of the persona street."""
    rng = ctx.rng("voice-accounts")
    members = PartyMember.objects.filter(
        party_org__path__subtree=street_org.path, status=MemberStatus.ACTIVE, user__isnull=True
    ).order_by("pk")
    # Numbered in the members' order (not by their ids), so that the same seed gives the same logins.
    chosen = [(n, pk, name) for n, (pk, name) in enumerate(members.values_list("pk", "name"), start=1)]
    chosen = [row for row in chosen if rng.random() < APP_TAKE_UP]
    password = make_password(DEMO_PASSWORD)
    users = User.objects.bulk_create(
        [
            User(username=f"{ACCOUNT_PREFIX}{n:05d}", display_name=name, password=password)
            for n, _pk, name in chosen
        ],
        batch_size=BATCH_SIZE,
    )
    linked = [PartyMember(pk=pk, user=user) for (_n, pk, _name), user in zip(chosen, users, strict=True)]
    PartyMember.objects.bulk_update(linked, ["user"], batch_size=BATCH_SIZE)
    return len(users)


def _read_share(age: dt.timedelta, keenness: float) -> float:
    if age < dt.timedelta(hours=12):
        return 0.15 * keenness
    if age < dt.timedelta(days=7):
        return 0.5 * keenness
    return min(0.95, 0.85 * keenness)


class VoiceSeeder:
    def __init__(self, ctx: SeedContext, tree: RegionTree) -> None:
        self.ctx = ctx
        self.tree = tree
        self.end = ctx.end or reference_end()
        self.rng = ctx.rng("voice")
        self.district_org = PartyOrg.objects.filter(parent__isnull=True).order_by("path").first()
        self.street_org = PartyOrg.objects.get(region=tree.persona_street())
        self.branch = persona_branch(tree)
        self.items: list[VoiceItem] = []
        self.keenness: dict[int | None, float] = {}

    def _item(self, kind: str, title: str, summary: str, at: dt.datetime, **target: object) -> None:
        fmt = {"m": at.month, "d": at.day}
        title, summary = title.format(**fmt), summary.format(**fmt)
        source = target.get("org") or target.get("region")
        assert isinstance(source, PartyOrg | Region)  # noqa: S101
        self.items.append(
            VoiceItem(
                kind=kind,
                title=title,
                summary=summary,
                body=_body(title, summary, self.rng),
                issuer=source.name,
                status=VoiceStatus.PUBLISHED,
                published_at=at,
                push_status=VoicePush.DONE,
                pushed_at=at,
                **target,
            )
        )

    def plan(self) -> None:
        end, rng = self.end, self.rng
        for n in range(24):  # the district committee, twice a month
            at = (end - dt.timedelta(days=15 * n + rng.randint(1, 10))).replace(hour=9, minute=30)
            kind, title, summary = _DISTRICT[n % len(_DISTRICT)]
            target = {"audience": VoiceAudience.MEMBERS, "org": self.district_org or self.street_org}
            self._item(kind, title, summary, at, **target)
        for week in range(52):  # the persona street's working committee, weekly
            at = (end - dt.timedelta(days=7 * week + rng.randint(1, 6))).replace(
                hour=rng.choice((8, 10, 15)), minute=0
            )
            kind, title, summary = _STREET[week % len(_STREET)]
            self._item(kind, title, summary, at, audience=VoiceAudience.MEMBERS, org=self.street_org)
        for month in range(12):
            at = (end - dt.timedelta(days=30 * month + 3)).replace(hour=19, minute=0)
            self._item(*_BRANCH, at, audience=VoiceAudience.MEMBERS, org=self.branch)
            at = (end - dt.timedelta(days=30 * month + 5)).replace(hour=10, minute=0)
            self._item(
                *_RESIDENTS, at, audience=VoiceAudience.RESIDENTS, region=self.tree.persona_community()
            )
            if month % 3 == 0:
                self._item(*_STAFF, at, audience=VoiceAudience.STAFF, region=self.tree.district)
        self.items.sort(key=lambda i: i.published_at or end)
        # This morning's item (the "today" feed) and the pinned ones: the latest district items.
        local = timezone.localtime(end)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        today = local - min(dt.timedelta(hours=2), (local - midnight) / 2)
        news = ("今日要闻:区委召开党建引领基层治理推进会", "会议部署下一阶段重点任务")
        self._item(VoiceKind.ARTICLE, *news, today, audience=VoiceAudience.MEMBERS,
                   org=self.district_org or self.street_org)  # fmt: skip
        district_items = [i for i in self.items if i.org_id == getattr(self.district_org, "pk", None)]
        for item in district_items[-3:-1]:
            item.pinned = True
        withdrawn = self.items[-10]
        withdrawn.status = VoiceStatus.WITHDRAWN
        withdrawn.withdrawn_at = (withdrawn.published_at or end) + dt.timedelta(hours=3)
        withdrawn.withdraw_reason = "内容有误,已更正后重发"

    def run(self) -> None:
        self.ctx.counts["voice_accounts"] = _accounts(self.ctx, self.street_org)
        self.plan()
        VoiceItem.objects.bulk_create(self.items, batch_size=BATCH_SIZE)
        author = User.objects.filter(username="party_admin").first()
        VoiceItem.objects.create(
            kind=VoiceKind.NOTICE, title="关于开展“党员志愿服务月”的通知(草稿)",
            summary="待党工委会议审定后发布", body="<p>草稿。</p>", issuer=self.street_org.name,
            audience=VoiceAudience.MEMBERS, org=self.street_org, created_by=author,
        )  # fmt: skip
        recent = self.end - dt.timedelta(days=PUSHED_DAYS)
        for item in self.items:
            if item.status == VoiceStatus.PUBLISHED and (item.published_at or self.end) >= recent:
                push_voice_now(item.pk)
                VoiceReceipt.objects.filter(item=item).update(pushed_at=item.published_at)
            else:
                self._receipts(item)
            self._reads(item)
        self.ctx.counts["voice_items"] = len(self.items) + 1
        self.ctx.counts["voice_receipts"] = VoiceReceipt.objects.count()
        self.ctx.counts["voice_read"] = VoiceReceipt.objects.filter(read_at__isnull=False).count()

    def _receipts(self, item: VoiceItem) -> None:
        at = item.published_at or self.end
        rows = [
            VoiceReceipt(item=item, user_id=u, org_id=o, region_id=r, pushed_at=at)
            for u, o, r in audience_of(item)
        ]
        VoiceReceipt.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        VoiceItem.objects.filter(pk=item.pk).update(recipient_count=len(rows))

    def _reads(self, item: VoiceItem) -> None:
        at = item.published_at or self.end
        age = self.end - at
        longest = max(6, min(int(age.total_seconds() // 60), 4320))  # read within three days, if at all
        read: list[VoiceReceipt] = []
        for pk, group in VoiceReceipt.objects.filter(item=item).values_list("pk", "org_id"):
            keen = self.keenness.setdefault(group, self.rng.uniform(0.8, 1.1))
            if self.rng.random() < _read_share(age, keen):
                when = min(at + dt.timedelta(minutes=self.rng.randint(5, longest)), self.end)
                read.append(VoiceReceipt(pk=pk, read_at=when))
        VoiceReceipt.objects.bulk_update(read, ["read_at"], batch_size=BATCH_SIZE)


def seed_voice(ctx: SeedContext) -> None:
    """Seed stage: a year of 党的声音 with its receipts, anchored to today."""
    VoiceSeeder(ctx, RegionTree.load()).run()


def delete_voice(district: Region | None, deleted: dict[str, int]) -> None:
    """Reset: the items (their receipts go with them) and the member-app accounts made for them."""
    items = VoiceItem.objects.all()
    if district is not None:  # the district's regions, and its organisations (the root has no region)
        items = items.filter(
            Q(region__path__subtree=district.path)
            | Q(org__region__path__subtree=district.path)
            | Q(org__parent__isnull=True)
        )
    deleted["voice_items"] = items.delete()[0]
    deleted["voice_accounts"] = User.objects.filter(username__startswith=ACCOUNT_PREFIX).delete()[0]
