"""The demo's 网格工作 (``dangqun.gridwork``): one seed stage and what the reset deletes.

The visit rules (a migration's defaults) make every tagged resident's visit due; then a month of
history is written: most were visited within their rhythm (by their grid's worker, with the 五问
answers), some are overdue by a few days, the rest due today. The cases closed in the last two weeks
are due for 回访. Anchored to the demo's end day, deterministic from the seed."""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

from django.utils import timezone

from dangqun.accounts.models import Membership, Role, User
from dangqun.civic.models import CivicContact
from dangqun.demo.calendar import reference_end
from dangqun.demo.context import SeedContext
from dangqun.demo.tree import RegionTree
from dangqun.gridwork.campaign_forms import preset
from dangqun.gridwork.campaigns import campaign_doors
from dangqun.gridwork.due import visits_refresh
from dangqun.gridwork.models import (
    Campaign,
    CampaignHousehold,
    CampaignKind,
    CampaignStatus,
    Decision,
    DecisionStatus,
    DiaryComment,
    DiaryEntry,
    DiaryStatus,
    DoorStatus,
    EventCursor,
    Meeting,
    MeetingKind,
    Patrol,
    PatrolPoint,
    PatrolSlot,
    PatrolStatus,
    Visit,
    VisitStatus,
    WorkerRating,
)
from dangqun.gridwork.questions import QUESTION_BY_KEY, question_keys
from dangqun.gridwork.ratings import quarter_of
from dangqun.regions.models import Region
from dangqun.registry.models import Household, Resident

PATROL_DAYS = 30
PATROL_MISSED_SHARE = 0.06
TRACK_POINTS = 90  # 45 minutes at one point every 30 s

ANSWERS = {
    "living": ("生活基本稳定,低保按时发放", "住房需维修,已记录", "吃穿不愁,子女常来看望"),
    "health": ("身体尚可,按时服药", "腿脚不便,需要上门送药", "血压偏高,已提醒社区医生随访"),
    "employment": ("有求职意向,已推荐岗位",),
    "retirement": ("适应良好,参加社区合唱队",),
    "thinking": ("思想稳定,情绪平和",),
}


def seed_gridwork(ctx: SeedContext) -> None:
    """Seed stage (its own transaction, after the cases): this domain's demo rows, anchored to today."""
    end = ctx.end or reference_end()
    today = timezone.localdate(end)
    visits_refresh(today=today)
    rng = ctx.rng("gridwork", "visits")
    workers: dict[int, int] = {}
    for grid_id, user_id in (
        Membership.objects.filter(role=Role.GRID_WORKER, is_active=True, region__isnull=False)
        .order_by("id")
        .values_list("region_id", "user_id")
    ):
        workers.setdefault(grid_id, user_id)
    due = list(Visit.objects.filter(status=VisitStatus.DUE, resident__isnull=False).select_related("rule"))
    tags: dict[int, list[str]] = {}
    for resident_id, code in Resident.tags.through.objects.filter(
        resident_id__in=[v.resident_id for v in due]
    ).values_list("resident_id", "residenttag__code"):
        tags.setdefault(resident_id, []).append(code)
    done: list[Visit] = []
    moved: list[Visit] = []
    for visit in sorted(due, key=lambda v: v.pk):
        roll = rng.random()
        interval = max(visit.rule.interval_days, 2)
        if roll < 0.7:  # visited within the rhythm
            days_ago = rng.randint(1, interval - 1)
            at = end - dt.timedelta(days=days_ago, hours=rng.randint(0, 6), minutes=rng.randint(0, 59))
            visit.status = VisitStatus.DONE
            visit.done_at = at
            visit.due_date = timezone.localdate(at)
            visit.done_by_id = workers.get(visit.grid_id)
            keys = question_keys(tags.get(visit.resident_id or 0, ()))
            visit.answers = {k: rng.choice(ANSWERS[k]) for k in keys if k in QUESTION_BY_KEY}
            visit.follow_up = rng.random() < 0.1
            done.append(visit)
        elif roll < 0.85:  # overdue by a few days
            visit.due_date = today - dt.timedelta(days=rng.randint(1, 10))
            moved.append(visit)
    fields = ["status", "done_at", "due_date", "done_by", "answers", "follow_up"]
    Visit.objects.bulk_update(done, fields, batch_size=2000)
    Visit.objects.bulk_update(moved, ["due_date"], batch_size=2000)
    result = visits_refresh(today=today)  # the next visit of those just visited
    ctx.counts["visits_done"] += len(done)
    ctx.counts["visits_due"] += len(due) - len(done) + result.created
    seed_patrols(ctx, end)
    seed_diaries(ctx, end)
    seed_meetings(ctx, end)
    seed_campaigns(ctx, end)


