"""网格员履职 (``dangqun.gridwork.workers``): per grid worker of the reader's grids, one month's
patrols, visits (and how many on time), diaries, cases reported and resolved on the spot, and the
grid's overdue visits now. ``month`` is ``YYYY-MM`` (this month by default); a bad one is a 422."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from dangqun.gridwork.workers import month_bounds, worker_rows

router = Router(tags=["gridwork"])


class WorkerOut(Schema):
    user_id: int
    name: str
    grid_code: str
    grid_name: str
    patrols: int
    visits: int
    visits_on_time: int
    diaries: int
    reported: int
    on_spot: int
    overdue: int


@router.get("/gridwork/workers", response=list[WorkerOut], summary="网格员履职(按月)")
def gridwork_workers(request: HttpRequest, month: str = "") -> list[dict[str, Any]]:
    start, end = month_bounds(month)
    return [
        {
            "user_id": r.user_id,
            "name": r.name,
            "grid_code": r.grid_code,
            "grid_name": r.grid_name,
            **r.figures,
        }
        for r in worker_rows(request.user, start, end)
    ]
