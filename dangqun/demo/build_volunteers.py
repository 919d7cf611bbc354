"""The demo's 志愿服务 (``dangqun.volunteers``): one seed stage and what the reset deletes.

Volunteers (seed 001: a 志愿服务站 with 6 teams and 57 volunteers running 100+ activities a year): a
station in the persona street and in each of its first communities, the persona community's six teams
and two in each of those other communities, a couple of hundred volunteers drawn from the residents
(the citizen and party-member personas among them), each serving in a team. A year of activities,
anchored to today: past ones with their sign-ups checked in and hours confirmed in the ledger, coming
ones over the next three weeks with sign-ups (one full, with a waiting list).

Shared spaces (seed 002: 22 共享党群空间 lent free for organisational life, meetings and training): the
persona street's 党群服务中心 rooms, a room in each community (the persona community first), a unit's
room opened to residents; and their bookings from eight weeks ago to three weeks ahead, anchored to
today: past ones mostly confirmed (a few cancelled), coming ones confirmed or awaiting approval.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from dangqun.accounts.models import User
from dangqun.core import clock
from dangqun.demo.context import SeedContext
from dangqun.demo.personas import PERSONAS
from dangqun.demo.tree import RegionTree
from dangqun.orgs.models import PartyOrg, PartyOrgKind
from dangqun.party.models import PartyMember
from dangqun.regions.models import Region
from dangqun.registry.models import Resident
from dangqun.volunteers.models import (
    Activity,
    ActivityKind,
    Booking,
    BookingPurpose,
    BookingSlot,
    BookingStatus,
    HoursEntry,
    MembershipStatus,
    SignUp,
    SignUpStatus,
    Space,
    SpaceKind,
    Station,
    Team,
    TeamMembership,
    Volunteer,
)
from dangqun.volunteers.services import CODE_ALPHABET

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
    seed_activities(ctx)


def delete_volunteers(district: Region | None, deleted: dict[str, int]) -> None:
    """Reset: delete this domain's demo rows (runs first, before the registry and the accounts)."""
    _delete_activities(district, deleted)
    spaces = (
        Space.objects.all() if district is None else Space.objects.filter(region__path__subtree=district.path)
    )
    deleted["space_booking_slots"] = BookingSlot.objects.filter(space__in=spaces).delete()[0]
    deleted["space_bookings"] = Booking.objects.filter(space__in=spaces).delete()[0]
    deleted["shared_spaces"] = spaces.delete()[0]


# --- volunteers, teams, activities, hours --------------------------------------------------------------

VOLUNTEERS = 200
OTHER_COMMUNITIES = 4  # communities besides the persona one with a station and two teams
PERSONA_TEAMS = (  # seed 001: six teams
    ("党员先锋志愿服务队", "政策宣讲、帮扶走访", (ActivityKind.ASSIST, ActivityKind.CIVILITY)),
    ("巾帼志愿服务队", "邻里互助、关爱老人", (ActivityKind.ASSIST, ActivityKind.CULTURE)),
    ("青年志愿服务队", "环境整治、文明劝导", (ActivityKind.CLEANUP, ActivityKind.CIVILITY)),
    ("医护志愿服务队", "义诊、健康讲座", (ActivityKind.CLINIC,)),
    ("法律服务志愿队", "普法宣传、法律咨询", (ActivityKind.LAW,)),
    ("文化志愿服务队", "传统文化、就业服务", (ActivityKind.CULTURE, ActivityKind.JOBS)),
)
ACTIVITY_TITLES: dict[str, tuple[str, ...]] = {
    ActivityKind.CULTURE: ("端午包粽子·传统文化进社区", "书法写春联", "非遗剪纸体验课"),
    ActivityKind.JOBS: ("春风行动就业招聘会", "家门口就业服务日"),
    ActivityKind.CLINIC: ("社区义诊", "老年人健康体检服务", "中医理疗义诊"),
    ActivityKind.ASSIST: ("关爱空巢老人走访", "困难家庭帮扶送温暖", "助老理发"),
    ActivityKind.CLEANUP: ("小区环境大扫除", "清理楼道堆积物", "河道垃圾清捡"),
    ActivityKind.LAW: ("普法宣传进小区", "反诈宣传", "民法典宣讲"),
    ActivityKind.CIVILITY: ("文明交通劝导", "垃圾分类宣传", "新时代文明实践志愿服务"),
}
PLACES = ("党群服务站门前广场", "文化活动室", "小区中心花园", "新时代文明实践站")
PAST_DAYS = 360
EVERY_DAYS = (21, 42)  # an activity per team every three weeks (the persona community), six elsewhere
AHEAD_DAYS = 21
DEFAULT_LAT, DEFAULT_LNG = 40.13, 124.39


