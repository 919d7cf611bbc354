"""一日两巡 patrols: a grid worker starts a patrol (the morning or evening one, by the hour), the
phone posts its positions in batches (stored once; a point far outside the grid or reached at an
impossible speed is flagged, not dropped), findings become cases through the cases' intake, and the
worker ends it through the door (``PatrolWorkflow``). ``missed_patrols`` lists, per grid and day,
the patrols nobody made."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangqun.accounts.models import Role
from dangqun.accounts.scope import get_scope
from dangqun.cases.enums import CaseChannel, CaseType
from dangqun.cases.services.intake import case_create
from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.errors import ConflictError, NotFoundError
from dangqun.core.workflow import SYSTEM, Actor, Workflow, row
from dangqun.gridwork.access import VISIT_READ_ROLES, visits_visible_q
from dangqun.gridwork.events import GridworkEvent
from dangqun.gridwork.models import Patrol, PatrolFinding, PatrolPoint, PatrolSlot, PatrolStatus, PointFlag
from dangqun.regions.models import Region, RegionLevel

OWNER = "owner"
EVENING_FROM_HOUR = 12  # a patrol started from noon on is the evening one
MAX_POINTS_PER_BATCH = 500
MAX_SPEED_MPS = 15.0  # faster than a scooter in town: flagged
OUTSIDE_MARGIN_DEG = 0.01  # about 1 km beyond the grid's bounding box: flagged


class PatrolWorkflow(Workflow[Patrol]):
    model = Patrol
    noun = gettext_lazy("巡查")
    statuses = dict(PatrolStatus.choices)
    table = {
        t.action: t
        for t in (
            row("end", gettext_lazy("结束巡查"), [PatrolStatus.ACTIVE], PatrolStatus.ENDED, [OWNER, SYSTEM],
                GridworkEvent.PATROL_ENDED, stamps=["ended_at"]),
        )
    }  # fmt: skip

    @classmethod
    def visible(cls, actor: Actor) -> models.Q:
        return visits_visible_q(actor)

    @classmethod
    def relations(cls, actor: Actor, obj: Patrol, state: dict[str, Any]) -> frozenset[str]:
        if actor is None:
            return frozenset({SYSTEM})
        return frozenset({OWNER}) if obj.worker_id == actor.pk else frozenset()


def patrols_for(user: object) -> models.QuerySet[Patrol]:
    return Patrol.objects.filter(visits_visible_q(user))


def access_patrol_by_id(user: object, patrol_id: int) -> Patrol:
    patrol = patrols_for(user).select_related("grid").filter(pk=patrol_id).first()
    if patrol is None:
        raise NotFoundError()
    return patrol


def _own_patrol(actor: Any, patrol_id: int) -> Patrol:
    patrol = access_patrol_by_id(actor, patrol_id)
    if patrol.worker_id != actor.pk:
        raise ConflictError(_("只能操作自己的巡查"), code="not_owner")
    return patrol


def slot_at(at: dt.datetime) -> str:
    return PatrolSlot.EVENING if timezone.localtime(at).hour >= EVENING_FROM_HOUR else PatrolSlot.MORNING


@transaction.atomic
def patrol_start(*, actor: Any, grid: Region, idempotency_key: str = "") -> tuple[Patrol, bool]:
    """Start a patrol of ``grid`` now (the caller checked it is the actor's grid). A retry with the
    same key answers with the patrol it started."""
    key = (idempotency_key or "").strip()[:100] or None
    if key is not None:
        earlier = Patrol.objects.filter(start_key=key).first()
        if earlier is not None:
            if earlier.worker_id != actor.pk:
                raise ConflictError(_("幂等键已用于另一次巡查"), code="idempotency_key_reused")
            return earlier, False
    if Patrol.objects.filter(worker=actor, status=PatrolStatus.ACTIVE).exists():
        raise ConflictError(_("已有进行中的巡查,请先结束"), code="patrol_active")
    at = clock.now()
    patrol = Patrol.objects.create(
        worker=actor,
        grid=grid,
        grid_path=grid.path,
        day=timezone.localdate(at),
        slot=slot_at(at),
        started_at=at,
        start_key=key,
    )
    record_event(
        actor=actor, event_type=GridworkEvent.PATROL_STARTED, target=patrol, data={"slot": patrol.slot}
    )
    return patrol, True


def patrol_end(*, actor: Any, patrol_id: int) -> Patrol:
    patrol = access_patrol_by_id(actor, patrol_id)
    return PatrolWorkflow.apply(obj=patrol.pk, action="end", actor=actor)


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    lng1, lat1, lng2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 6_371_000 * 2 * math.asin(math.sqrt(h))


def _bbox(grid: Region) -> tuple[float, float, float, float] | None:
    boundary = grid.boundary or {}
    coords: list[Any] = []
    stack = [boundary.get("coordinates")]
    while stack:
        item = stack.pop()
        if isinstance(item, list) and item and isinstance(item[0], (int, float)):
            coords.append(item)
        elif isinstance(item, list):
            stack.extend(item)
    if not coords:
        return None
    lngs = [c[0] for c in coords]
    lats = [c[1] for c in coords]
    m = OUTSIDE_MARGIN_DEG
    return min(lngs) - m, min(lats) - m, max(lngs) + m, max(lats) + m


@dataclass(frozen=True)
class PointIn:
    at: dt.datetime
    lng: float
    lat: float


def patrol_points(*, actor: Any, patrol_id: int, points: list[PointIn]) -> tuple[int, int]:
    """Store a batch of positions (stored once per time); returns (points added, of them flagged)."""
    patrol = _own_patrol(actor, patrol_id)
    if len(points) > MAX_POINTS_PER_BATCH:
        raise ValidationError({"points": _("每批最多%(n)d个点") % {"n": MAX_POINTS_PER_BATCH}})
    end = patrol.ended_at or clock.now()
    for i, p in enumerate(points):
        if not (-180 <= p.lng <= 180 and -90 <= p.lat <= 90):
            raise ValidationError({f"points.{i}": _("经纬度超出范围")})
        if p.at < patrol.started_at - dt.timedelta(minutes=1) or p.at > end + dt.timedelta(minutes=5):
            raise ValidationError({f"points.{i}.at": _("时间不在本次巡查期间")})
    box = _bbox(patrol.grid)
    last = patrol.points.order_by("-at").values_list("at", "lng", "lat").first()
    rows = []
    for p in sorted(points, key=lambda p: p.at):
        flag = ""
        if box is not None and not (box[0] <= p.lng <= box[2] and box[1] <= p.lat <= box[3]):
            flag = PointFlag.OUTSIDE
        elif last is not None and p.at > last[0]:
            seconds = (p.at - last[0]).total_seconds()
            if _metres((last[1], last[2]), (p.lng, p.lat)) / seconds > MAX_SPEED_MPS:
                flag = PointFlag.SPEED
        rows.append(PatrolPoint(patrol=patrol, at=p.at, lng=p.lng, lat=p.lat, flag=flag))
        last = (p.at, p.lng, p.lat)
    with transaction.atomic():
        before = patrol.points.count()
        PatrolPoint.objects.bulk_create(rows, ignore_conflicts=True)
        added = patrol.points.count() - before
        flagged = patrol.points.exclude(flag="").count() - patrol.flagged_count
        Patrol.objects.filter(pk=patrol.pk).update(
            points_count=F("points_count") + added, flagged_count=F("flagged_count") + flagged
        )
        if added:
            record_event(
                actor=actor,
                event_type=GridworkEvent.PATROL_POINTS,
                target=patrol,
                data={"added": added, "flagged": flagged},
            )
    return added, flagged


def patrol_finding(
    *,
    actor: Any,
    patrol_id: int,
    title: str,
    description: str,
    lng: float | None = None,
    lat: float | None = None,
    address: str = "",
    idempotency_key: str = "",
) -> tuple[Any, bool]:
    """A finding on the patrol becomes a case (隐患随手拍) through the intake, linked to the patrol."""
    patrol = _own_patrol(actor, patrol_id)
    result = case_create(
        actor=actor,
        channel=CaseChannel.GRID_WORKER,
        case_type=CaseType.REPORT,
        title=title,
        description=description,
        lng=lng,
        lat=lat,
        region=patrol.grid if lng is None else None,
        address=address,
        idempotency_key=idempotency_key,
    )
    with transaction.atomic():
        _link, created = PatrolFinding.objects.get_or_create(patrol=patrol, case=result.case)
        if created:
            record_event(
                actor=actor,
                event_type=GridworkEvent.PATROL_FINDING,
                target=patrol,
                data={"case": result.case.code},
            )
    return result.case, result.created


@dataclass(frozen=True)
class MissedRow:
    grid_code: str
    grid_name: str
    day: dt.date
    missing: tuple[str, ...]  # PatrolSlot values nobody patrolled


def missed_patrols(user: object, *, day: dt.date, now: dt.datetime | None = None) -> list[MissedRow]:
    """Per grid of the user's scope, the slots of ``day`` nobody patrolled (a slot counts once it is
    over: the morning from noon, the evening from the next day)."""
    now = now or clock.now()
    local = timezone.localtime(now)
    over = [PatrolSlot.MORNING, PatrolSlot.EVENING]
    if day == local.date():
        over = [PatrolSlot.MORNING] if local.hour >= EVENING_FROM_HOUR else []
    elif day > local.date():
        over = []
    if not over:
        return []
    scope = get_scope(user)
    roles = VISIT_READ_ROLES - {Role.GRID_WORKER}
    grids = Region.objects.filter(level=RegionLevel.GRID, is_active=True)
    if not scope.is_sysadmin:
        grids = grids.filter(scope.region_q("path", roles=roles))
    done: dict[int, set[str]] = {}
    for grid_id, slot in Patrol.objects.filter(day=day, grid__in=grids).values_list("grid_id", "slot"):
        done.setdefault(grid_id, set()).add(slot)
    rows = []
    for grid in grids.order_by("path").only("pk", "code", "name"):
        missing = tuple(s for s in over if s not in done.get(grid.pk, set()))
        if missing:
            rows.append(MissedRow(grid.code, grid.name, day, missing))
    return rows
