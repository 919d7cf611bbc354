"""民情评议 (``dangqun.gridwork.ratings``): a registered resident rates the grid workers of their
household's grid once a quarter (score 1–5, optional remark); the community, street and district read
their workers' ranking for a quarter (``YYYY-Qn``, this quarter by default; a bad one is a 422).
A second rating from the same household in the quarter is a 409, a worker of another grid a 404, an
account not linked to a registered household a 403 — nothing written."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from dangqun.accounts.scope import get_scope
from dangqun.civic.access import contact_of
from dangqun.core.errors import ForbiddenError
from dangqun.gridwork.access import VISIT_READ_ROLES
from dangqun.gridwork.ratings import (
    current_quarter,
    household_workers,
    parse_quarter,
    rating_ranking,
    worker_rate,
)
from dangqun.registry.models import Resident

router = Router(tags=["gridwork"])


class GridworkMyWorkerOut(Schema):
    worker: int
    name: str
    grid_name: str
    quarter: str
    score: int | None  # the household's rating this quarter, if given
    remark: str


class GridworkRatingIn(Schema):
    worker: int
    score: int  # 1–5, 5 非常满意
    remark: str = ""


class GridworkRankOut(Schema):
    rank: int | None  # None: no rating this quarter
    worker: int
    name: str
    grid_name: str
    ratings: int
    mean: float | None
    satisfied_pct: int | None  # share of 4 and 5


def _resident(request: HttpRequest) -> Resident | None:
    contact = contact_of(request.user)
    return contact.resident if contact is not None else None


def _mine(request: HttpRequest) -> list[dict[str, Any]]:
    quarter = current_quarter()
    return [
        {"worker": w.user_id, "name": w.name, "grid_name": w.grid_name, "quarter": quarter,
         "score": w.rating.score if w.rating else None, "remark": w.rating.remark if w.rating else ""}
        for w in household_workers(_resident(request), quarter)
    ]  # fmt: skip


@router.get("/gridwork/ratings/mine", response=list[GridworkMyWorkerOut], summary="我家的网格员及本季度评议")
def gridwork_my_ratings(request: HttpRequest) -> list[dict[str, Any]]:
    return _mine(request)


@router.post(
    "/gridwork/ratings",
    response={201: list[GridworkMyWorkerOut]},
    summary="民情评议:评价本网格网格员(每户每季度一次)",
)
def gridwork_rate(request: HttpRequest, payload: GridworkRatingIn) -> Status:
    worker_rate(
        actor=request.user,  # type: ignore[arg-type]
        resident=_resident(request),
        worker_id=payload.worker,
        score=payload.score,
        remark=payload.remark,
    )
    return Status(201, _mine(request))


@router.get("/gridwork/ratings", response=list[GridworkRankOut], summary="民情评议排名(按季度)")
def gridwork_rating_ranking(request: HttpRequest, quarter: str = "") -> list[dict[str, Any]]:
    scope = get_scope(request.user)
    if not (scope.is_sysadmin or scope.roles & VISIT_READ_ROLES):
        raise ForbiddenError(_("只有网格、社区、街道和指挥中心的工作人员可以查看民情评议排名"))
    return [
        {"rank": r.rank, "worker": r.user_id, "name": r.name, "grid_name": r.grid_name, "ratings": r.count,
         "mean": r.mean, "satisfied_pct": r.satisfied_pct}
        for r in rating_ranking(request.user, parse_quarter(quarter))
    ]  # fmt: skip