def seed_patrols(ctx: SeedContext, end: dt.datetime) -> None:
    """The last 30 days of 一日两巡 in every grid: most slots patrolled by the grid's worker (a short
    track in the persona's grid), a few missed, so that the missed-patrol page has real rows."""
    rng = ctx.rng("gridwork", "patrols")
    today = timezone.localdate(end)
    grids = list(
        Membership.objects.filter(role=Role.GRID_WORKER, is_active=True, region__isnull=False)
        .order_by("region__path", "id")
        .values_list("region_id", "region__path", "user_id", "region__centroid_lng", "region__centroid_lat")
    )
    persona_grid = (
        Membership.objects.filter(user__username="grid_worker", role=Role.GRID_WORKER)
        .values_list("region_id", flat=True)
        .first()
    )
    seen: set[int] = set()
    patrols: list[Patrol] = []
    tracks: list[tuple[int, float | None, float | None]] = []
    for grid_id, path, user_id, lng, lat in grids:
        if grid_id in seen:
            continue
        seen.add(grid_id)
        for days_ago in range(PATROL_DAYS, 0, -1):
            day = today - dt.timedelta(days=days_ago)
            for slot, hour in ((PatrolSlot.MORNING, 8), (PatrolSlot.EVENING, 17)):
                if rng.random() < PATROL_MISSED_SHARE:
                    continue
                start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, rng.randint(0, 50))))
                patrols.append(
                    Patrol(
                        worker_id=user_id,
                        grid_id=grid_id,
                        grid_path=path,
                        day=day,
                        slot=slot,
                        status=PatrolStatus.ENDED,
                        started_at=start,
                        ended_at=start + dt.timedelta(minutes=rng.randint(30, 70)),
                    )
                )
                if grid_id == persona_grid:
                    tracks.append((len(patrols) - 1, lng, lat))
    ctx.insert(Patrol, patrols, label="patrols")
    points: list[PatrolPoint] = []
    for index, lng, lat in tracks:  # the persona grid's month, with tracks
        if lng is None or lat is None:
            continue
        patrol = patrols[index]
        for i in range(TRACK_POINTS):
            points.append(
                PatrolPoint(
                    patrol=patrol,
                    at=patrol.started_at + dt.timedelta(seconds=30 * i),
                    lng=lng + 0.0004 * math.sin(i / 6),
                    lat=lat + 0.0004 * math.cos(i / 6),
                )
            )
        patrol.points_count = TRACK_POINTS
    ctx.insert(PatrolPoint, points, label="patrol_points")
    Patrol.objects.bulk_update([patrols[i] for i, _lng, _lat in tracks], ["points_count"])