def _place(rng: random.Random, region: Region) -> tuple[float, float]:
    lat = region.centroid_lat if region.centroid_lat is not None else DEFAULT_LAT
    lng = region.centroid_lng if region.centroid_lng is not None else DEFAULT_LNG
    return round(lat + rng.uniform(-0.002, 0.002), 6), round(lng + rng.uniform(-0.002, 0.002), 6)


def _teams(ctx: SeedContext, tree: RegionTree) -> list[Team]:
    street, home = tree.persona_street(), tree.persona_community()
    others = [c for c in tree.communities() if c.parent_id == street.pk and c.pk != home.pk][
        :OTHER_COMMUNITIES
    ]
    stations = ctx.insert(
        Station,
        [
            Station(
                name=f"{street.name}新时代文明实践所志愿服务站",
                region=street,
                address=f"{street.name}党群服务中心一楼",
            )
        ]
        + [
            Station(name=f"{c.name}志愿服务站", region=c, address=f"{c.name}党群服务站")
            for c in [home, *others]
        ],
        label="volunteer_stations",
    )
    by_region = {st.region_id: st for st in stations}
    rows = [
        Team(
            station=by_region[home.pk],
            name=f"{home.name}{name}",
            region=home,
            owner_label=f"{home.name}党委",
            focus=focus,
        )
        for name, focus, _kinds in PERSONA_TEAMS
    ]
    for community in others:
        for name, focus, _kinds in (PERSONA_TEAMS[0], PERSONA_TEAMS[2]):
            rows.append(
                Team(
                    station=by_region[community.pk],
                    name=f"{community.name}{name}",
                    region=community,
                    owner_label=f"{community.name}党委",
                    focus=focus,
                )
            )
    return ctx.insert(Team, rows, label="volunteer_teams")


def _volunteers(ctx: SeedContext, tree: RegionTree, teams: list[Team]) -> list[Volunteer]:
    rng = ctx.rng("volunteers", "people")
    regions = sorted({t.region_id for t in teams})
    paths = [tree.by_id[pk].path for pk in regions]
    q = Q()
    for path in paths:
        q |= Q(grid__path__startswith=path)
    residents = list(Resident.objects.filter(q).order_by("id").values_list("id", "name", "grid__path")[:4000])
    rng.shuffle(residents)
    rows: list[Volunteer] = []
    for pk, name, grid_path in residents[:VOLUNTEERS]:
        region_id = next(r for r, p in zip(regions, paths, strict=True) if grid_path.startswith(p))
        rows.append(
            Volunteer(
                resident_id=pk,
                name=name,
                skills=rng.choice(("", "理发", "医护", "法律", "书法", "电脑", "驾驶", "厨艺", "心理咨询")),
                availability=rng.choice(("周末", "工作日晚上", "随时", "周六上午")),
                service_region_id=region_id,
            )
        )
    home = tree.persona_community()
    for username in ("citizen", "party_member"):
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        member = PartyMember.objects.filter(user=user).first()
        rows.append(
            Volunteer(
                user=user,
                party_member=member,
                resident_id=member.resident_id if member is not None else None,
                name=user.display_name or username,
                skills="文艺" if username == "citizen" else "政策宣讲",
                availability="周末",
                service_region=home,
            )
        )
    return ctx.insert(Volunteer, rows, label="volunteers")


