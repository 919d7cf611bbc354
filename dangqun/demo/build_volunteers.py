"""The demo's 志愿服务 (``dangqun.volunteers``): one seed stage and what the reset deletes.

Shared spaces (seed 002: 22 共享党群空间 lent free for organisational life, meetings and training): the
persona street's 党群服务中心 rooms, a room in each community (the persona community first), a unit's
room opened to residents; and their bookings from eight weeks ago to three weeks ahead, anchored to
today: past ones mostly confirmed (a few cancelled), coming ones confirmed or awaiting approval.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from dangqun.accounts.models import User
from dangqun.core import clock
from dangqun.demo.context import SeedContext
from dangqun.demo.tree import RegionTree
from dangqun.orgs.models import PartyOrg, PartyOrgKind
from dangqun.regions.models import Region
from dangqun.volunteers.models import (
    Booking,
    BookingPurpose,
    BookingSlot,
    BookingStatus,
    Space,
    SpaceKind,
)

SPACES = 22  # seed 002
DAYS_BACK, DAYS_AHEAD = 56, 21
BOOKERS = ("branch_secretary", "community_staff", "party_member", "citizen")
TITLES: dict[str, tuple[str, ...]] = {
    BookingPurpose.ORG_LIFE: ("主题党日", "支部委员会", "党员大会", "党课学习", "组织生活会"),
    BookingPurpose.MEETING: ("居民议事会", "物业联席会", "网格员例会", "共建单位座谈会"),
    BookingPurpose.TRAINING: ("网格员业务培训", "消防安全培训", "反诈宣传讲座", "就业技能培训"),
    BookingPurpose.ACTIVITY: ("志愿者交流会", "老年书法班", "青少年托管", "便民理发", "义诊服务"),
    BookingPurpose.OTHER: ("文艺排练", "社区读书会"),
}
TEAMS = ("社区志愿服务队", "老党员先锋队", "巾帼志愿服务队", "青年志愿服务队", "文明实践服务队", "法律服务队")
PURPOSES = list(TITLES)
PURPOSE_WEIGHTS = (5, 3, 2, 4, 1)


def _space_rows(tree: RegionTree) -> list[Space]:
    street = tree.persona_street()
    community = tree.persona_community()
    rows = [
        Space(
            name=f"{street.name}党群服务中心多功能厅",
            kind=SpaceKind.PARTY_CENTRE,
            region=street,
            owner_label=f"{street.name}党群服务中心",
            address=f"{street.name}党群服务中心二楼",
            capacity=80,
            equipment="投影仪、音响、话筒、党旗",
            opens_at=dt.time(8),
            closes_at=dt.time(21),
            open_weekdays="1234567",
            requires_approval=True,
        ),
        Space(
            name=f"{street.name}党群服务中心党员活动室",
            kind=SpaceKind.PARTY_CENTRE,
            region=street,
            owner_label=f"{street.name}党群服务中心",
            address=f"{street.name}党群服务中心三楼",
            capacity=30,
            equipment="会议桌、电视屏、入党誓词墙",
            opens_at=dt.time(8),
            closes_at=dt.time(18),
            open_weekdays="12345",
            requires_approval=True,
        ),
        Space(
            name=f"{community.name}驻区银行共享会议室",
            kind=SpaceKind.UNIT_ROOM,
            region=community,
            owner_label=f"{community.name}共建单位",
            address=f"{community.name}沿街网点二楼",
            capacity=16,
            equipment="会议桌、白板",
            opens_at=dt.time(9),
            closes_at=dt.time(17),
            open_weekdays="12345",
            requires_approval=False,
        ),
    ]
    communities = [community] + [c for c in tree.communities() if c.pk != community.pk]
    rooms = ("党群服务站会议室", "新时代文明实践站活动室", "居民议事厅")
    for n, region in enumerate(communities):
        if len(rows) >= SPACES:
            break
        rows.append(
            Space(
                name=f"{region.name}{rooms[n % len(rooms)]}",
                kind=SpaceKind.COMMUNITY_HALL,
                region=region,
                owner_label=f"{region.name}党委",
                address=f"{region.name}党群服务站",
                capacity=(20, 30, 40, 50)[n % 4],
                equipment="桌椅、投影仪",
                opens_at=dt.time(8),
                closes_at=dt.time(20),
                open_weekdays="1234567" if n % 3 else "123456",
                requires_approval=n % 4 != 3,
            )
        )
    return rows


def _organisers(space: Space, branches: list[PartyOrg]) -> list[str]:
    path = space.region.path
    near = [b.name for b in branches if b.region is not None and b.region.path.startswith(path)][:4]
    return near + [f"{space.region.name}{team}" for team in TEAMS[:4]] + [b.name for b in branches[:3]]


def _bookings(rng: random.Random, space: Space, organisers: list[str], bookers: list[User]) -> list[Booking]:
    today = clock.local_today()
    now = clock.now()
    rows: list[Booking] = []
    busy = 0.55 if space.kind == SpaceKind.PARTY_CENTRE else 0.35
    for offset in range(-DAYS_BACK, DAYS_AHEAD + 1):
        day = today + dt.timedelta(days=offset)
        if str(day.isoweekday()) not in space.open_weekdays:
            continue
        hour = space.opens_at.hour
        while hour < space.closes_at.hour - 1:
            if rng.random() > busy / 3:
                hour += 1
                continue
            length = min(rng.choice((1, 2, 2, 3)), space.closes_at.hour - hour)
            start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
            purpose = rng.choices(PURPOSES, PURPOSE_WEIGHTS)[0]
            past = start < now
            if rng.random() < 0.06:
                status = BookingStatus.CANCELLED
            elif past or not space.requires_approval or rng.random() < 0.6:
                status = BookingStatus.APPROVED
            else:
                status = BookingStatus.PENDING
            rows.append(
                Booking(
                    space=space,
                    booker=rng.choice(bookers),
                    organiser=rng.choice(organisers),
                    purpose=purpose,
                    title=rng.choice(TITLES[purpose]),
                    starts_at=start,
                    ends_at=start + dt.timedelta(hours=length),
                    attendees=max(1, min(space.capacity, rng.randint(6, space.capacity))),
                    status=status,
                    decided_at=start - dt.timedelta(days=2) if status == BookingStatus.APPROVED else None,
                    cancelled_at=start - dt.timedelta(days=1) if status == BookingStatus.CANCELLED else None,
                )
            )
            hour += length + rng.choice((0, 1, 2))
    return rows


def seed_volunteers(ctx: SeedContext) -> None:
    """Seed stage (its own transaction, after the cases): this domain's demo rows, anchored to today."""
    tree = RegionTree.load()
    spaces = ctx.insert(Space, _space_rows(tree), label="shared_spaces")
    bookers = list(User.objects.filter(username__in=BOOKERS).order_by("username"))
    if not bookers:
        return
    branches = list(
        PartyOrg.objects.filter(kind=PartyOrgKind.BRANCH, is_active=True)
        .select_related("region")
        .order_by("path")[:400]
    )
    bookings: list[Booking] = []
    for space in spaces:
        rng = ctx.rng("volunteers", "bookings", space.name)
        bookings += _bookings(rng, space, _organisers(space, branches), bookers)
    ctx.insert(Booking, bookings, label="space_bookings")
    slots = [
        BookingSlot(space_id=b.space_id, booking=b, hour=b.starts_at + dt.timedelta(hours=n))
        for b in bookings
        if b.status in (BookingStatus.PENDING, BookingStatus.APPROVED)
        for n in range(b.hours)
    ]
    ctx.insert(BookingSlot, slots, label="space_booking_slots")


def delete_volunteers(district: Region | None, deleted: dict[str, int]) -> None:
    """Reset: delete this domain's demo rows (runs first, before the registry and the accounts)."""
    spaces = (
        Space.objects.all() if district is None else Space.objects.filter(region__path__subtree=district.path)
    )
    deleted["space_booking_slots"] = BookingSlot.objects.filter(space__in=spaces).delete()[0]
    deleted["space_bookings"] = Booking.objects.filter(space__in=spaces).delete()[0]
    deleted["shared_spaces"] = spaces.delete()[0]
