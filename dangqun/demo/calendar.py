"""The demo's calendar: its year of cases ends today, whatever day ``seed_demo`` runs.

``seed_demo`` ends the year at its *anchor* (``settings.DANGQUN["DEMO_ANCHOR"]`` or ``--anchor``):
``today`` — the current hour, local time — or a day ``YYYY-MM-DD`` (10:00 that day; the test suite pins
2026-11-22 so that its demo never depends on the day it runs). The end is written into the demo's
marker.

Running ``seed_demo`` again with the same arguments on a later day *re-anchors*: every timestamp of the
district's cases (submission, deadlines, tasks, timeline, attachments) moves forward by the whole days
between the demo's latest moment and the new end, the case codes follow their new day, and the KPI
rollup is recomputed. Whole days keep every time of day (cases stay in working hours); a weekend or
holiday may now fall where a workday was, which only shifts how a few deadlines read. Replaying the year
would take as long as the first seed; shifting takes seconds at any scale. A demo kept alive by
``demo_tick`` is already current: its latest moment is recent and it moves by at most a day.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Max

from dangqun.analytics.kpi_rollup import kpi_rollup_reset
from dangqun.cases.models import Attachment, Case, CaseCodeCounter, CaseEvent, CaseTask
from dangqun.civic.models import (
    ApplicationHandover,
    ApplicationMaterial,
    Notice,
    Proposal,
    ProposalComment,
    ProposalVote,
    ServiceApplication,
)
from dangqun.core import clock
from dangqun.demo.context import DISTRICT_CODE, REFERENCE_DATE
from dangqun.regions.models import Region

__all__ = ["ANCHOR_HOUR", "anchor_end", "demo_latest_moment", "demo_shift", "reanchor_days", "reference_end"]

ANCHOR_HOUR = dt.time(10, 0)  # a demo anchored to a day ends at 10:00 that day (local time)
SHIFTED_MODELS: tuple[type[models.Model], ...] = (Case, CaseTask, CaseEvent, Attachment)
BATCH = 2000


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def anchor_end(anchor: str | dt.date | None = None) -> dt.datetime:
    """The moment the demo's year ends for ``anchor`` (default: the ``DEMO_ANCHOR`` setting).

    ``"today"``: the current hour (local time), so nothing lies in the future; a date or ``YYYY-MM-DD``:
    10:00 that day, which must not be later than now.
    """
    value: Any = settings.DANGQUN.get("DEMO_ANCHOR", "today") if anchor is None else anchor
    now = clock.now().astimezone(_zone())
    if isinstance(value, str) and value.strip().lower() in {"today", "now", ""}:
        return now.replace(minute=0, second=0, microsecond=0)
    day = value
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            day = None
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise ValidationError(
            "演示日历的结束日 anchor 须为 today 或 年-月-日 格式的日期,收到:%(value)s",
            code="invalid_anchor",
            params={"value": value},
        )
    end = dt.datetime.combine(day, ANCHOR_HOUR, tzinfo=_zone())
    if end > now:
        raise ValidationError(
            "演示日历的结束日 anchor 不能晚于当前时间,收到:%(value)s",
            code="invalid_anchor",
            params={"value": day.isoformat()},
        )
    return end


def reference_end() -> dt.datetime:
    """The end of a demo seeded before the anchor existed (its year ended on the reference day)."""
    return dt.datetime.combine(REFERENCE_DATE, ANCHOR_HOUR, tzinfo=_zone())


def _district_cases() -> models.QuerySet[Case]:
    district = Region.objects.filter(code=DISTRICT_CODE).first()
    return Case.objects.filter(region_path__subtree=district.path) if district else Case.objects.none()


def demo_latest_moment(stored_end: dt.datetime) -> dt.datetime:
    """The demo's latest moment: its stored end, or the last thing that happened to its cases when it
    was kept alive after that (``demo_tick``, people using the demo)."""
    latest = CaseEvent.objects.filter(case__in=_district_cases()).aggregate(at=Max("created_at"))["at"]
    return max(stored_end, latest) if latest is not None else stored_end


def _shift_applications(delta: dt.timedelta) -> dict[str, int]:
    """The district's online applications (办事指南) move with the cases, so their lights stay as seeded."""
    district = Region.objects.filter(code=DISTRICT_CODE).first()
    if district is None:
        return {}
    applications = ServiceApplication.objects.filter(item__region__path__subtree=district.path)
    return _shift_rows(
        delta,
        (
            applications,
            ApplicationHandover.objects.filter(application__in=applications),
            ApplicationMaterial.objects.filter(application__in=applications),
        ),
    )