def _memberships(
    ctx: SeedContext, teams: list[Team], volunteers: list[Volunteer]
) -> dict[int, list[Volunteer]]:
    """Each volunteer serves in a team of the service region (a few requests still await approval)."""
    rng = ctx.rng("volunteers", "memberships")
    by_region: dict[int, list[Team]] = {}
    for team in teams:
        by_region.setdefault(team.region_id, []).append(team)
    now = clock.now()
    rows: list[TeamMembership] = []
    members: dict[int, list[Volunteer]] = {t.pk: [] for t in teams}
    for n, volunteer in enumerate(volunteers):
        choices = by_region.get(volunteer.service_region_id or 0) or teams
        team = choices[n % len(choices)] if volunteer.user_id is None else choices[0]
        pending = volunteer.user_id is None and rng.random() < 0.04
        rows.append(
            TeamMembership(
                team=team,
                volunteer=volunteer,
                status=MembershipStatus.PENDING if pending else MembershipStatus.ACTIVE,
                decided_at=None if pending else now - dt.timedelta(days=rng.randint(30, 700)),
            )
        )
        if not pending:
            members[team.pk].append(volunteer)
    ctx.insert(TeamMembership, rows, label="volunteer_team_members")
    return members


def _code(rng: random.Random) -> str:
    return "".join(rng.choice(CODE_ALPHABET) for _n in range(6))


def _activities(ctx: SeedContext, tree: RegionTree, teams: list[Team]) -> list[Activity]:
    home = tree.persona_community()
    organisers = {
        u.username: u for u in User.objects.filter(username__in=("community_staff", "street_staff"))
    }
    organiser = organisers.get("community_staff") or organisers.get("street_staff")
    if organiser is None:
        return []
    kinds = {f"{home.name}{name}": k for name, _focus, k in PERSONA_TEAMS}
    today = clock.local_today()
    rows: list[Activity] = []
    for team in teams:
        rng = ctx.rng("volunteers", "activities", team.name)
        region = tree.by_id[team.region_id]
        every = EVERY_DAYS[0] if team.region_id == home.pk else EVERY_DAYS[1]
        team_kinds = kinds.get(team.name) or (ActivityKind.CIVILITY, ActivityKind.CLEANUP)
        offset = -PAST_DAYS + rng.randint(0, every)
        while offset <= AHEAD_DAYS:
            kind = rng.choice(team_kinds)
            day = today + dt.timedelta(days=offset)
            hour = rng.choice((8, 9, 14, 15))
            length = rng.choice((2, 2, 3, 4))
            start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
            lat, lng = _place(rng, region)
            rows.append(
                Activity(
                    title=rng.choice(ACTIVITY_TITLES[kind]),
                    kind=kind,
                    description="",
                    region=region,
                    team=team,
                    organiser=organiser,
                    organiser_label=team.name,
                    place=f"{region.name}{rng.choice(PLACES)}",
                    lat=lat,
                    lng=lng,
                    radius_m=300,
                    starts_at=start,
                    ends_at=start + dt.timedelta(hours=length),
                    slots=rng.choice((10, 15, 20, 30)),
                    hours=Decimal(length),
                    check_in_code=_code(rng),
                )
            )
            offset += every + rng.randint(-3, 3)
    return ctx.insert(Activity, rows, label="volunteer_activities")


