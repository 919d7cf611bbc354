"""民情评议: each quarter a household rates the grid workers of its grid (1–5, with an optional
remark) from the citizen app, and the community, street and district see a ranking of their workers.

The rater is a resident whose account is linked to their registry record; the caller (the citizen
app's view or the API) passes that record, read through ``civic.access.contact_of`` — gridwork does
not import civic (same floor). One rating per household, worker and quarter, held by a unique
constraint: a second one, even from another member of the household at the same moment, is a 409 with
nothing written. A worker who is not a grid worker of the household's grid is a 404.

The ranking orders by a shrunk mean — ``(sum + k·m) / (n + k)`` with ``k = 5`` and ``m`` the mean of
all the ratings in the reader's scope — so a worker with two ratings of 5 does not outrank one with
sixty averaging 4.9; the plain mean, the count and the share of 满意 (4 or 5) are shown beside it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from dangqun.accounts.models import Membership, Role, User
from dangqun.core import clock
from dangqun.core.audit import record_event
from dangqun.core.errors import ConflictError, ForbiddenError, NotFoundError
from dangqun.gridwork.events import GridworkEvent
from dangqun.gridwork.models import WorkerRating
from dangqun.gridwork.workers import scoped_workers
from dangqun.registry.models import Resident

REMARK_MAX_CHARS = 200
SHRINK_K = 5
SATISFIED_FROM = 4


def quarter_of(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def current_quarter() -> str:
    return quarter_of(clock.local_today())


def previous_quarter(quarter: str) -> str:
    year, q = int(quarter[:4]), int(quarter[-1])
    return f"{year - 1}-Q4" if q == 1 else f"{year}-Q{q - 1}"


def parse_quarter(raw: str) -> str:
    """``YYYY-Qn`` (this quarter when empty); a malformed or future quarter is a ValidationError."""
    raw = (raw or "").strip().upper()
    if not raw:
        return current_quarter()
    year, sep, q = raw.partition("-Q")
    if not (sep and year.isdigit() and len(year) == 4 and q in {"1", "2", "3", "4"}):
        raise ValidationError({"quarter": _("季度格式应为 YYYY-Qn,如 2026-Q4")})
    if raw > current_quarter():
        raise ValidationError({"quarter": _("季度不能晚于本季度")})
    return raw


def _workers_of_grid(grid_id: int) -> list[User]:
    ids = Membership.objects.filter(role=Role.GRID_WORKER, is_active=True, region_id=grid_id).values(
        "user_id"
    )
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("id"))


@dataclass
class MyWorker:
    user_id: int
    name: str
    grid_name: str
    rating: WorkerRating | None


def household_workers(resident: Resident | None, quarter: str | None = None) -> list[MyWorker]:
    """The grid workers of the resident's household's grid, each with the household's rating of
    ``quarter`` (this quarter by default) if it has given one."""
    household = resident.household if resident is not None else None
    if household is None:
        return []
    grid = household.grid
    quarter = quarter or current_quarter()
    workers = _workers_of_grid(grid.pk)
    given = {
        r.worker_id: r
        for r in WorkerRating.objects.filter(household=household, quarter=quarter, worker__in=workers)
    }
    return [MyWorker(w.pk, w.display_name or w.username, grid.name, given.get(w.pk)) for w in workers]


def _score(raw: object) -> int:
    try:
        score = int(str(raw).strip())
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError({"score": _("评分须为 1 到 5 的整数(5 为非常满意)")})
    return score


def worker_rate(
    *, actor: User, resident: Resident | None, worker_id: int, score: object, remark: str = ""
) -> WorkerRating:
    """The household's rating of one of its grid's workers for this quarter."""
    if not isinstance(actor, User) or not actor.is_authenticated:
        raise ForbiddenError(_("请先登录"))
    household = resident.household if resident is not None else None
    if household is None:
        raise ForbiddenError(_("仅登记在册的住户可以参加民情评议,请先到社区核实户籍登记"))
    value = _score(score)
    remark = (remark or "").strip()
    if len(remark) > REMARK_MAX_CHARS:
        raise ValidationError({"remark": _("意见建议不超过%(n)d字") % {"n": REMARK_MAX_CHARS}})
    if "\x00" in remark:
        raise ValidationError({"remark": _("不能含有空字符(NUL)")})
    grid = household.grid
    if worker_id not in {w.pk for w in _workers_of_grid(grid.pk)}:
        raise NotFoundError(_("该网格员不是您所在网格的网格员"))
    quarter = current_quarter()
    try:
        with transaction.atomic():
            rating = WorkerRating.objects.create(
                quarter=quarter,
                worker_id=worker_id,
                grid=grid,
                grid_path=grid.path,
                household=household,
                rater=actor,
                score=value,
                remark=remark,
                rated_at=clock.now(),
            )
            # The score stays in its row; the audit trail says who rated whom, not how.
            record_event(
                actor=actor,
                event_type=GridworkEvent.WORKER_RATED,
                target=rating,
                data={"worker": worker_id, "quarter": quarter},
            )
    except IntegrityError:
        raise ConflictError(_("本户本季度已评议过该网格员:每户每季度一次"), code="household_rated") from None
    return rating


@dataclass
class RankRow:
    rank: int | None
    user_id: int
    name: str
    grid_name: str
    count: int
    mean: float | None
    satisfied_pct: int | None
    shrunk: float | None


def rating_ranking(user: object, quarter: str) -> list[RankRow]:
    """The reader's grid workers ranked by the quarter's 民情评议 (unrated workers last, unranked)."""
    workers = scoped_workers(user)
    if not workers:
        return []
    grouped = (
        WorkerRating.objects.filter(quarter=quarter, worker_id__in=list(workers))
        .values("worker_id")
        .annotate(
            n=Count("id"), total=Sum("score"), satisfied=Count("id", filter=Q(score__gte=SATISFIED_FROM))
        )
        .values_list("worker_id", "n", "total", "satisfied")
    )
    figures = {worker_id: (n, total, satisfied) for worker_id, n, total, satisfied in grouped}
    all_n = sum(n for n, _t, _s in figures.values())
    prior = sum(t for _n, t, _s in figures.values()) / all_n if all_n else 0.0
    rows: list[RankRow] = []
    for worker_id, w in workers.items():
        n, total, satisfied = figures.get(worker_id, (0, 0, 0))
        rows.append(
            RankRow(
                rank=None,
                user_id=worker_id,
                name=w.name,
                grid_name=w.grid_name,
                count=n,
                mean=round(total / n, 2) if n else None,
                satisfied_pct=round(100 * satisfied / n) if n else None,
                shrunk=(total + SHRINK_K * prior) / (n + SHRINK_K) if n else None,
            )
        )
    rows.sort(key=lambda r: (r.shrunk is None, -(r.shrunk or 0), -r.count, r.user_id))
    for position, row in enumerate(rows, start=1):
        if row.shrunk is not None:
            row.rank = position
    return rows