def _shift_rows(delta: dt.timedelta, querysets: tuple[models.QuerySet[Any], ...]) -> dict[str, int]:
    """Move the set moments (not the bookkeeping ``auto_now`` ones) of each queryset's rows by ``delta``."""
    shifted = {}
    for rows in querysets:
        model = rows.model
        columns = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.DateTimeField)
            and not getattr(f, "auto_now", False)
            and not getattr(f, "auto_now_add", False)
        ]
        shifted[model._meta.model_name or model.__name__] = rows.update(
            **{name: F(name) + delta for name in columns}
        )
    return shifted


def _shift_boards(delta: dt.timedelta) -> dict[str, int]:
    """The district's notices (居务公开栏) and proposals (民事民议) move with the cases: the board shows
    the same year, the open proposal's voting window stays open."""
    district = Region.objects.filter(code=DISTRICT_CODE).first()
    if district is None:
        return {}
    notices = Notice.objects.filter(region__path__subtree=district.path)
    proposals = Proposal.objects.filter(region__path__subtree=district.path)
    shifted = _shift_rows(
        delta,
        (
            notices,
            proposals,
            ProposalComment.objects.filter(proposal__in=proposals),
            ProposalVote.objects.filter(proposal__in=proposals),
        ),
    )
    # the end of display is a date (whole days move it; date arithmetic differs between databases)
    ending = list(notices.filter(expires_on__isnull=False).only("pk", "expires_on"))
    for notice in ending:
        assert notice.expires_on is not None  # noqa: S101 - filtered above
        notice.expires_on = notice.expires_on + delta
    Notice.objects.bulk_update(ending, ["expires_on"], batch_size=500)
    return shifted


def reanchor_days(stored_end: dt.datetime, end: dt.datetime) -> int:
    """Whole days to move the demo so that it ends at ``end`` (never past it): 0 when it is current."""
    latest = demo_latest_moment(stored_end)
    return math.floor((end - latest) / dt.timedelta(days=1))


@transaction.atomic
def demo_shift(days: int) -> dict[str, int]:
    """Move every timestamp of the district's cases by ``days`` (see the module docstring)."""
    delta = dt.timedelta(days=days)
    case_ids = list(_district_cases().values_list("pk", flat=True))
    shifted: dict[str, int] = {}
    for model in SHIFTED_MODELS:
        columns = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.DateTimeField) and not getattr(f, "auto_now", False)
        ]
        key = "pk" if model is Case else "case_id"
        rows = 0
        for start in range(0, len(case_ids), BATCH):
            chunk = case_ids[start : start + BATCH]
            rows += model._default_manager.filter(**{f"{key}__in": chunk}).update(
                **{name: F(name) + delta for name in columns}
            )
        shifted[model._meta.model_name or model.__name__] = rows
    shifted.update(_shift_applications(delta))
    shifted.update(_shift_boards(delta))
    _renumber(case_ids)
    kpi_rollup_reset()  # the rollup's days moved: the next run computes them again
    return shifted


def _renumber(case_ids: list[int]) -> None:
    """Codes name their day (``YB-20261122-000123``): each code takes its case's new day and keeps its
    number; the counters of the new days are raised to the numbers used (two passes: codes are unique)."""
    zone = _zone()
    prefix = settings.DANGQUN.get("CASE_CODE_PREFIX", "YB")
    counters: dict[dt.date, int] = {}
    for start in range(0, len(case_ids), BATCH):
        chunk = list(Case.objects.filter(pk__in=case_ids[start : start + BATCH]).only("pk", "code"))
        for case in chunk:
            case.code = f"~{case.pk}~{case.code.rsplit('-', 1)[-1]}"
        Case.objects.bulk_update(chunk, ["code"])
    for start in range(0, len(case_ids), BATCH):
        chunk = list(
            Case.objects.filter(pk__in=case_ids[start : start + BATCH]).only("pk", "code", "submitted_at")
        )
        for case in chunk:
            day = case.submitted_at.astimezone(zone).date()
            number = int(case.code.rsplit("~", 1)[-1])
            case.code = f"{prefix}-{day:%Y%m%d}-{number:06d}"
            counters[day] = max(counters.get(day, 0), number)
        Case.objects.bulk_update(chunk, ["code"])
    existing = {c.day: c for c in CaseCodeCounter.objects.filter(day__in=list(counters))}
    for day, last in counters.items():
        counter = existing.get(day)
        if counter is None:
            CaseCodeCounter.objects.create(day=day, last=last)
        elif counter.last < last:
            CaseCodeCounter.objects.filter(day=day).update(last=last)