def _signups(
    ctx: SeedContext,
    activities: list[Activity],
    members: dict[int, list[Volunteer]],
    everyone: list[Volunteer],
) -> None:
    """Past activities: their people checked in and their hours confirmed (a few cancelled); coming ones:
    sign-ups, one of them full with a waiting list."""
    now = clock.now()
    signups: list[SignUp] = []
    entries: list[HoursEntry] = []
    personas = [v for v in everyone if v.user_id is not None]
    full_done = False
    for activity in sorted(activities, key=lambda a: a.starts_at):
        rng = ctx.rng("volunteers", "signups", activity.pk)
        team_members = members.get(activity.team_id or 0, [])
        pool = list(team_members) + rng.sample(everyone, min(len(everyone), 6))
        pool += [p for p in personas if p not in pool and rng.random() < 0.35]
        past = activity.ends_at < now
        if past:
            want = min(activity.slots, rng.randint(activity.slots // 2, activity.slots))
        elif not full_done and activity.team_id is not None and len(pool) > activity.slots + 2:
            want, full_done = activity.slots + 2, True
        else:
            want = rng.randint(0, max(0, activity.slots - 3))
        chosen: list[Volunteer] = []
        for volunteer in pool:
            if volunteer not in chosen:
                chosen.append(volunteer)
        rng.shuffle(chosen)
        chosen = chosen[:want]
        for n, volunteer in enumerate(chosen):
            signed = activity.starts_at - dt.timedelta(days=rng.randint(1, 10), minutes=n)
            if past:
                cancelled = rng.random() < 0.05
                status = SignUpStatus.CANCELLED if cancelled else SignUpStatus.CONFIRMED
                checked = (
                    None if cancelled else activity.starts_at + dt.timedelta(minutes=rng.randint(-20, 15))
                )
                signups.append(
                    SignUp(
                        activity=activity,
                        volunteer=volunteer,
                        status=status,
                        checked_in_at=checked,
                        check_in_method="" if cancelled else rng.choice(("code", "gps")),
                        confirmed_at=None if cancelled else activity.ends_at + dt.timedelta(hours=1),
                        cancelled_at=signed + dt.timedelta(days=1) if cancelled else None,
                        created_at=signed,
                        updated_at=signed,
                    )
                )
                if not cancelled:
                    entries.append(
                        HoursEntry(
                            volunteer=volunteer,
                            activity=activity,
                            team_id=activity.team_id if volunteer in team_members else None,
                            hours=activity.hours,
                            served_on=timezone.localtime(activity.starts_at).date(),
                            credited_at=activity.ends_at + dt.timedelta(hours=1),
                            confirmed_by=activity.organiser,
                        )
                    )
            else:
                status = SignUpStatus.ENROLLED if n < activity.slots else SignUpStatus.WAITING
                signups.append(
                    SignUp(
                        activity=activity,
                        volunteer=volunteer,
                        status=status,
                        created_at=signed,
                        updated_at=signed,
                    )
                )
    ctx.insert(SignUp, signups, label="volunteer_signups")
    ctx.insert(HoursEntry, entries, label="volunteer_hours_entries")


def seed_activities(ctx: SeedContext) -> None:
    tree = RegionTree.load()
    teams = _teams(ctx, tree)
    volunteers = _volunteers(ctx, tree, teams)
    members = _memberships(ctx, teams, volunteers)
    activities = _activities(ctx, tree, teams)
    _signups(ctx, activities, members, volunteers)


def _delete_activities(district: Region | None, deleted: dict[str, int]) -> None:
    if district is None:
        regions = Q()
        people = Q()
    else:
        path = district.path
        regions = Q(region__path__subtree=path)
        people = (
            Q(service_region__path__subtree=path)
            | Q(resident__grid__path__subtree=path)
            | Q(user__username__in=[p.username for p in PERSONAS])
        )
    volunteers = Volunteer.objects.filter(people)
    activities = Activity.objects.filter(regions)
    teams = Team.objects.filter(regions)
    deleted["volunteer_hours_entries"] = HoursEntry.objects.filter(
        Q(activity__in=activities) | Q(volunteer__in=volunteers)
    ).delete()[0]
    deleted["volunteer_signups"] = SignUp.objects.filter(
        Q(activity__in=activities) | Q(volunteer__in=volunteers)
    ).delete()[0]
    deleted["volunteer_activities"] = activities.delete()[0]
    deleted["volunteer_team_members"] = TeamMembership.objects.filter(
        Q(team__in=teams) | Q(volunteer__in=volunteers)
    ).delete()[0]
    deleted["volunteers"] = volunteers.delete()[0]
    deleted["volunteer_teams"] = teams.delete()[0]
    deleted["volunteer_stations"] = Station.objects.filter(regions).delete()[0]
