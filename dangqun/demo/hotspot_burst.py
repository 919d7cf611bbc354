"""A current hotspot in the demo persona's community: several residents of the persona grid's compound
report one problem over the demo's last days, as happens when a barbecue stall opens under a block of
flats. The cases go through ``case_create`` (hotline, each caller their own phone, located at the
grid), at simulated times before the demo's end, so the hotspot job finds them like any other
cluster and the command centre's hotspot page is never empty for the district's, the street's or the
community's staff. All text is written here; none comes from real messages.
"""

from __future__ import annotations

import datetime as dt
from unittest import mock

from dangqun.accounts.models import Membership, Role
from dangqun.cases.enums import CaseChannel
from dangqun.cases.models import Case
from dangqun.cases.services.intake import case_create
from dangqun.demo.context import SeedContext
from dangqun.demo.tree import RegionTree

SOURCE = "demo:hotspot-burst"
REPORTS = (  # (title, text, hours before the demo's end); {place}: the compound
    (
        "{place}楼下烧烤摊油烟噪音扰民",
        "{place}楼下新开的烧烤摊每天营业到凌晨,油烟直冲楼上,噪音大,老人孩子休息不好。",
        70,
    ),
    (
        "投诉{place}烧烤摊夜间噪音",
        "晚上十一点以后{place}楼下烧烤摊还在营业,喝酒划拳声音很大,请城管处理。",
        52,
    ),
    (
        "{place}烧烤摊油烟熏得不能开窗",
        "我家住{place}二楼,楼下烧烤摊的油烟熏得窗户都不能开,衣服也没法晾。",
        30,
    ),
    ("{place}楼下烧烤摊占道经营还扰民", "{place}楼下烧烤摊把桌子摆到人行道上,夜里吵闹,希望尽快整治。", 16),
    (
        "再次反映{place}烧烤摊扰民问题",
        "前几天已经有邻居反映过{place}楼下烧烤摊油烟噪音的问题,现在还是一样,请抓紧处理。",
        5,
    ),
)


def _notify_nobody(*args: object, **kwargs: object) -> None:
    """Past reports of a seed tell no one (as the seeded history does)."""


def seed_hotspot_burst(ctx: SeedContext, tree: RegionTree) -> None:
    """Five reports of one problem at the persona grid's compound (once: a second run adds none)."""
    if Case.objects.filter(source_ref__startswith=SOURCE).exists():
        return
    grid = tree.persona_grid()
    compound = grid.parent.name if grid.parent else grid.name
    operator = (
        Membership.objects.filter(role=Role.DISPATCHER)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    if operator is None:
        return
    end = ctx.end or dt.datetime.now(dt.UTC)
    for k, (title, text, hours) in enumerate(REPORTS):
        at = end - dt.timedelta(hours=hours)
        with (
            mock.patch("dangqun.core.clock.now", lambda at=at: at),
            mock.patch("dangqun.cases.notifications.queue_notifications", _notify_nobody),
        ):
            case_create(
                actor=operator.user,
                channel=CaseChannel.HOTLINE_12345,
                title=title.format(place=compound),
                description=text.format(place=compound),
                lng=grid.centroid_lng,
                lat=grid.centroid_lat,
                reporter_phone=f"1350415{k:04d}",
                source_ref=f"{SOURCE}:{k + 1}",
            )
        ctx.counts["hotspot_burst_cases"] += 1