DIARY_DAYS = 14  # every grid's worker, the last two weeks
DIARY_PERSONA_DAYS = 30  # the persona grid: a month
DIARY_SHARE = 0.6
DIARY_REVIEW_AFTER_DAYS = 2  # read by the community within two days; the last two still unread
SEEN = (
    "3号楼楼道堆放纸箱杂物,存在消防隐患",
    "小区东门路灯不亮,夜间通行不便",
    "垃圾分类亭周边有散落垃圾,已联系保洁",
    "5号楼外墙瓷砖有脱落迹象",
    "非机动车在单元门口充电,已劝离",
    "健身器材螺丝松动,已拍照上报",
    "",
)
DONE = (
    "走访独居老人2户,帮助预约社区医生上门",
    "调解楼上楼下漏水纠纷,双方达成维修意见",
    "为新迁入家庭登记人口信息,宣传社区服务",
    "协助低保户办理年审材料",
    "入户宣传防诈骗知识,发放宣传单30份",
    "陪同物业检查消防通道",
)
HEARD = (
    "居民反映停车位紧张,希望规划临时停车区",
    "老人希望社区食堂增加送餐服务",
    "有居民反映夜间广场舞音量过大",
    "居民建议在小区内增设快递柜",
    "租户反映房东不退押金,已告知调解渠道",
    "",
)
COMMENTS = (
    "收到,楼道杂物请联系物业限期清理",
    "情况已转社区网格长跟进",
    "做得好,继续关注独居老人身体状况",
    "停车问题已列入下周研判会议题",
)


def seed_diaries(ctx: SeedContext, end: dt.datetime) -> None:
    """社情日记 of every grid's worker for the last two weeks (a month in the persona grid): most
    days written, the older ones read (阅示) by the community staff above, some with a comment."""
    rng = ctx.rng("gridwork", "diaries")
    today = timezone.localdate(end)
    reviewers: dict[str, int] = {}
    for path, user_id, username in (
        Membership.objects.filter(role=Role.COMMUNITY_STAFF, is_active=True, region__isnull=False)
        .order_by("id")
        .values_list("region__path", "user_id", "user__username")
    ):
        if username == "community_staff" or path not in reviewers:  # the persona reads its community's
            reviewers[path] = user_id
    persona = Membership.objects.filter(user__username="grid_worker", role=Role.GRID_WORKER).first()
    authors: set[int] = set()
    entries: list[DiaryEntry] = []
    for grid_id, path, user_id in (
        Membership.objects.filter(role=Role.GRID_WORKER, is_active=True, region__isnull=False)
        .order_by("region__path", "id")
        .values_list("region_id", "region__path", "user_id")
    ):
        if user_id in authors:
            continue
        authors.add(user_id)
        is_persona = persona is not None and persona.user_id == user_id
        reviewer = next((u for p, u in reviewers.items() if path.startswith(p)), None)
        for days_ago in range(DIARY_PERSONA_DAYS if is_persona else DIARY_DAYS, 0, -1):
            if not is_persona and rng.random() > DIARY_SHARE:
                continue
            day = today - dt.timedelta(days=days_ago)
            written = timezone.make_aware(dt.datetime.combine(day, dt.time(18, rng.randint(0, 59))))
            entry = DiaryEntry(
                author_id=user_id,
                grid_id=grid_id,
                grid_path=path,
                day=day,
                seen=rng.choice(SEEN),
                done=rng.choice(DONE),
                heard=rng.choice(HEARD),
            )
            if reviewer is not None and days_ago > DIARY_REVIEW_AFTER_DAYS:
                entry.status = DiaryStatus.REVIEWED
                entry.reviewed_by_id = reviewer
                entry.reviewed_at = written + dt.timedelta(hours=15)
            entries.append(entry)
    ctx.insert(DiaryEntry, entries, label="diaries")
    comments: list[DiaryComment] = []
    for entry in entries:
        if entry.reviewed_by_id is not None and entry.reviewed_at and rng.random() < 0.3:
            comments.append(
                DiaryComment(
                    entry=entry,
                    author_id=entry.reviewed_by_id,
                    text=rng.choice(COMMENTS),
                    created_at=entry.reviewed_at,
                )
            )
            entry.comments_count = 1
    ctx.insert(DiaryComment, comments, label="diary_comments")
    DiaryEntry.objects.bulk_update([c.entry for c in comments], ["comments_count"], batch_size=2000)


