"""Reads of 办事指南: the public catalogue (by region and level, with search), the staff's workbench
of applications (overdue first, with a deadline light on the working calendar), a resident's own."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from dangqun.accounts.models import User
from dangqun.civic.access import applications_for, items_managed_q, public_items
from dangqun.civic.models import (
    OPEN_APPLICATION_STATUSES,
    ApplicationStatus,
    ServiceApplication,
    ServiceItem,
)
from dangqun.core import clock, workcal
from dangqun.regions.models import Region


def catalogue(*, region: Region | None = None, level: str = "", q: str = "") -> QuerySet[ServiceItem]:
    """The items a resident of ``region`` can use: those of the region itself and of the street and
    district above it (the three catalogues), or every active item when no region is given."""
    qs = public_items()
    if region is not None:
        qs = qs.filter(region__path__in=region.ancestor_paths())
    if level:
        qs = qs.filter(level=level)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(category__icontains=q) | Q(conditions__icontains=q))
    order = Case(
        When(level="community", then=Value(0)),
        When(level="street", then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return qs.annotate(level_order=order).order_by("level_order", "sort_order", "id")


def managed_items(user: object) -> QuerySet[ServiceItem]:
    return ServiceItem.objects.select_related("region", "department").filter(items_managed_q(user))


@dataclass(frozen=True)
class Light:
    colour: str  # green | yellow | red | "" (closed)
    overdue: bool


def light_of(application: ServiceApplication, now: dt.datetime | None = None) -> Light:
    """The deadline light of an open application; a closed one has none (``overdue`` if late)."""
    now = now or clock.now()
    if application.status not in OPEN_APPLICATION_STATUSES:
        late = application.done_at is not None and application.done_at > application.due_at
        return Light("", late)
    total = application.item.time_limit_days * workcal.workday_seconds()
    colour = str(workcal.deadline_light(now, application.due_at, total))
    return Light(colour, colour == "red")


def workbench(user: object, *, status: str = "", q: str = "") -> QuerySet[ServiceApplication]:
    """Applications of the items the user's unit handles: open ones first, the most overdue first."""
    qs = applications_for(user).filter(items_managed_q(user, "item__"))
    if status == "open":
        qs = qs.filter(status__in=OPEN_APPLICATION_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(item__name__icontains=q))
    open_first = Case(
        When(status__in=OPEN_APPLICATION_STATUSES, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        qs.select_related("applicant").annotate(open_first=open_first).order_by("open_first", "due_at", "id")
    )


def my_applications(user: object) -> QuerySet[ServiceApplication]:
    if not isinstance(user, User) or not user.is_authenticated:
        return ServiceApplication.objects.none()
    return applications_for(user).filter(applicant=user).order_by("-submitted_at", "-id")


def open_count(user: object) -> int:
    return workbench(user).filter(status=ApplicationStatus.SUBMITTED).count()
