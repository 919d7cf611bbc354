"""The demo's 网格工作 (``dangqun.gridwork``): one seed stage and what the reset deletes.

The visit rules (a migration's defaults) make every tagged resident's visit due; then a month of
history is written: most were visited within their rhythm (by their grid's worker, with the 五问
answers), some are overdue by a few days, the rest due today. The cases closed in the last two weeks
are due for 回访. Anchored to the demo's end day, deterministic from the seed."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from dangqun.accounts.models import Membership, Role
from dangqun.demo.calendar import reference_end
from dangqun.demo.context import SeedContext
from dangqun.gridwork.due import visits_refresh
from dangqun.gridwork.models import EventCursor, Visit, VisitStatus
from dangqun.gridwork.questions import QUESTION_BY_KEY, question_keys
from dangqun.regions.models import Region
from dangqun.registry.models import Resident

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


def delete_gridwork(district: Region | None, deleted: dict[str, int]) -> None:
    """Reset: delete this domain's demo rows (runs first, before the registry and the accounts)."""
    if district is None:
        deleted["visits"] = Visit.objects.all().delete()[0]
    else:
        deleted["visits"] = Visit.objects.filter(grid_path__subtree=district.path).delete()[0]
    EventCursor.objects.all().delete()