MEETING_WEEKS = 6
TOPICS = (
    ("本周网格巡查发现的安全隐患", "楼道堆物清理由网格员督促物业落实", 7),
    ("独居老人走访情况研判", "为两户独居老人联系家庭医生签约", 14),
    ("停车难问题居民意见汇总", "协调共建单位夜间开放停车位", 30),
    ("矛盾纠纷排查与化解", "邻里漏水纠纷由网格员跟进回访", 7),
    ("近期高频诉求研判", "路灯报修集中转城管局并跟踪办结", 10),
    ("防汛防火隐患排查部署", "对老旧小区电动车充电点逐户排查", 14),
)


def seed_meetings(ctx: SeedContext, end: dt.datetime) -> None:
    """研判: every community's 周研判 of the last six weeks with one or two decisions each, owned by
    the community's staff and grid workers (most of the older ones done, some overdue), and each
    street's 月会商 of last month."""
    rng = ctx.rng("gridwork", "meetings")
    today = timezone.localdate(end)
    staff: dict[int, list[tuple[int, str]]] = {}
    for region_id, path, user_id, role in (
        Membership.objects.filter(
            role__in=(Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.GRID_WORKER), is_active=True
        )
        .filter(region__isnull=False)
        .order_by("id")
        .values_list("region_id", "region__path", "user_id", "role")
    ):
        staff.setdefault(user_id, []).append((region_id, path + "|" + role))
    by_region: dict[str, list[int]] = {}  # a community's or street's path → its people (staff first)
    recorders: dict[str, int] = {}
    regions = dict(
        Region.objects.filter(level__in=(2, 3)).values_list("path", "id")  # streets and communities
    )
    for user_id, held in staff.items():
        for _region_id, tagged in held:
            path, role = tagged.split("|")
            parts = path.strip("/").split("/")
            for region_path in ("/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)):
                if region_path in regions:
                    by_region.setdefault(region_path, []).append(user_id)
                    if role in (Role.COMMUNITY_STAFF, Role.STREET_STAFF) and path == region_path:
                        recorders.setdefault(region_path, user_id)
    meetings: list[Meeting] = []
    plans: list[list[tuple[str, int, dt.date, bool]]] = []
    for path, recorder in sorted(recorders.items()):
        people = by_region.get(path, [recorder])
        is_street = path.count("/") == 3
        dates = (
            [today.replace(day=1) - dt.timedelta(days=rng.randint(3, 20))]
            if is_street
            else [today - dt.timedelta(days=7 * w + rng.randint(0, 4)) for w in range(MEETING_WEEKS)]
        )
        for held_on in dates:
            topic, decision, days = rng.choice(TOPICS)
            meetings.append(
                Meeting(
                    kind=MeetingKind.MONTHLY if is_street else MeetingKind.WEEKLY,
                    region_id=regions[path],
                    region_path=path,
                    held_on=held_on,
                    place="党群服务中心会议室",
                    topic=topic,
                    attendees="书记、网格长、网格员、物业、民警",
                    minutes=f"会议围绕“{topic}”逐项研判,明确责任人和完成时限。",
                    recorded_by_id=recorder,
                )
            )
            due = held_on + dt.timedelta(days=days)
            plan = [(decision, rng.choice(people), due, due < today and rng.random() < 0.85)]
            if rng.random() < 0.5:
                follow = held_on + dt.timedelta(days=5)
                plan.append(("对研判的诉求逐件回访,结果报社区", rng.choice(people), follow, follow < today))
            plans.append(plan)
    ctx.insert(Meeting, meetings, label="meetings")
    decisions: list[Decision] = []
    for meeting, plan in zip(meetings, plans, strict=True):
        for text, owner, due, done in plan:
            decisions.append(
                Decision(
                    meeting=meeting,
                    region_path=meeting.region_path,
                    text=text,
                    owner_id=owner,
                    due_date=due,
                    status=DecisionStatus.DONE if done else DecisionStatus.OPEN,
                    done_at=timezone.make_aware(dt.datetime.combine(due, dt.time(16))) if done else None,
                    done_note="已按期落实" if done else "",
                )
            )
    ctx.insert(Decision, decisions, label="meeting_decisions")


def _demo_answer(question: dict[str, Any], rng: random.Random) -> Any:
    kind = question["type"]
    if kind == "yes_no":  # most doors are fine: 安全 yes, 隐患 no
        fine = rng.random() < 0.88
        return fine if question["key"] in {"gas", "exit", "extinguisher"} else not fine
    if kind == "choice":
        return rng.choices(question["choices"], weights=range(len(question["choices"]), 0, -1))[0]
    if kind == "number":
        return rng.choice((1, 2, 2, 3, 3, 4, 5))
    return (
        rng.choice(("", "", "", "楼道堆放杂物,已劝导清理", "插线板老化,已提醒更换"))
        if question["key"] == "hazard"
        else ""
    )


def seed_campaigns(ctx: SeedContext, end: dt.datetime) -> None:
    """入户排查: the persona street's 冬季燃气安全 campaign opened ten days ago and due in five, about
    60 % of its doors recorded (some 无人在家), and the persona community's 人口信息核查 of last month,
    closed with 97 % recorded. Each door is visited by its grid's worker."""
    rng = ctx.rng("gridwork", "campaigns")
    tree = RegionTree.load()
    author = (
        User.objects.filter(username="street_staff").first() or User.objects.filter(is_superuser=True).first()
    )
    if author is None:
        return
    today = timezone.localdate(end)
    plans = (
        ("冬季燃气安全入户排查", CampaignKind.SAFETY, tree.persona_street(), 10, -5, 0.6,
         CampaignStatus.OPEN),
        ("人口信息核查(第三季度)", CampaignKind.POPULATION, tree.persona_community(), 45, 20, 0.97,
         CampaignStatus.CLOSED),
    )  # fmt: skip
    for title, kind, region, started_ago, ended_ago, share, status in plans:
        opened = end - dt.timedelta(days=started_ago)
        closed_at = end - dt.timedelta(days=ended_ago) if status == CampaignStatus.CLOSED else None
        campaign = Campaign.objects.create(
            title=title,
            kind=kind,
            region=region,
            region_path=region.path,
            questions=preset(kind),
            starts_on=timezone.localdate(opened),
            ends_on=today - dt.timedelta(days=ended_ago),
            status=status,
            opened_at=opened,
            closed_at=closed_at,
            created_by=author,
        )
        ctx.counts["campaigns"] += 1
        doors = campaign_doors(campaign)
        last = closed_at or end
        span = max(1, int((last - opened).total_seconds() // 3600) - 1)
        for door in doors:
            roll = rng.random()
            if roll < share:
                door.status = DoorStatus.DONE
                door.answers = {q["key"]: a for q in campaign.questions if (a := _demo_answer(q, rng)) != ""}
                door.done_at = opened + dt.timedelta(hours=rng.randint(1, span))
                door.done_by_id = door.assignee_id
                door.attempts = 1 if rng.random() < 0.9 else 2
            elif roll < share + 0.08:
                door.status = DoorStatus.ABSENT
                door.attempts = rng.randint(1, 2)
                door.note = "敲门无人应答,已留联系卡"
        ctx.insert(CampaignHousehold, doors, label="campaign_doors")
        campaign.households = len(doors)
        campaign.save(update_fields=["households"])


RATING_REMARKS = {
    5: ("随叫随到,很负责", "经常上门看望老人", "办事热心,问题解决得快"),
    4: ("总体满意", "希望多在小区走动"),
    3: ("反映的问题处理慢了些", "希望及时反馈办理结果"),
    2: ("很少见到网格员",),
    1: ("打电话没人接",),
}


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def seed_worker_ratings(ctx: SeedContext) -> None:
    """Seed stage (after the accounts are linked to residents): 民情评议. Last quarter about 40 % of
    the households rated their grid worker, this quarter a share in proportion to the days gone; each
    worker has a level of their own (3.8–4.8) around which the households' scores fall; one in eight
    leaves a remark. These households have no accounts (``rater`` empty, as for ratings collected on
    paper); the households of residents with an account (the citizen persona's) are left to rate this
    quarter through the app themselves."""
    end = ctx.end or reference_end()
    rng = ctx.rng("gridwork", "ratings")
    today = timezone.localdate(end)
    with_accounts = set(
        CivicContact.objects.filter(resident__household__isnull=False).values_list(
            "resident__household_id", flat=True
        )
    )
    this_start = _quarter_start(today)
    last_start = _quarter_start(this_start - dt.timedelta(days=1))
    this_share = 0.4 * min(1.0, (today - this_start).days / 91)
    periods = ((quarter_of(last_start), last_start, this_start - dt.timedelta(days=1), 0.4),
               (quarter_of(today), this_start, today, this_share))  # fmt: skip
    workers: dict[int, tuple[int, str]] = {}
    for grid_id, path, user_id in (
        Membership.objects.filter(role=Role.GRID_WORKER, is_active=True, region__isnull=False)
        .order_by("id")
        .values_list("region_id", "region__path", "user_id")
    ):
        workers.setdefault(grid_id, (user_id, path))
    level = {uid: rng.uniform(3.8, 4.8) for uid, _p in sorted(workers.values())}
    ratings: list[WorkerRating] = []
    for household_id, grid_id in (
        Household.objects.filter(grid_id__in=list(workers)).order_by("id").values_list("id", "grid_id")
    ):
        worker_id, path = workers[grid_id]
        for quarter, first, last, share in periods:
            if rng.random() >= share or last < first:
                continue
            if last == today and household_id in with_accounts:
                continue
            score = max(1, min(5, round(rng.gauss(level[worker_id], 0.8))))
            day = first + dt.timedelta(days=rng.randint(0, (last - first).days))
            ratings.append(
                WorkerRating(
                    quarter=quarter,
                    worker_id=worker_id,
                    grid_id=grid_id,
                    grid_path=path,
                    household_id=household_id,
                    score=score,
                    remark=rng.choice(RATING_REMARKS[score]) if rng.random() < 0.125 else "",
                    rated_at=timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(8, 20)))),
                )
            )
    ctx.insert(WorkerRating, ratings, label="worker_ratings")


