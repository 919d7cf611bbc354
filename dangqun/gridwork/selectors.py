"""Reads of the 网格工作 app: a grid's due list, the overdue visits by grid."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min, QuerySet

from dangqun.core import clock
from dangqun.gridwork.access import visits_for
from dangqun.gridwork.models import Visit, VisitStatus

DUE_LIST_LIMIT = 200


def due_visits(user: object, *, grid_path: str | None = None) -> QuerySet[Visit]:
    """The due visits the user sees (in one grid when given), the most overdue first."""
    qs = visits_for(user).filter(status=VisitStatus.DUE)
    if grid_path is not None:
        qs = qs.filter(grid_path=grid_path)
    return qs.select_related("rule").order_by("due_date", "id")


@dataclass(frozen=True)
class OverdueRow:
    grid_code: str
    grid_name: str
    overdue: int
    oldest: dt.date


def overdue_by_grid(user: object, *, today: dt.date | None = None) -> list[OverdueRow]:
    """Per grid in the user's scope: how many due visits are past their date, and the oldest date."""
    today = today or clock.local_today()
    rows = (
        visits_for(user)
        .filter(status=VisitStatus.DUE, due_date__lt=today)
        .values("grid__code", "grid__name")
        .annotate(n=Count("id"), oldest=Min("due_date"))
        .order_by("-n", "grid__code")
    )
    return [OverdueRow(r["grid__code"], r["grid__name"], r["n"], r["oldest"]) for r in rows]


def overdue_visits(user: object, *, today: dt.date | None = None) -> QuerySet[Visit]:
    today = today or clock.local_today()
    return (
        visits_for(user)
        .filter(status=VisitStatus.DUE, due_date__lt=today)
        .select_related("rule", "grid")
        .order_by("due_date", "id")
    )
