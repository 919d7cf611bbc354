"""限时办结: which policy applies to a case, and the deadlines it gives on the working calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from dangqun.cases.enums import Priority
from dangqun.cases.models import Category, SlaPolicy
from dangqun.core import workcal

# Used when no policy row matches (an empty database still gets sensible clocks).
FALLBACK = {
    Priority.NORMAL: (Decimal(4), Decimal(5)),
    Priority.URGENT: (Decimal(2), Decimal(2)),
    Priority.CRITICAL: (Decimal(1), Decimal("0.5")),
}


@dataclass(frozen=True)
class Deadlines:
    sign_due_at: dt.datetime
    resolve_due_at: dt.datetime
    allowed_seconds: float
    escalate_on_breach: bool


def policy_for(category: Category | None, priority: str) -> tuple[Decimal, Decimal, bool]:
    """(sign working hours, resolve working days, escalate on breach) for a category and priority."""
    ids: list[int | None] = []
    if category is not None:
        parts = category.path.strip("/").split("/")
        codes = parts[::-1]  # the category itself first, then its ancestors
        by_code = {c.code: c.pk for c in Category.objects.filter(code__in=codes)}
        ids = [by_code[c] for c in codes if c in by_code]
    rows = {
        p.category_id: p
        for p in SlaPolicy.objects.filter(priority=priority).filter(
            category_id__in=[i for i in ids if i is not None]
        )
    }
    for category_id in ids:
        if category_id in rows:
            row = rows[category_id]
            return row.sign_hours, row.resolve_days, row.escalate_on_breach
    default = SlaPolicy.objects.filter(priority=priority, category__isnull=True).first()
    if default is not None:
        return default.sign_hours, default.resolve_days, default.escalate_on_breach
    sign, resolve = FALLBACK[Priority(priority)]
    return sign, resolve, True


def _add_days(start: dt.datetime, days: Decimal) -> dt.datetime:
    whole = int(days)
    due = workcal.add_working_days(start, whole) if whole else start
    fraction = days - whole
    if fraction:
        due = workcal.add_working_hours(due, float(fraction) * workcal.workday_seconds() / 3600)
    return due


def deadlines(
    *,
    start: dt.datetime,
    category: Category | None,
    priority: str,
    sign_hours: Decimal | None = None,
    resolve_days: Decimal | None = None,
) -> Deadlines:
    policy_sign, policy_resolve, escalate = policy_for(category, priority)
    sign = sign_hours if sign_hours is not None else policy_sign
    resolve = resolve_days if resolve_days is not None else policy_resolve
    sign_due = workcal.add_working_hours(start, float(sign))
    resolve_due = _add_days(start, resolve)
    allowed = workcal.working_seconds_between(start, resolve_due)
    return Deadlines(sign_due, resolve_due, allowed, escalate)


def extend(due: dt.datetime, days: Decimal) -> dt.datetime:
    return _add_days(due, days)