def delete_gridwork(district: Region | None, deleted: dict[str, int]) -> None:
    """Reset: delete this domain's demo rows (runs first, before the registry and the accounts)."""
    if district is None:
        deleted["visits"] = Visit.objects.all().delete()[0]
        deleted["patrols"] = Patrol.objects.all().delete()[0]
        deleted["diaries"] = DiaryEntry.objects.all().delete()[0]
        deleted["meetings"] = Meeting.objects.all().delete()[0]
        deleted["worker_ratings"] = WorkerRating.objects.all().delete()[0]
        deleted["campaigns"] = Campaign.objects.all().delete()[0]
    else:
        deleted["visits"] = Visit.objects.filter(grid_path__subtree=district.path).delete()[0]
        deleted["patrols"] = Patrol.objects.filter(grid_path__subtree=district.path).delete()[0]
        deleted["diaries"] = DiaryEntry.objects.filter(grid_path__subtree=district.path).delete()[0]
        deleted["meetings"] = Meeting.objects.filter(region_path__subtree=district.path).delete()[0]
        deleted["worker_ratings"] = WorkerRating.objects.filter(grid_path__subtree=district.path).delete()[0]
        deleted["campaigns"] = Campaign.objects.filter(region_path__subtree=district.path).delete()[0]
    EventCursor.objects.all().delete()
